# CMPL's 3D-ResNet18 variant: F = R3D-18, A = R3D-18x1/4, 101 classes.
_base_ = './cmpl_r3d18-tiny.py'
head = dict(num_classes=101, dropout_ratio=0.5)
model = dict(
    primary=dict(
        backbone=dict(base_channels=64),
        cls_head=dict(in_channels=512, **head)),
    auxiliary=dict(
        backbone=dict(base_channels=16),
        cls_head=dict(in_channels=128, **head)))
