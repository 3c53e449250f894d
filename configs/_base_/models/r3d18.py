# R3D-18 as in the video FixMatch / CMPL / LTG papers (from scratch).
_base_ = './r3d18-tiny.py'
model = dict(
    backbone=dict(base_channels=64),
    cls_head=dict(num_classes=101, in_channels=512, dropout_ratio=0.5))
