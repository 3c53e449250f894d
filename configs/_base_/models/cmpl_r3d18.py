# CMPL's 3D-ResNet18 variant (Table 1): F = 3D-ResNet18, A = 3D-ResNet18x1/4,
# 101 classes. The paper draws only its 3D-ResNet50 (Appendix D, Table A4)
# and gets other networks "by adjusting the depth and width" (Sec. 3.3), so
# this is Table A4's design at depth 18: 5x7x7 stem conv, temporal kernels
# in every stage, "no temporal downsampling layers" (time strides 1, no
# pool2), 8 frames in, 8 to the head. What ResNet3d cannot express: its
# BasicBlock3d ignores `inflate_style` and inflates both 3x3 convs of a
# block to 3x3x3 (inflate=1), where inflating "the 2D kernel at conv1" only
# would leave the second 1x3x3; we keep ResNet3d's 3x3x3 pair.
_base_ = './cmpl_r3d18-tiny.py'
head = dict(num_classes=101, dropout_ratio=0.5)
table_a4 = dict(
    conv1_kernel=(5, 7, 7), temporal_strides=(1, 1, 1, 1), with_pool2=False)
model = dict(
    primary=dict(
        backbone=dict(base_channels=64, **table_a4),
        cls_head=dict(in_channels=512, **head)),
    auxiliary=dict(
        backbone=dict(base_channels=16, **table_a4),
        cls_head=dict(in_channels=128, **head)))
