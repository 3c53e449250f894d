# LTG's data on UCF101 (split and layout of semi_ucf101.py) at the paper's
# resolution (Sec. 4.2): 8x8 RGB frames and the frame after each (fast TG,
# n = 1) from one decode; short side 256, random resized crop to 224 and
# flip, applied before branching so RGB and TG views share them; strong
# views add RandAugment (TG: to the frames, before differencing); 5 labeled
# + 5 unlabeled clips per GPU. Validation: 1 clip, centre crop 224 (the
# authors' code); test: 10 clips x 3 crops of 256 (Sec. 4.2, Inference).
_base_ = './semi_ucf101.py'
input_size = (224, 224)
views = dict(rgb=dict(clip_len=8, frame_interval=8, pair_offset=1))
weak_augment = [
    dict(type='RandomResizedCrop'),
    dict(type='Resize', scale=input_size, keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
]
decode = [
    dict(type='DecordInit'),
    dict(type='SampleMultiViewFrames', views=views),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
] + weak_augment
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
val_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=8, frame_interval=8, num_clips=1,
         test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='CenterCrop', crop_size=224),
] + pack
test_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=8, frame_interval=8, num_clips=10,
         test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='ThreeCrop', crop_size=256),
] + pack
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(
    batch_size=1,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(_base_.val_dataloader['dataset'], pipeline=test_pipeline))
