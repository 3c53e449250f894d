# 2000 iterations of AdamW with linear warm-up and cosine decay (CPU-sized).
# From scratch on the synthetic sets, SGD (lr 0.01-0.05) stays at chance
# for this budget while AdamW learns; paper-scale configs use SGD.
max_iters = 2000
warmup_iters = 50
train_cfg = dict(
    type='SemiIterBasedTrainLoop', max_iters=max_iters, val_interval=500)
# evaluates teacher and student of semi-supervised models
val_cfg = dict(type='TeacherStudentValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=1e-4, foreach=True),
    clip_grad=dict(max_norm=40, norm_type=2))

param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0,
         end=warmup_iters),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=warmup_iters,
         end=max_iters, T_max=max_iters - warmup_iters, eta_min=0)
]
