# LTG on HMDB51 40% labels: the UCF101 settings with 51 classes, 180
# epochs (16k iterations) and a 60-epoch supervised warm-up (5.3k
# iterations, as in the official code).
# Paper top-1: 40/50/60% = 46.5 / 48.4 / 49.7.
_base_ = [
    '../_base_/models/ltg_r3d18.py', '../_base_/datasets/ltg_hmdb51.py',
    '../_base_/schedules/sgd_cosine_16k-iter.py',
    '../_base_/default_runtime.py'
]
head = dict(cls_head=dict(num_classes=51))
model = dict(
    primary=head, auxiliary=head, semi_train_cfg=dict(warmup_iters=5300))
custom_hooks = [
    dict(type='SemiPreciseBNHook', num_samples=8192, interval=2000)
]
train_cfg = dict(val_interval=2000)
default_hooks = dict(checkpoint=dict(interval=2000))
