# The HMDB51 40% config with 50% labels.
_base_ = './timebalance-teacher_r3d50_8xb8-100e_hmdb51-40percent.py'
split_dir = f'{_base_.data_root}/semi/videossl_50pct'
train_dataloader = dict(
    dataset=dict(ann_file=f'{split_dir}/labeled.txt'))
