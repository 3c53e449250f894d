# Mean Teacher on UCF101 with 10% labels (see the 1% config).
_base_ = './mean-teacher_r3d18_8xb10-45k-iter_ucf101-1percent.py'
split_dir = 'data/ucf101/semi/10pc_seed0'
train_dataloader = dict(
    dataset=dict(
        labeled=dict(ann_file=f'{split_dir}/labeled.txt'),
        unlabeled=dict(ann_file=f'{split_dir}/unlabeled.txt')))
