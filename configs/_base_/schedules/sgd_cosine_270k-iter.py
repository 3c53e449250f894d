# The LTG schedule of sgd_cosine_45k-iter.py for Kinetics-400 1% (45 epochs
# of ~240k videos at 8 GPUs x 5 unlabeled clips); LR warm-up over the first
# 1/6 of training, UCF101's proportion (30 of 180 epochs), the length of
# the supervised warm-up of the LTG Kinetics configs.
_base_ = './sgd_cosine_45k-iter.py'
max_iters = 270000
warmup_iters = max_iters // 6  # 45000
train_cfg = dict(max_iters=max_iters)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0,
         end=warmup_iters),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=warmup_iters,
         end=max_iters, T_max=max_iters - warmup_iters, eta_min=0)
]
