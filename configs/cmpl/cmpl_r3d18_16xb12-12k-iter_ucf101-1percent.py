# CMPL's 3D-ResNet18 variant (F = R3D-18, A = R3D-18x1/4) on UCF101 1%
# labels, otherwise the paper settings of the 3D-ResNet50 config.
# Paper top-1: 23.8 (1%), 67.6 (10%).
_base_ = [
    '../_base_/models/cmpl_r3d18.py', '../_base_/datasets/cmpl_ucf101.py',
    '../_base_/schedules/sgd_cosine_12k-iter.py',
    '../_base_/default_runtime.py'
]
model = dict(semi_train_cfg=dict(unsup_weight=5.0))
