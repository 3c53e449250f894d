# LTG's data on UCF101 (split and layout of semi_ucf101.py): 8x8 RGB
# frames and the frame after each (fast TG, n = 1) from one decode; scale,
# crop and flip applied before branching so RGB and TG views share them;
# strong views add RandAugment + Cutout (TG: to the frames, before
# differencing); 5 labeled + 5 unlabeled clips per GPU.
_base_ = './semi_ucf101.py'
views = dict(rgb=dict(clip_len=8, frame_interval=8, pair_offset=1))
decode = [
    dict(type='DecordInit'),
    dict(type='SampleMultiViewFrames', views=views),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 128)),
] + _base_.weak_augment
rgb = [dict(type='SelectViewFrames', view='rgb')]
tg = [dict(type='TemporalGradient', view='rgb')]
strong = _base_.strong_augment[len(_base_.weak_augment):]
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
