# TimeBalance stage 3 on synthetic-long: the tiny R3D-18 student distilled
# from the two fine-tuned teachers (same architecture) with TSTR
# reweighting (Eq. 7) and the L2 distance (Eq. 8) on labeled and unlabeled
# clips, omega = 1, CE on labels; every training video carries its score
# (score_file, stage 2). Paths are set by tools/timebalance/train.py.
_base_ = [
    '../_base_/models/r3d18-tiny.py',
    '../_base_/datasets/semi_synthetic-long.py',
    '../_base_/schedules/adamw_cosine_2k-iter.py',
    '../_base_/default_runtime.py'
]
work = 'work_dirs/timebalance'
score_file = f'{work}/scores.json'
model = dict(
    _delete_=True,
    type='TimeBalanceRecognizer',
    recognizer=_base_.model,
    teacher_invariant=_base_.model,
    teacher_distinctive=_base_.model,
    teacher_checkpoints=dict(
        invariant=f'{work}/teacher_invariant/final.pth',
        distinctive=f'{work}/teacher_distinctive/final.pth'),
    semi_train_cfg=dict(
        unsup_weight=1.0,
        reweighting=True,
        teachers=('invariant', 'distinctive'),
        distill_loss=dict(type='SoftmaxMSELoss', class_reduction='sum')))
# the samples carry their temporal similarity score
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
            pipeline=_base_.decode + [
                dict(type='MultiBranch', branch_field=branch_field,
                     labeled=_base_.weak_augment + pack)
            ]),
        unlabeled=dict(
            score_file=score_file,
            pipeline=_base_.decode + [
                dict(type='MultiBranch', branch_field=branch_field,
                     weak=_base_.weak_augment + pack)
            ])))
