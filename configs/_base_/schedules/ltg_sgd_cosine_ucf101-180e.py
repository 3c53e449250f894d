# LTG's schedule on UCF101 (Sec. 4.2 and the authors' configs): SGD lr 0.2
# for 8 GPUs x (5 + 5) clips, momentum 0.9, weight decay 1e-4, 180 epochs
# with linear LR warm-up (from 0.1x) over the first 30 epochs, then cosine
# decay to 0; the supervised warm-up (no L_u) lasts the same 30 epochs.
# An epoch is one pass over the unlabeled loader, which in the authors'
# code holds all 9537 training videos of split 1: 9537 // (8 x 5) = 238
# iterations.
_base_ = './sgd_cosine_45k-iter.py'
epochs = 180
warmup_epochs = 30
iters_per_epoch = 9537 // (8 * 5)
max_iters = epochs * iters_per_epoch  # 42840
warmup_iters = warmup_epochs * iters_per_epoch  # 7140
train_cfg = dict(max_iters=max_iters, val_interval=5 * iters_per_epoch)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0,
         end=warmup_iters),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=warmup_iters,
         end=max_iters, T_max=max_iters - warmup_iters, eta_min=0)
]
