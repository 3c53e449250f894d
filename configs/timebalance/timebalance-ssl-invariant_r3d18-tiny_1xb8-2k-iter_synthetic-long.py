# TimeBalance stage 1, the temporally-invariant teacher f_I (Sec. 3.1.1):
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
    objective='invariant',
    num_clips=_base_.num_clips,
    temperature=0.1)
val_cfg = None
test_cfg = None
default_hooks = dict(checkpoint=dict(save_best=None))
# L_I reads the n clips only: no augmented copies, no long clip
clip_branches = [f'clip_{t}' for t in range(_base_.num_clips)]
ssl_pipeline = _base_.decode + [
    dict(type='MultiBranch', branch_field=clip_branches,
         **{name: [dict(type='SelectViewFrames', view=name)] +
            _base_.augment + _base_.pack
            for name in clip_branches})
]
train_dataloader = dict(
    dataset=dict(
        labeled=dict(pipeline=ssl_pipeline),
        unlabeled=dict(pipeline=ssl_pipeline)))
