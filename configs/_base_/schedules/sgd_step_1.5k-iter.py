# ACL+MTL's schedule (sgd_step_7k-iter.py) for HMDB51: 30 epochs of the
# unlabeled split at 8 GPUs x 5 clips are 1.6k / 1.3k / 1.1k iterations
# for 40 / 50 / 60% labels; 1.5k for all three.
_base_ = './sgd_step_7k-iter.py'
max_iters = 1500
train_cfg = dict(max_iters=max_iters, val_interval=250)
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=False, begin=0, end=max_iters,
         milestones=[max_iters * 25 // 30, max_iters * 28 // 30], gamma=0.1)
]
