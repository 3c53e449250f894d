# TimeBalance stage 1 on UCF101 (split 1, layout of semi_ucf101.py) at the
# paper's settings (Sec. 4.2, supp. B): every training video (labels never
# read) gives n = 4 consecutive 16-frame clips (`clip_t`), an augmented copy
# of each (`aug_t`) and the long clip spanning them (`long`: the paper gives
# no sampling; its 64 frames densely, so that R3D-18's time stride 16 (with
# pool2) leaves 4 steps, one per clip; TCLR reads a sparse clip), all from
# one decode; random
# resized crop to 224, flip, random greyscale and colour jitter (the
# paper's list; their strengths are not given: SimCLR's). `ssl_pipeline`
# feeds f_D (L_D1 + L_D2), `clip_pipeline` (the n clips only) f_I.
_base_ = './semi_ucf101.py'
train_list = f'{_base_.data_root}/ucf101_train_split_1_videos.txt'
num_clips = 4
clip_len = 16
views = dict(long=dict(clip_len=clip_len * num_clips, frame_interval=1))
views.update({
    f'clip_{t}': dict(clip_len=clip_len, frame_interval=1,
                      shift=clip_len * t)
    for t in range(num_clips)
})
decode = [
    dict(type='DecordInit'),
    dict(type='SampleMultiViewFrames', views=views),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
]
augment = [
    dict(type='RandomResizedCrop'),
    dict(type='Resize', scale=(224, 224), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='TorchVisionWrapper', op='RandomGrayscale', p=0.2),
    dict(type='TorchVisionWrapper', op='ColorJitter', brightness=0.4,
         contrast=0.4, saturation=0.4, hue=0.1),
]
pack = _base_.pack
ssl_branches = [f'clip_{t}' for t in range(num_clips)] + \
    [f'aug_{t}' for t in range(num_clips)] + ['long']
clip_branches = ssl_branches[:num_clips]


def _views(names):
    return {name: [dict(type='SelectViewFrames',
                        view=name.replace('aug', 'clip'))] + augment + pack
            for name in names}


ssl_pipeline = decode + [
    dict(type='MultiBranch', branch_field=ssl_branches,
         **_views(ssl_branches))
]
clip_pipeline = decode + [
    dict(type='MultiBranch', branch_field=clip_branches,
         **_views(clip_branches))
]
# One source, the training list (`source_ratio=[1]`): an epoch is one pass
# over it, as the paper's epochs, and no video meets itself as a negative
# within a pass (two sources on the same list, as before, read 4/3 of it
# per epoch and could).
train_dataloader = dict(
    _delete_=True,
    batch_size=4,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='SemiSupervisedSampler', source_ratio=[1]),
    dataset=dict(
        type=_base_.dataset_type,
        ann_file=train_list,
        data_prefix=dict(video=f'{_base_.data_root}/videos'),
        num_classes=_base_.num_classes,
        labeled=False,
        skip_unreadable=True,
        pipeline=ssl_pipeline))
# no labels, no validation
val_dataloader = None
test_dataloader = None
val_evaluator = None
test_evaluator = None
