# CMPL's default networks: F = 3D-ResNet50, A = 3D-ResNet50x1/4 (a quarter
# of the channels), 101 classes.
_base_ = ['./r3d50.py', '../semi/cmpl.py']
quarter_width = dict(
    backbone=dict(_base_.model.backbone, base_channels=16),
    cls_head=dict(_base_.model.cls_head, in_channels=512))
model = dict(
    _base_.semi_model,
    _delete_=True,
    primary=_base_.model,
    auxiliary=dict(_base_.model, **quarter_width))
