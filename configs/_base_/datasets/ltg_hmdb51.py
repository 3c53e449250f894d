# LTG's data (see ltg_ucf101.py) on HMDB51 (split 1), MMAction2 layout,
# same pipelines as UCF101: data/hmdb51/videos,
# data/hmdb51/semi/{tag}_seed{s}/*.txt
_base_ = './ltg_ucf101.py'
data_root = 'data/hmdb51'
split_dir = f'{data_root}/semi/videossl_40pct'
num_classes = 51
train_dataloader = dict(
    dataset=dict(
        labeled=dict(
            ann_file=f'{split_dir}/labeled.txt',
            data_prefix=dict(video=f'{data_root}/videos'),
            num_classes=num_classes),
        unlabeled=dict(
            ann_file=f'{split_dir}/unlabeled.txt',
            data_prefix=dict(video=f'{data_root}/videos'),
            num_classes=num_classes)))
val_dataloader = dict(
    dataset=dict(
        ann_file=f'{data_root}/hmdb51_val_split_1_videos.txt',
        data_prefix=dict(video=f'{data_root}/videos'),
        num_classes=num_classes))
test_dataloader = dict(
    dataset=dict(
        ann_file=f'{data_root}/hmdb51_val_split_1_videos.txt',
        data_prefix=dict(video=f'{data_root}/videos'),
        num_classes=num_classes))
