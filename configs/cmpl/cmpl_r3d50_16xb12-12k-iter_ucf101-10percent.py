# CMPL, 3D-ResNet50 + 3D-ResNet50x1/4, UCF101 10% labels: lambda = 2.
_base_ = './cmpl_r3d50_16xb12-12k-iter_ucf101-1percent.py'
split_dir = 'data/ucf101/semi/10pc_seed0'
model = dict(semi_train_cfg=dict(unsup_weight=2.0))
train_dataloader = dict(
    dataset=dict(
        labeled=dict(ann_file=f'{split_dir}/labeled.txt'),
        unlabeled=dict(ann_file=f'{split_dir}/unlabeled.txt')))
