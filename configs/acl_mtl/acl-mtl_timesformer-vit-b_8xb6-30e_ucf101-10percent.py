# ACL + MTL on UCF101 with 10% labels (see the 1% config).
_base_ = './acl-mtl_timesformer-vit-b_8xb6-30e_ucf101-1percent.py'
split_dir = 'data/ucf101/semi/10pc_seed0'
train_dataloader = dict(
    dataset=dict(
        labeled=dict(ann_file=f'{split_dir}/labeled.txt'),
        unlabeled=dict(ann_file=f'{split_dir}/unlabeled.txt')))
