# FinePseudo at paper scale (the paper's epochs and learning rates are in
# its unavailable supplementary: our choice): 30k iterations of SGD
# (momentum 0.9, weight decay 5e-4, lr 0.05 for 8 GPUs x 8 clips), 10k on
# the labeled set, then two rounds of 10k after the pseudo-labelling at
# the milestones, a cosine cycle per stage after a 500-iteration warm-up.
milestones = [10000, 20000]
max_iters = 30000
train_cfg = dict(
    type='SemiIterBasedTrainLoop', max_iters=max_iters, val_interval=2500)
val_cfg = dict(type='TeacherStudentValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=5e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0,
         end=500),
    dict(type='CosineRestartLR', by_epoch=False, begin=500, end=max_iters,
         periods=[9500, 10000, 10000], restart_weights=[1, 1, 1], eta_min=0)
]
auto_scale_lr = dict(enable=False, base_batch_size=64)
