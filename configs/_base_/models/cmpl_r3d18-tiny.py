# CMPL's two networks on the CPU-sized sets: F = the tiny R3D-18 (itself a
# quarter of R3D-18's width), A = the same net at half its width (8 base
# channels). CMPL's "x1/4" would leave A 4 channels wide: its pseudo-labels
# made F worse than FixMatch (65.5 / 60.5% vs 66.5 / 63.5% on split seeds
# 0 / 1), see README "Results".
_base_ = ['./r3d18-tiny.py', '../semi/cmpl.py']
narrow = dict(
    backbone=dict(_base_.model.backbone, base_channels=8),
    cls_head=dict(_base_.model.cls_head, in_channels=64))
model = dict(
    _base_.semi_model,
    _delete_=True,
    primary=_base_.model,
    auxiliary=dict(_base_.model, **narrow))
