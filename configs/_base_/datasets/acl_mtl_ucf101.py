# ACL+MTL's data on UCF101 (split and layout of semi_ucf101.py), paper
# settings: 8-frame clips at 224x224; per unlabeled video a short-term clip
# (stride 8; weak and strong views) and two long-term clips (strides 16 and
# 32; weak views) from one decode, the long ones centred on the short one
# (clamped into the video); 1 labeled + 5 unlabeled clips per GPU; test 5
# clips x 3 crops. Labeled and test clips use the short stride.
# Views (Sec. 4.2): "The weak augmentation is implemented through random
# scaling and random cropping while the strong augmentation works by adding
# additional grayscale and color jitter to the weakly-augmented samples".
# Weak = TimeSformer's training scale + crop (RandomRescale 256-320,
# RandomCrop 224; its flip is not named by the paper), applied once to the
# decoded frames before MultiBranch: the strong view is the weak crop plus
# grayscale (p = 0.2) and colour jitter (MMAction2's default strengths,
# through torchvision: MMAction2 1.2.0's own ColorJitter overflows uint8
# under numpy 2), and the long clips share the crop too (the paper does not
# say whether they draw their own).
_base_ = './semi_ucf101.py'
input_size = (224, 224)
long_branches = ('long_0', 'long_1')
views = dict(
    short=dict(clip_len=8, frame_interval=8),
    long_0=dict(clip_len=8, frame_interval=16),
    long_1=dict(clip_len=8, frame_interval=32))
weak = [
    dict(type='RandomRescale', scale_range=(256, 320)),
    dict(type='RandomCrop', size=224),
]
strong = [
    dict(type='TorchVisionWrapper', op='RandomGrayscale', p=0.2),
    dict(type='TorchVisionWrapper', op='ColorJitter', brightness=0.5,
         contrast=0.5, saturation=0.5, hue=0.1),
]
pack = _base_.pack
acl_mtl_branch_field = ['labeled', 'weak', 'strong'] + list(long_branches)
batch_size = 6
train_dataloader = dict(
    batch_size=batch_size,
    sampler=dict(source_ratio=[1, 5]),
    dataset=dict(
        labeled=dict(pipeline=[
            dict(type='DecordInit'),
            dict(type='SampleFrames', clip_len=8, frame_interval=8,
                 num_clips=1),
            dict(type='DecordDecode'),
        ] + weak + [
            dict(type='MultiBranch',
                 branch_field=acl_mtl_branch_field,
                 labeled=pack)
        ]),
        unlabeled=dict(pipeline=[
            dict(type='DecordInit'),
            dict(type='SampleMultiViewFrames', views=views),
            dict(type='DecordDecode'),
        ] + weak + [
            dict(type='MultiBranch',
                 branch_field=acl_mtl_branch_field,
                 weak=[dict(type='SelectViewFrames', view='short')] + pack,
                 strong=[dict(type='SelectViewFrames', view='short')] +
                 strong + pack,
                 long_0=[dict(type='SelectViewFrames', view='long_0')] +
                 pack,
                 long_1=[dict(type='SelectViewFrames', view='long_1')] +
                 pack)
        ])))
test_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=8, frame_interval=8, num_clips=5,
         test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 224)),
    dict(type='ThreeCrop', crop_size=224),
] + pack
val_dataloader = dict(batch_size=1, dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
