# TimeBalance: a teacher fine-tuned on the labeled set with cross-entropy
# (Sec. 3.1, end), from its stage-1 backbone, run with
#   load_from=<tools/timebalance/ssl_to_recognizer.py output>
# (tools/timebalance/train.py does it for both teachers). Without
# load_from it is the supervised-only baseline on synthetic-long: the
# supervised synthetic-coarse config with synthetic-long's data and
# sampling (8 frames 8 apart).
_base_ = [
    '../_base_/models/r3d18-tiny.py',
    '../_base_/datasets/semi_synthetic-long.py',
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
