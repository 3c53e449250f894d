# LTG on UCF101 50% labels (see the 20% config).
_base_ = './ltg_r3d18_8xb10-180e_ucf101-20percent.py'
split_dir = 'data/ucf101/semi/videossl_50pct'
train_dataloader = dict(
    dataset=dict(
        labeled=dict(ann_file=f'{split_dir}/labeled.txt'),
        unlabeled=dict(ann_file=f'{split_dir}/unlabeled.txt')))
