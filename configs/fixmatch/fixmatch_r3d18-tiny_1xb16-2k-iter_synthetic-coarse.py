# FixMatch on synthetic-coarse (3 labels per class), 2 labeled + 10
# unlabeled clips per batch (Bl:Bu = 1:5), 1000 iterations on CPU.
_base_ = [
    '../_base_/models/r3d18-tiny.py',
    '../_base_/datasets/semi_synthetic-coarse.py',
    '../_base_/schedules/adamw_cosine_2k-iter.py',
    '../_base_/default_runtime.py', '../_base_/semi/fixmatch.py'
]
model = dict(_delete_=True, recognizer=_base_.model, **_base_.semi_model)
