# Semi-supervised synthetic-coarse set written by
# ``tools/data/generate_synthetic.py data/synthetic-coarse``.
# Classes are motion directions/rotation senses: never use Flip here.
dataset_type = 'SemiVideoDataset'
data_root = 'data/synthetic-coarse'
num_classes = 8
clip = dict(type='SampleFrames', clip_len=8, frame_interval=2, num_clips=1)
input_size = (56, 56)

decode = [dict(type='DecordInit'), clip, dict(type='DecordDecode')]
# mild crops: the moving object covers much of the 64x64 frame and must stay
# in view for the whole clip
weak_augment = [
    dict(type='RandomResizedCrop', area_range=(0.8, 1.0),
         aspect_ratio_range=(0.9, 1.1)),
    dict(type='Resize', scale=input_size, keep_ratio=False),
]
# FixMatch's strong view: RandAugment (random magnitude) + Cutout, the same
# for every frame of a clip.
strong_augment = weak_augment + [
    dict(type='RandAugmentVideo', num_ops=2, magnitude_range=(1, 10)),
    dict(type='TorchVisionWrapper', op='RandomErasing', p=1.0,
         scale=(0.02, 0.15), value=127),
]
pack = [dict(type='FormatShape', input_format='NCTHW'),
        dict(type='PackActionInputs')]
branch_field = ['labeled', 'weak', 'strong']

labeled_pipeline = decode + [
    dict(type='MultiBranch', branch_field=branch_field,
         labeled=weak_augment + pack)
]
unlabeled_pipeline = decode + [
    dict(type='MultiBranch', branch_field=branch_field,
         weak=weak_augment + pack, strong=strong_augment + pack)
]
val_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=8, frame_interval=2, num_clips=1,
         test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=input_size, keep_ratio=False),
] + pack
# The supervised baselines train a plain recognizer on the labeled pipeline.
supervised_pipeline = decode + weak_augment + pack

# 8 labeled + 8 unlabeled clips per batch (Bl:Bu = 1:1 as in LTG); the
# supervised baselines use the same 8 labeled clips per batch.
batch_size = 16
source_ratio = [1, 1]
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='SemiSupervisedSampler', source_ratio=source_ratio),
    dataset=dict(
        type='SemiDataset',
        labeled=dict(
            type=dataset_type,
            ann_file=f'{data_root}/labeled.txt',
            data_prefix=dict(video=data_root),
            num_classes=num_classes,
            pipeline=labeled_pipeline),
        unlabeled=dict(
            type=dataset_type,
            ann_file=f'{data_root}/unlabeled.txt',
            data_prefix=dict(video=data_root),
            num_classes=num_classes,
            labeled=False,
            skip_unreadable=True,
            pipeline=unlabeled_pipeline)))
val_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file=f'{data_root}/val.txt',
        data_prefix=dict(video=data_root),
        num_classes=num_classes,
        pipeline=val_pipeline,
        test_mode=True))
# held-out splits: val for choosing settings, test for reported numbers only
test_dataloader = dict(
    val_dataloader,
    dataset=dict(val_dataloader['dataset'], ann_file=f'{data_root}/test.txt'))
val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator
