# LTG's R3D-18 streams (RGB and TG), 101 classes, dropout 0.5; test views
# averaged as scores (logits), as in the authors' code (the paper is
# silent).
_base_ = './ltg_r3d18-tiny.py'
stream = dict(
    backbone=dict(base_channels=64),
    cls_head=dict(num_classes=101, in_channels=512, dropout_ratio=0.5,
                  average_clips='score'))
model = dict(primary=stream, auxiliary=stream)
