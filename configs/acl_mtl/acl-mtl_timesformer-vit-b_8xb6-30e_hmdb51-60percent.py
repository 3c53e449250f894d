# ACL + MTL on HMDB51 with 60% labels (see the 40% config).
_base_ = './acl-mtl_timesformer-vit-b_8xb6-30e_hmdb51-40percent.py'
split_dir = 'data/hmdb51/semi/videossl_60pct'
train_dataloader = dict(
    dataset=dict(
        labeled=dict(ann_file=f'{split_dir}/labeled.txt'),
        unlabeled=dict(ann_file=f'{split_dir}/unlabeled.txt')))
