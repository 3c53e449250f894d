# CMPL's two networks: F = the CPU-sized R3D-18, A = the same net at a
# quarter of the width (CMPL's "x1/4"), for 8 classes.
_base_ = ['./r3d18-tiny.py', '../semi/cmpl.py']
quarter_width = dict(
    backbone=dict(_base_.model.backbone, base_channels=4),
    cls_head=dict(_base_.model.cls_head, in_channels=32))
model = dict(
    _base_.semi_model,
    _delete_=True,
    primary=_base_.model,
    auxiliary=dict(_base_.model, **quarter_width))
