# synthetic-coarse's semi-supervised data on the 64-frame videos of
# ``tools/data/generate_synthetic.py data/synthetic-long --preset long``.
_base_ = './semi_synthetic-coarse.py'
data_root = 'data/synthetic-long'
train_dataloader = dict(
    dataset=dict(
        labeled=dict(ann_file=f'{data_root}/labeled.txt',
                     data_prefix=dict(video=data_root)),
        unlabeled=dict(ann_file=f'{data_root}/unlabeled.txt',
                       data_prefix=dict(video=data_root))))
val_dataloader = dict(
    dataset=dict(ann_file=f'{data_root}/val.txt',
                 data_prefix=dict(video=data_root)))
test_dataloader = dict(
    dataset=dict(ann_file=f'{data_root}/test.txt',
                 data_prefix=dict(video=data_root)))
