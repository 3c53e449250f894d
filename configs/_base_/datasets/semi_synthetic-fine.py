# Semi-supervised synthetic-fine set (2-4 motion phases per clip) written by
# ``tools/data/generate_synthetic.py data/synthetic-fine --family fine``.
_base_ = './semi_synthetic-coarse.py'
data_root = 'data/synthetic-fine'
train_dataloader = dict(
    dataset=dict(
        labeled=dict(
            ann_file=f'{data_root}/labeled.txt',
            data_prefix=dict(video=data_root)),
        unlabeled=dict(
            ann_file=f'{data_root}/unlabeled.txt',
            data_prefix=dict(video=data_root))))
val_dataloader = dict(
    dataset=dict(
        ann_file=f'{data_root}/val.txt', data_prefix=dict(video=data_root)))
test_dataloader = dict(
    dataset=dict(
        ann_file=f'{data_root}/test.txt', data_prefix=dict(video=data_root)))
