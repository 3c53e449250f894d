# The HMDB51 40% config with 60% labels.
_base_ = './timebalance_r3d50_8xb8-150e_hmdb51-40percent.py'
split_dir = f'{_base_.data_root}/semi/videossl_60pct'
train_dataloader = dict(
    dataset=dict(
        labeled=dict(ann_file=f'{split_dir}/labeled.txt'),
        unlabeled=dict(ann_file=f'{split_dir}/unlabeled.txt')))
