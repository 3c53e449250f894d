# Paper schedule (LTG / FixMatch-video on UCF101): SGD, lr 0.2 for 8 GPUs
# x (5 + 5) clips, momentum 0.9, weight decay 1e-4, linear warm-up and
# cosine decay; 45k iterations ~ 180 epochs of UCF101's unlabeled split.
_base_ = './adamw_cosine_2k-iter.py'
max_iters = 45000
warmup_iters = 2000
train_cfg = dict(max_iters=max_iters, val_interval=5000)
optim_wrapper = dict(
    optimizer=dict(
        _delete_=True, type='SGD', lr=0.2, momentum=0.9, weight_decay=1e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0,
         end=warmup_iters),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=warmup_iters,
         end=max_iters, T_max=max_iters - warmup_iters, eta_min=0)
]
auto_scale_lr = dict(enable=False, base_batch_size=80)
