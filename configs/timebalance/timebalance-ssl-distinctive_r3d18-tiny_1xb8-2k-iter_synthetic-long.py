# TimeBalance stage 1, the temporally-distinctive teacher f_D (Sec. 3.1.2,
# L_D1 + L_D2):
# the tiny R3D-18 and g (Linear-BN-ReLU-Linear-BN, 128-d), n = 4 clips,
# tau = 0.1, on every training video of synthetic-long, 2000 iterations of
# the CPU AdamW schedule. No validation (no labels).
_base_ = [
    '../_base_/models/r3d18-tiny.py',
    '../_base_/datasets/timebalance-ssl_synthetic-long.py',
    '../_base_/schedules/adamw_cosine_2k-iter.py',
    '../_base_/default_runtime.py'
]
model = dict(
    _delete_=True,
    type='TemporalSelfSupervisedModel',
    recognizer=_base_.model,
    objective='distinctive',
    num_clips=_base_.num_clips,
    temperature=0.1)
val_cfg = None
test_cfg = None
default_hooks = dict(checkpoint=dict(save_best=None))
