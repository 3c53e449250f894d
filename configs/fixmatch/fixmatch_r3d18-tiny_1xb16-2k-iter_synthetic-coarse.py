# FixMatch on synthetic-coarse (the split in data/synthetic-coarse/labeled.txt,
# 10 labels per class by default), 8 labeled + 8 unlabeled clips per batch,
# 2000 iterations on CPU.
_base_ = [
    '../_base_/models/r3d18-tiny.py',
    '../_base_/datasets/semi_synthetic-coarse.py',
    '../_base_/schedules/adamw_cosine_2k-iter.py',
    '../_base_/default_runtime.py', '../_base_/semi/fixmatch.py'
]
model = dict(_delete_=True, recognizer=_base_.model, **_base_.semi_model)
