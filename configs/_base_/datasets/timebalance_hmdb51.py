# TimeBalance's student data (see timebalance_ucf101.py) on hmdb51, layout of
# semi_hmdb51.py (VideoSSL's 40/50/60% lists, those of the methods the
# paper's Table 1 compares with: the paper names no split).
_base_ = './timebalance_ucf101.py'
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
eval_data = dict(ann_file=f'{data_root}/hmdb51_val_split_1_videos.txt',
                 data_prefix=dict(video=f'{data_root}/videos'),
                 num_classes=num_classes)
val_dataloader = dict(dataset=eval_data)
test_dataloader = dict(dataset=eval_data)
