# LTG on Kinetics-400 10% labels (60 per class): 90 epochs (540k
# iterations), LR and supervised warm-up for the first 1/6 (see the 1%
# config).
_base_ = './ltg_r3d18_8xb10-270k-iter_kinetics400-1percent.py'
max_iters = 540000
warmup_iters = max_iters // 6  # 90000
split_dir = 'data/kinetics400/semi/60pc_seed0'
model = dict(semi_train_cfg=dict(warmup_iters=warmup_iters))
train_cfg = dict(max_iters=max_iters)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0,
         end=warmup_iters),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=warmup_iters,
         end=max_iters, T_max=max_iters - warmup_iters, eta_min=0)
]
train_dataloader = dict(
    dataset=dict(
        labeled=dict(ann_file=f'{split_dir}/labeled.txt'),
        unlabeled=dict(ann_file=f'{split_dir}/unlabeled.txt')))
