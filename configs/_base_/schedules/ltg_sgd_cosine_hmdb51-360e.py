# LTG's schedule on HMDB51 (Sec. 4.2: "180 and 360 epochs ... on UCF-101 and
# HMDB-51"; the authors' HMDB51 configs: 360 epochs, 60 of them warm-up):
# UCF101's settings with 360 epochs of split 1's 3570 training videos,
# 3570 // (8 x 5) = 89 iterations each, LR and supervised warm-up 60 epochs.
_base_ = './ltg_sgd_cosine_ucf101-180e.py'
epochs = 360
warmup_epochs = 60
iters_per_epoch = 3570 // (8 * 5)
max_iters = epochs * iters_per_epoch  # 32040
warmup_iters = warmup_epochs * iters_per_epoch  # 5340
train_cfg = dict(max_iters=max_iters, val_interval=5 * iters_per_epoch)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0,
         end=warmup_iters),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=warmup_iters,
         end=max_iters, T_max=max_iters - warmup_iters, eta_min=0)
]
