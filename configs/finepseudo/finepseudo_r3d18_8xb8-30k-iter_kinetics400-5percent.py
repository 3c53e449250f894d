# FinePseudo on kinetics400 with 5% labels (see the 1% config).
_base_ = './finepseudo_r3d18_8xb8-30k-iter_kinetics400-1percent.py'
split_dir = 'data/kinetics400/semi/5pct_seed0'
train_dataloader = dict(
    dataset=dict(
        labeled=dict(ann_file=f'{split_dir}/labeled.txt'),
        unlabeled=dict(ann_file=f'{split_dir}/unlabeled.txt')))
