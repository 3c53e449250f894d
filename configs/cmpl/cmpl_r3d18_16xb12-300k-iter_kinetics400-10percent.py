# CMPL on Kinetics-400 10% labels (60 videos per class): lambda = 2.
_base_ = './cmpl_r3d18_16xb12-300k-iter_kinetics400-1percent.py'
split_dir = 'data/kinetics400/semi/60pc_seed0'
model = dict(semi_train_cfg=dict(unsup_weight=2.0))
train_dataloader = dict(
    dataset=dict(
        labeled=dict(ann_file=f'{split_dir}/labeled.txt'),
        unlabeled=dict(ann_file=f'{split_dir}/unlabeled.txt')))
