# ACL+MTL's schedule (SVFormer's): SGD, momentum 0.9, weight decay 1e-3,
# lr 0.005 divided by 10 at epochs 25 and 28 of 30. Epochs of the unlabeled
# split at 8 GPUs x 5 unlabeled clips: UCF101 1% (9442 clips) ~ 236
# iterations per epoch, 30 epochs ~ 7k iterations (10%: ~6.4k).
_base_ = './adamw_cosine_2k-iter.py'
max_iters = 7000
train_cfg = dict(max_iters=max_iters, val_interval=1000)
optim_wrapper = dict(
    optimizer=dict(
        _delete_=True, type='SGD', lr=0.005, momentum=0.9,
        weight_decay=1e-3),
    clip_grad=None)
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=False, begin=0, end=max_iters,
         milestones=[max_iters * 25 // 30, max_iters * 28 // 30], gamma=0.1)
]
auto_scale_lr = dict(enable=False, base_batch_size=48)
