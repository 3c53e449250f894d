# TimeBalance's student data on UCF101 (split layout of semi_ucf101.py):
# 8-frame clips (Sec. 4.2; 8x8 sampling, as the other UCF101 configs: the
# paper gives no stride), short side 256, random resized crop to 224 and
# flip; teachers and student read the same clip (`labeled`, `weak`), which
# carries the video's temporal similarity score (score_file, stage 2).
# Test: 10 clips x 3 views (Sec. 4.2, Inference: "10 uniformly spaced clips
# and 3 different spatial scales", the standard protocol of its [74]; no
# scales are given: we read it as MMAction2's ThreeCrop of 256, the three
# crops covering the 256-short-side frame). Splits (the paper names
# none; our choice): VideoSSL's published 5/10/20/50% lists
# (semi/videossl_{p}pct, as LTG, which Table 1 compares with) and 1 labeled
# video per class for 1% (semi/1pc_seed0, as CMPL and SVFormer).
_base_ = './semi_ucf101.py'
score_file = 'work_dirs/timebalance/scores.json'
decode = _base_.decode[:3] + [dict(type='Resize', scale=(-1, 256))]
weak_augment = [
    dict(type='RandomResizedCrop'),
    dict(type='Resize', scale=(224, 224), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
]
pack = [
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs',
         meta_keys=('img_shape', 'img_key', 'video_id', 'timestamp',
                    'temporal_score'))
]
branch_field = ['labeled', 'weak']
train_dataloader = dict(
    dataset=dict(
        labeled=dict(
            score_file=score_file,
            pipeline=decode + [
                dict(type='MultiBranch', branch_field=branch_field,
                     labeled=weak_augment + pack)
            ]),
        unlabeled=dict(
            score_file=score_file,
            pipeline=decode + [
                dict(type='MultiBranch', branch_field=branch_field,
                     weak=weak_augment + pack)
            ])))
test_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=8, frame_interval=8, num_clips=10,
         test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='ThreeCrop', crop_size=256),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs'),
]
val_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=8, frame_interval=8, num_clips=1,
         test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs'),
]
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(
    batch_size=1,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(_base_.val_dataloader['dataset'], pipeline=test_pipeline))
