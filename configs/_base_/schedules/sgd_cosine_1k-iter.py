# 1000 iterations of SGD with linear warm-up and cosine decay (CPU-sized).
max_iters = 1000
warmup_iters = 50
train_cfg = dict(
    type='SemiIterBasedTrainLoop', max_iters=max_iters, val_interval=250)
# evaluates teacher and student of semi-supervised models
val_cfg = dict(type='TeacherStudentValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=5e-4,
                   nesterov=True),
    clip_grad=dict(max_norm=40, norm_type=2))

param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0,
         end=warmup_iters),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=warmup_iters,
         end=max_iters, T_max=max_iters - warmup_iters, eta_min=0)
]
