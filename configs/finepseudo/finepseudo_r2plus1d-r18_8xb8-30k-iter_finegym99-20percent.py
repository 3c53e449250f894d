# FinePseudo on finegym99 with 20% labels (see the 10% config).
_base_ = './finepseudo_r2plus1d-r18_8xb8-30k-iter_finegym99-10percent.py'
split_dir = 'data/gym/semi99/20pct_seed0'
train_dataloader = dict(
    dataset=dict(
        labeled=dict(ann_file=f'{split_dir}/labeled.txt'),
        unlabeled=dict(ann_file=f'{split_dir}/unlabeled.txt')))
