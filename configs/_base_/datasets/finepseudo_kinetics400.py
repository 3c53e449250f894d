# Kinetics-400 for FinePseudo (Table 3: 3D-ResNet18, 8-frame clips at 224):
# the layout of semi_kinetics400.py, 1/5/10% splits
#   (tools/data/make_semi_split.py .../kinetics400_train_list_videos.txt
#      --percent 1 --seeds 0 1 2 --out-dir data/kinetics400/semi).
# f_E and f_A read the same 8x8 clip.
_base_ = './finepseudo_fine-grained.py'
data_root = 'data/kinetics400'
split_dir = f'{data_root}/semi/1pct_seed0'
num_classes = 400
input_size = (224, 224)
decode = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=8, frame_interval=8, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
]
augment = [
    dict(type='RandomResizedCrop'),
    dict(type='Resize', scale=input_size, keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
]
labeled_pipeline = decode + [
    dict(type='MultiBranch', branch_field=['labeled'],
         labeled=augment + _base_.pack)
]
val_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=8, frame_interval=8, num_clips=1,
         test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='CenterCrop', crop_size=224),
] + _base_.pack
train_dataloader = dict(
    dataset=dict(
        labeled=dict(
            ann_file=f'{split_dir}/labeled.txt',
            data_prefix=dict(video=f'{data_root}/videos_train'),
            num_classes=num_classes,
            pipeline=labeled_pipeline),
        unlabeled=dict(
            ann_file=f'{split_dir}/unlabeled.txt',
            data_prefix=dict(video=f'{data_root}/videos_train'),
            num_classes=num_classes,
            pipeline=labeled_pipeline)))
val_dataloader = dict(
    dataset=dict(
        ann_file=f'{data_root}/kinetics400_val_list_videos.txt',
        data_prefix=dict(video=f'{data_root}/videos_val'),
        num_classes=num_classes,
        pipeline=val_pipeline))
test_dataloader = val_dataloader
