# FinePseudo's data on a fine-grained set (Diving48, FineGym, FineDiving;
# leaf configs set data_root, the lists and num_classes). f_E and f_A read
# the same 16 frames sampled uniformly over the whole video (a fine-grained
# class is the order of its phases, so the clip spans the action), 112x112
# after a random resized crop and a flip (a flip keeps the phase order);
# 8 labeled or pseudo-labeled clips per GPU (our choices: the paper's
# sampling is in its unavailable supplementary).
# Scoring and validation: the same 16 uniform frames, centre crop.
_base_ = './semi_ucf101.py'
num_frames = 16
input_size = (112, 112)
decode = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=num_frames, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 128)),
]
augment = [
    dict(type='RandomResizedCrop'),
    dict(type='Resize', scale=input_size, keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
]
pack = _base_.pack
labeled_pipeline = decode + [
    dict(type='MultiBranch', branch_field=['labeled'],
         labeled=augment + pack)
]
val_pipeline = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=num_frames, num_clips=1,
         test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 128)),
    dict(type='CenterCrop', crop_size=112),
] + pack
train_dataloader = dict(
    batch_size=8,
    sampler=dict(type='SemiSupervisedSampler', source_ratio=[1]),
    dataset=dict(
        type='PseudoLabelDataset',
        labeled=dict(pipeline=labeled_pipeline),
        unlabeled=dict(pipeline=labeled_pipeline)))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=val_pipeline))
