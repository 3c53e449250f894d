# TimeBalance, a teacher fine-tuned on the labeled set with cross-entropy (Sec.
# 3.1, end) from its stage-1 backbone (load_from: the output of
# tools/timebalance/ssl_to_recognizer.py; tools/timebalance/train.py does it
# for both teachers): R3D-18, UCF101 10% labels, the student's clips, 100
# epochs of the labeled set (the paper gives no length) with the paper's Adam
# schedule, 8 GPUs x 8 clips.
_base_ = [
    '../_base_/models/r3d18.py', '../_base_/datasets/timebalance_ucf101.py',
    '../_base_/schedules/timebalance_adam-plateau.py',
    '../_base_/default_runtime.py',
]
split_dir = f'{_base_.data_root}/semi/videossl_10pct'
model = dict(cls_head=dict(num_classes=_base_.num_classes))
pack = [dict(type='FormatShape', input_format='NCTHW'),
        dict(type='PackActionInputs')]
train_dataloader = dict(
    _delete_=True,
    batch_size=8,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        _base_.train_dataloader.dataset.labeled,
        ann_file=f'{split_dir}/labeled.txt',
        score_file=None,
        pipeline=_base_.decode + _base_.weak_augment + pack))
train_cfg = dict(max_epochs=100)
# checkpoints every 5 epochs (converted to iterations by the loop)
default_hooks = dict(checkpoint=dict(interval=5, by_epoch=True))
