# The UCF101 10% config with 20% labels.
_base_ = './timebalance-teacher_r3d18_8xb8-100e_ucf101-10percent.py'
split_dir = f'{_base_.data_root}/semi/videossl_20pct'
train_dataloader = dict(
    dataset=dict(ann_file=f'{split_dir}/labeled.txt'))
