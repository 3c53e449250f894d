# CMPL's data on UCF101 (Xu et al., CVPR 2022, Sec. 3.3 and 4.1): F takes
# 8x8 clips, A 16x4 clips of a span up to t_s = 10 s away, from one decode;
# 2 labeled + 10 unlabeled clips per GPU at 224 px; standard aug (labeled)
# = scale jitter + crop + flip, weak = centre crop, strong = standard +
# RandAugment + Cutout; test 10 clips x 3 crops at 256.
# "Standard" (Sec. 3.3: "we strictly follow the augmentations of [5, 33]")
# is the training augmentation of Non-local [33] and SlowFast [5]: a
# 224 x 224 crop "from a scaled video whose shorter side is randomly
# sampled in [256, 320] pixels", or its horizontal flip. Here: RandomRescale
# of the short side to an integer in [256, 320] (aspect ratio kept), a
# 224 x 224 RandomCrop, Flip with p = 0.5; no RandomResizedCrop. Frames are
# resized once to a 256 short side after decoding (the weak view's and the
# test's scale; keeps every branch small), and the jitter rescales that.
_base_ = './semi_ucf101.py'
primary_view = [dict(type='SelectViewFrames', view='primary')]
auxiliary_view = [dict(type='SelectViewFrames', view='auxiliary')]
cmpl_branch_field = [
    'labeled', 'weak', 'strong', 'labeled_aux', 'weak_aux', 'strong_aux'
]
views = dict(
    primary=dict(clip_len=8, frame_interval=8),
    auxiliary=dict(clip_len=16, frame_interval=4))
decode = [
    dict(type='DecordInit'),
    dict(type='SampleMultiViewFrames', views=views, max_offset=10.0),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
]
standard = [
    dict(type='RandomRescale', scale_range=(256, 320)),
    dict(type='RandomCrop', size=224),
    dict(type='Flip', flip_ratio=0.5),
]
weak = [dict(type='CenterCrop', crop_size=224)]
strong = standard + _base_.strong_augment[-2:]  # RandAugment + Cutout
pack = _base_.pack
train_dataloader = dict(
    batch_size=12,
    sampler=dict(source_ratio=[1, 5]),
    dataset=dict(
        labeled=dict(pipeline=decode + [
            dict(type='MultiBranch',
                 branch_field=cmpl_branch_field,
                 labeled=primary_view + standard + pack,
                 labeled_aux=auxiliary_view + standard + pack)
        ]),
        unlabeled=dict(pipeline=decode + [
            dict(type='MultiBranch',
                 branch_field=cmpl_branch_field,
                 weak=primary_view + weak + pack,
                 strong=primary_view + strong + pack,
                 weak_aux=auxiliary_view + weak + pack,
                 strong_aux=auxiliary_view + strong + pack)
        ])))
test_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=8, frame_interval=8, num_clips=10,
         test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='ThreeCrop', crop_size=256),
] + pack
val_pipeline = test_pipeline[:1] + [
    dict(type='SampleFrames', clip_len=8, frame_interval=8, num_clips=1,
         test_mode=True)
] + test_pipeline[2:4] + weak + pack
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
