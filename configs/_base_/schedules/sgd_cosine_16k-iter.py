# The LTG schedule of sgd_cosine_45k-iter.py for HMDB51 (180 epochs of ~3.5k
# training videos at 8 GPUs x 5 unlabeled clips).
_base_ = './sgd_cosine_45k-iter.py'
max_iters = 16000
warmup_iters = 2000
train_cfg = dict(max_iters=max_iters)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0,
         end=warmup_iters),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=warmup_iters,
         end=max_iters, T_max=max_iters - warmup_iters, eta_min=0)
]
