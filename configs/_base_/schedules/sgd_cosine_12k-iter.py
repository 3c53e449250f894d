# CMPL's schedule on UCF101: SGD lr 0.1, momentum 0.9, weight decay 1e-3,
# cosine decay (no warm-up is reported), 200 epochs of the unlabeled split
# at 16 GPUs x 10 unlabeled clips ~ 12k iterations. No gradient clipping:
# the paper names none (Sec. 4.1 Training), so clip_grad=None overrides the
# AdamW base's max_norm=40.
_base_ = './adamw_cosine_2k-iter.py'
max_iters = 12000
train_cfg = dict(max_iters=max_iters, val_interval=1000)
optim_wrapper = dict(
    optimizer=dict(
        _delete_=True, type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-3),
    clip_grad=None)
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=False, begin=0, end=max_iters,
         T_max=max_iters, eta_min=0)
]
auto_scale_lr = dict(enable=False, base_batch_size=192)
