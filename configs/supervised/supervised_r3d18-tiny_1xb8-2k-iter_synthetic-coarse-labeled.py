# Lower bound: the plain recognizer trained on the labeled subset only
# (8 clips per batch, the labeled share of a semi-supervised batch), same
# budget as the semi-supervised configs.
_base_ = [
    '../_base_/models/r3d18-tiny.py',
    '../_base_/datasets/semi_synthetic-coarse.py',
    '../_base_/schedules/adamw_cosine_2k-iter.py',
    '../_base_/default_runtime.py'
]
train_dataloader = dict(
    _delete_=True,
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        _base_.train_dataloader.dataset.labeled,
        pipeline=_base_.supervised_pipeline))
