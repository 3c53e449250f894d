# Semi-supervised UCF101 (split 1) in MMAction2's standard layout:
#   data/ucf101/videos/{class}/{video}.avi
#   data/ucf101/ucf101_val_split_1_videos.txt
#   data/ucf101/semi/1pc_seed0/{labeled,unlabeled}.txt
#     (tools/data/make_semi_split.py \
#        data/ucf101/ucf101_train_split_1_videos.txt \
#        --labels-per-class 1 --seeds 0 1 2 --out-dir data/ucf101/semi;
#      the "1% / 10%" of CMPL, SVFormer and ACL+MTL is 1 / 10 labeled videos
#      per class, not a rounded percentage; --labels-per-class 10 gives
#      10pc_seed*)
# 8x8 clips at 112x112 (R3D-18), weak = random resized crop + flip,
# strong = weak + RandAugment + Cutout; 5 labeled + 5 unlabeled clips per
# GPU as in LTG/FixMatch-video (Bl:Bu = 1:1).
dataset_type = 'SemiVideoDataset'
data_root = 'data/ucf101'
split_dir = f'{data_root}/semi/1pc_seed0'
num_classes = 101
input_size = (112, 112)

decode = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=8, frame_interval=8, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 128)),
]
weak_augment = [
    dict(type='RandomResizedCrop'),
    dict(type='Resize', scale=input_size, keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
]
strong_augment = weak_augment + [
    dict(type='RandAugmentVideo', num_ops=2, magnitude_range=(1, 10)),
    dict(type='TorchVisionWrapper', op='RandomErasing', p=1.0,
         scale=(0.02, 0.15), value=127),
]
pack = [dict(type='FormatShape', input_format='NCTHW'),
        dict(type='PackActionInputs')]
branch_field = ['labeled', 'weak', 'strong']
val_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=8, frame_interval=8, num_clips=10,
         test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 128)),
    dict(type='CenterCrop', crop_size=input_size[0]),
] + pack
supervised_pipeline = decode + weak_augment + pack

batch_size = 10
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='SemiSupervisedSampler', source_ratio=[1, 1]),
    dataset=dict(
        type='SemiDataset',
        labeled=dict(
            type=dataset_type,
            ann_file=f'{split_dir}/labeled.txt',
            data_prefix=dict(video=f'{data_root}/videos'),
            num_classes=num_classes,
            pipeline=decode + [
                dict(type='MultiBranch', branch_field=branch_field,
                     labeled=weak_augment + pack)
            ]),
        unlabeled=dict(
            type=dataset_type,
            ann_file=f'{split_dir}/unlabeled.txt',
            data_prefix=dict(video=f'{data_root}/videos'),
            num_classes=num_classes,
            labeled=False,
            skip_unreadable=True,
            pipeline=decode + [
                dict(type='MultiBranch', branch_field=branch_field,
                     weak=weak_augment + pack, strong=strong_augment + pack)
            ])))
val_dataloader = dict(
    batch_size=4,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file=f'{data_root}/ucf101_val_split_1_videos.txt',
        data_prefix=dict(video=f'{data_root}/videos'),
        num_classes=num_classes,
        pipeline=val_pipeline,
        test_mode=True))
test_dataloader = val_dataloader
val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator
