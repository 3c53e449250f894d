# LTG on HMDB51 60% labels (see the 40% config).
_base_ = './ltg_r3d18_8xb10-360e_hmdb51-40percent.py'
split_dir = 'data/hmdb51/semi/videossl_60pct'
train_dataloader = dict(
    dataset=dict(
        labeled=dict(ann_file=f'{split_dir}/labeled.txt'),
        unlabeled=dict(ann_file=f'{split_dir}/unlabeled.txt')))
