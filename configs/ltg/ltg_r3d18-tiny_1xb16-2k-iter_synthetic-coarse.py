# LTG on synthetic-coarse: RGB and TG streams = the tiny R3D-18 of the
# FixMatch config, paper loss settings, supervised warm-up for the first
# 1/6 of training (30 of 180 epochs on UCF101 in the official code),
# PreciseBN before each validation. Data, split, batch and schedule are
# FixMatch's.
_base_ = [
    '../_base_/models/ltg_r3d18-tiny.py',
    '../_base_/datasets/ltg_synthetic-coarse.py',
    '../_base_/schedules/adamw_cosine_2k-iter.py',
    '../_base_/default_runtime.py'
]
model = dict(semi_train_cfg=dict(warmup_iters=330))
custom_hooks = [
    dict(type='SemiPreciseBNHook', source='unlabeled', num_samples=256,
         interval=500)
]
