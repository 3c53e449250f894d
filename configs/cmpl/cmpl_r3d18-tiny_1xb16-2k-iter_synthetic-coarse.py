# CMPL on synthetic-coarse: F = the tiny R3D-18 of the FixMatch config
# (8x2 frames), A = the same net at half its width on 16x1 frames.
# Data, split, batch and schedule are FixMatch's (tau = 0.9, lambda = 2 as
# in the paper's 10% setting: 10 labels per class here are 17%).
_base_ = [
    '../_base_/models/cmpl_r3d18-tiny.py',
    '../_base_/datasets/cmpl_synthetic-coarse.py',
    '../_base_/schedules/adamw_cosine_2k-iter.py',
    '../_base_/default_runtime.py'
]
