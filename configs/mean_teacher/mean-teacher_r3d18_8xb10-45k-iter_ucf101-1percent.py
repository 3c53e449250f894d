# Mean Teacher, R3D-18 from scratch, 8x8 frames at 112, UCF101 1% labels,
# 8 GPUs x (5 labeled + 5 unlabeled) clips, EMA momentum 0.999.
_base_ = [
    '../_base_/models/r3d18.py', '../_base_/datasets/semi_ucf101.py',
    '../_base_/schedules/sgd_cosine_45k-iter.py',
    '../_base_/default_runtime.py', '../_base_/semi/mean_teacher.py'
]
model = dict(
    _delete_=True,
    recognizer=_base_.model,
    **dict(_base_.semi_model, semi_train_cfg=dict(
        unsup_weight=10.0, rampup_iters=5000)))
default_hooks = dict(checkpoint=dict(interval=5000))
