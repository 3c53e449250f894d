# TimeBalance's student data (see timebalance_ucf101.py) on kinetics400,
# layout of semi_kinetics400.py.
_base_ = './timebalance_ucf101.py'
data_root = 'data/kinetics400'
split_dir = f'{data_root}/semi/6pc_seed0'
num_classes = 400
train_dataloader = dict(
    dataset=dict(
        labeled=dict(
            ann_file=f'{split_dir}/labeled.txt',
            data_prefix=dict(video=f'{data_root}/videos_train'),
            num_classes=num_classes),
        unlabeled=dict(
            ann_file=f'{split_dir}/unlabeled.txt',
            data_prefix=dict(video=f'{data_root}/videos_train'),
            num_classes=num_classes)))
eval_data = dict(ann_file=f'{data_root}/kinetics400_val_list_videos.txt',
                 data_prefix=dict(video=f'{data_root}/videos_val'),
                 num_classes=num_classes)
val_dataloader = dict(dataset=eval_data)
test_dataloader = dict(dataset=eval_data)
