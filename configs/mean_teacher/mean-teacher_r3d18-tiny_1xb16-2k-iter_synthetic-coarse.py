# Mean Teacher on synthetic-coarse (3 labels per class), Bl:Bu = 1:5,
# 1000 iterations on CPU.
_base_ = [
    '../_base_/models/r3d18-tiny.py',
    '../_base_/datasets/semi_synthetic-coarse.py',
    '../_base_/schedules/adamw_cosine_2k-iter.py',
    '../_base_/default_runtime.py', '../_base_/semi/mean_teacher.py'
]
model = dict(_delete_=True, recognizer=_base_.model, **_base_.semi_model)
