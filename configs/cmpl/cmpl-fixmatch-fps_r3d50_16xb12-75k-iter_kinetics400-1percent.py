# Table 2, row 2 (7.12 top-1): FixMatch with CMPL's frame rates only, i.e.
# cmpl-fixmatch-fps-offset_* with t_s = 0: the 8x8 and 16x4 clips are
# centred on the same instant (one 64-frame span), no temporal location.
_base_ = ('./cmpl-fixmatch-fps-offset_r3d50_16xb12-75k-iter_'
          'kinetics400-1percent.py')
train_dataloader = dict(
    dataset=dict(
        labeled=dict(pipeline=[
            dict(step, max_offset=0.0)
            if step['type'] == 'SampleMultiViewFrames' else step
            for step in _base_.train_dataloader.dataset.labeled.pipeline
        ]),
        unlabeled=dict(pipeline=[
            dict(step, max_offset=0.0)
            if step['type'] == 'SampleMultiViewFrames' else step
            for step in _base_.train_dataloader.dataset.unlabeled.pipeline
        ])))
