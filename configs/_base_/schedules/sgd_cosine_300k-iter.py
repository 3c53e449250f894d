# CMPL's schedule on Kinetics-400: as on UCF101 but weight decay 1e-4 and
# 200 epochs of ~240k unlabeled videos at 16 GPUs x 10 clips ~ 300k
# iterations.
_base_ = './sgd_cosine_12k-iter.py'
max_iters = 300000
train_cfg = dict(max_iters=max_iters, val_interval=10000)
optim_wrapper = dict(optimizer=dict(weight_decay=1e-4))
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=False, begin=0, end=max_iters,
         T_max=max_iters, eta_min=0)
]
