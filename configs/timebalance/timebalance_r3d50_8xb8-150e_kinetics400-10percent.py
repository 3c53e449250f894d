# The Kinetics-400 1% config with 10% labels.
_base_ = './timebalance_r3d50_8xb8-150e_kinetics400-1percent.py'
split_dir = f'{_base_.data_root}/semi/60pc_seed0'
train_dataloader = dict(
    dataset=dict(
        labeled=dict(ann_file=f'{split_dir}/labeled.txt'),
        unlabeled=dict(ann_file=f'{split_dir}/unlabeled.txt')))
