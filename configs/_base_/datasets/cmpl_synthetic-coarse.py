# CMPL's data on synthetic-coarse: F's 8x2 clips and A's 16x1 clips of the
# same 16-frame span from one decode; FixMatch's weak/strong augmentations,
# batch (8 labeled + 8 unlabeled) and split, so the two compare one to one.
_base_ = './semi_synthetic-coarse.py'
primary_view = [dict(type='SelectViewFrames', view='primary')]
auxiliary_view = [dict(type='SelectViewFrames', view='auxiliary')]
cmpl_branch_field = [
    'labeled', 'weak', 'strong', 'labeled_aux', 'weak_aux', 'strong_aux'
]
# 16-frame videos: both spans cover the whole video, so there is no room
# for a time offset (t_s = 0).
views = dict(
    primary=dict(clip_len=8, frame_interval=2),
    auxiliary=dict(clip_len=16, frame_interval=1))
decode = [
    dict(type='DecordInit'),
    dict(type='SampleMultiViewFrames', views=views, max_offset=0.0),
    dict(type='DecordDecode'),
]
weak, strong, pack = _base_.weak_augment, _base_.strong_augment, _base_.pack
train_dataloader = dict(
    dataset=dict(
        labeled=dict(pipeline=decode + [
            dict(type='MultiBranch',
                 branch_field=cmpl_branch_field,
                 labeled=primary_view + weak + pack,
                 labeled_aux=auxiliary_view + weak + pack)
        ]),
        unlabeled=dict(pipeline=decode + [
            dict(type='MultiBranch',
                 branch_field=cmpl_branch_field,
                 weak=primary_view + weak + pack,
                 strong=primary_view + strong + pack,
                 weak_aux=auxiliary_view + weak + pack,
                 strong_aux=auxiliary_view + strong + pack)
        ])))
