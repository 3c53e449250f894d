# LTG's data on synthetic-coarse: one decode of the 8x2 RGB frames and the
# frame after each (fast TG, n = 1); the crop is applied before branching so
# that RGB and TG views share it pixel for pixel; strong views add
# RandAugment (TG: to the frames, before differencing). FixMatch's
# split, batch (8 labeled + 8 unlabeled) and augmentations otherwise.
_base_ = './semi_synthetic-coarse.py'
views = dict(rgb=dict(clip_len=8, frame_interval=2, pair_offset=1))
decode = [
    dict(type='DecordInit'),
    dict(type='SampleMultiViewFrames', views=views),
    dict(type='DecordDecode'),
] + _base_.weak_augment
rgb = [dict(type='SelectViewFrames', view='rgb')]
tg = [dict(type='TemporalGradient', view='rgb')]
# strong view: RandAugment only (Sec. 4.2; FixMatch's Cutout left out)
strong = [
    t for t in _base_.strong_augment[len(_base_.weak_augment):]
    if t['type'] == 'RandAugmentVideo'
]
pack = _base_.pack
ltg_branch_field = [
    'labeled', 'weak', 'strong', 'labeled_tg', 'weak_tg', 'strong_tg'
]
train_dataloader = dict(
    dataset=dict(
        labeled=dict(pipeline=decode + [
            dict(type='MultiBranch',
                 branch_field=ltg_branch_field,
                 labeled=rgb + pack,
                 labeled_tg=tg + pack)
        ]),
        unlabeled=dict(pipeline=decode + [
            dict(type='MultiBranch',
                 branch_field=ltg_branch_field,
                 weak=rgb + pack,
                 strong=rgb + strong + pack,
                 weak_tg=tg + pack,
                 strong_tg=strong + tg + pack)
        ])))
