# FinePseudo on synthetic-fine (the split in data/synthetic-fine/labeled.txt):
# f_E = the tiny R3D-18 of the other methods, f_A = a tiny frame
# transformer; 1000 iterations on the labeled videos, then two
# pseudo-labelling rounds of 500 iterations, on CPU.
_base_ = [
    '../_base_/models/r3d18-tiny.py',
    '../_base_/models/frame-transformer_r18-tiny.py',
    '../_base_/datasets/finepseudo_synthetic-fine.py',
    '../_base_/schedules/adamw_cosine-restarts_2k-iter.py',
    '../_base_/default_runtime.py', '../_base_/semi/finepseudo.py'
]
model = dict(
    _delete_=True,
    recognizer=_base_.model,
    aligner=_base_.aligner,
    **_base_.semi_model)
custom_hooks = [
    dict(
        _base_.pseudo_label_filter,
        milestones=_base_.milestones,
        pipeline=_base_.val_pipeline)
]
