# TimeBalance stage 1, the temporally-invariant teacher f_I (Sec. 3.1.1):
# the distinctive teacher's config with L_I (Eq. 1) as its objective.
_base_ = ('./timebalance-ssl-distinctive_r3d18-tiny_1xb8-2k-iter_'
          'synthetic-long.py')
model = dict(objective='invariant')
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
