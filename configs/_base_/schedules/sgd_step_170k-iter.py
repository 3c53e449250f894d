# ACL+MTL's schedule (sgd_step_7k-iter.py) for Kinetics-400: 30 epochs of
# the unlabeled split at 8 GPUs x 5 clips are ~178k / ~162k iterations for
# 1% / 10% labels; 170k for both.
_base_ = './sgd_step_7k-iter.py'
max_iters = 170000
train_cfg = dict(max_iters=max_iters, val_interval=10000)
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=False, begin=0, end=max_iters,
         milestones=[max_iters * 25 // 30, max_iters * 28 // 30], gamma=0.1)
]
