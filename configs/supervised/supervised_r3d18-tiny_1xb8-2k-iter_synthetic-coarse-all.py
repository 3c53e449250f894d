# Upper bound: the plain recognizer trained on every label of the training
# set (labeled + unlabeled lists), same budget.
_base_ = ['./supervised_r3d18-tiny_1xb8-2k-iter_synthetic-coarse-labeled.py']
train_dataloader = dict(
    dataset=dict(ann_file=_base_.data_root + '/train.txt'))
