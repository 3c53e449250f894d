# CMPL's default networks (Sec. 3.3): F = 3D-ResNet50, A = 3D-ResNet50x1/4
# ("the channels are reduced four-fold": base 16, 512-d head), 101 classes.
# The 3D-ResNet50 is the paper's (Appendix D, Table A4), not the SlowOnly
# r3d50.py: a 5x7x7 stem conv (strides 1, 2, 2), a 1x3x3 max pool (strides
# 1, 2, 2), 3x1x1 / 1x3x3 / 1x1x1 bottlenecks in every block of res2-res5
# (inflate=1, '3x1x1': "inflates the 2D kernel at conv1 across all
# stages"), and "no temporal downsampling layers": time strides 1 and no
# pool2 (ResNet3d's 2x1x1 max pool after res2), so 8 frames at 224 px give
# 2048 x 8 x 7^2 features. Head and preprocessing: r3d50.py's.
_base_ = ['./r3d50.py', '../semi/cmpl.py']
r3d50 = dict(
    _base_.model,
    backbone=dict(
        type='ResNet3d',
        depth=50,
        pretrained=None,
        pretrained2d=False,
        base_channels=64,
        conv1_kernel=(5, 7, 7),
        conv1_stride_t=1,
        pool1_stride_t=1,
        with_pool2=False,
        inflate=(1, 1, 1, 1),
        inflate_style='3x1x1',
        spatial_strides=(1, 2, 2, 2),
        temporal_strides=(1, 1, 1, 1),
        norm_eval=False))
quarter_width = dict(
    backbone=dict(r3d50['backbone'], base_channels=16),
    cls_head=dict(r3d50['cls_head'], in_channels=512))
model = dict(
    _base_.semi_model,
    _delete_=True,
    primary=r3d50,
    auxiliary=dict(r3d50, **quarter_width))
