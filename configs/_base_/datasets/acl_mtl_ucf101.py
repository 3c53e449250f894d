# ACL+MTL's data on UCF101 (split and layout of semi_ucf101.py), paper
# settings: 8-frame clips at 224x224; per unlabeled video a short-term clip
# (stride 8; weak and strong views) and two long-term clips (strides 16 and
# 32; weak views) from one decode, the long ones centred on the short one
# (clamped into the video); weak = random scaling + random crop, strong =
# weak + grayscale + colour jitter; 1 labeled + 5 unlabeled clips per GPU;
# test 5 clips x 3 crops. Labeled and test clips use the short stride.
_base_ = './semi_ucf101.py'
input_size = (224, 224)
long_branches = ('long_0', 'long_1')
views = dict(
    short=dict(clip_len=8, frame_interval=8),
    long_0=dict(clip_len=8, frame_interval=16),
    long_1=dict(clip_len=8, frame_interval=32))
resize = [dict(type='Resize', scale=(-1, 256))]
weak = [
    dict(type='RandomResizedCrop', area_range=(0.25, 1.0)),
    dict(type='Resize', scale=input_size, keep_ratio=False),
]
strong = weak + [
    dict(type='TorchVisionWrapper', op='RandomGrayscale', p=0.2),
    dict(type='ColorJitter'),
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
        ] + resize + [
            dict(type='MultiBranch',
                 branch_field=acl_mtl_branch_field,
                 labeled=weak + pack)
        ]),
        unlabeled=dict(pipeline=[
            dict(type='DecordInit'),
            dict(type='SampleMultiViewFrames', views=views),
            dict(type='DecordDecode'),
        ] + resize + [
            dict(type='MultiBranch',
                 branch_field=acl_mtl_branch_field,
                 weak=[dict(type='SelectViewFrames', view='short')] + weak +
                 pack,
                 strong=[dict(type='SelectViewFrames', view='short')] +
                 strong + pack,
                 long_0=[dict(type='SelectViewFrames', view='long_0')] +
                 weak + pack,
                 long_1=[dict(type='SelectViewFrames', view='long_1')] +
                 weak + pack)
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
