# The UCF101 10% config with 1% labels.
_base_ = './timebalance_r3d50_8xb8-150e_ucf101-10percent.py'
split_dir = f'{_base_.data_root}/semi/1pc_seed0'
train_dataloader = dict(
    dataset=dict(
        labeled=dict(ann_file=f'{split_dir}/labeled.txt'),
        unlabeled=dict(ann_file=f'{split_dir}/unlabeled.txt')))
