# LTG on Kinetics-400 1% labels (6 per class): the UCF101 settings with 400
# classes, 45 epochs (270k iterations); LR and supervised warm-up for the
# first 1/6 of training (the official code gives none for Kinetics; we keep
# UCF101's proportion). Paper top-1: 1/10% = 9.8 / 43.8.
_base_ = [
    '../_base_/models/ltg_r3d18.py', '../_base_/datasets/ltg_kinetics400.py',
    '../_base_/schedules/sgd_cosine_270k-iter.py',
    '../_base_/default_runtime.py'
]
head = dict(cls_head=dict(num_classes=400))
model = dict(
    primary=head, auxiliary=head, semi_train_cfg=dict(warmup_iters=45000))
custom_hooks = [
    dict(type='SemiPreciseBNHook', source='unlabeled', num_samples=8192,
         interval=10000)
]
train_cfg = dict(val_interval=10000)
default_hooks = dict(checkpoint=dict(interval=10000))
