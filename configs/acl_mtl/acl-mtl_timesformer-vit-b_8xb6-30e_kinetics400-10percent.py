# ACL + MTL on Kinetics-400 with 10% labels (60 per class; see the 1%
# config).
_base_ = './acl-mtl_timesformer-vit-b_8xb6-30e_kinetics400-1percent.py'
split_dir = 'data/kinetics400/semi/60pc_seed0'
train_dataloader = dict(
    dataset=dict(
        labeled=dict(ann_file=f'{split_dir}/labeled.txt'),
        unlabeled=dict(ann_file=f'{split_dir}/unlabeled.txt')))
