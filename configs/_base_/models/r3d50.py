# 3D-ResNet50 in the SlowOnly form (the slow pathway of SlowFast: 1x7x7
# stem, temporal kernels in res4/res5 only), from scratch, 101 classes; head
# and preprocessing as in r3d18-tiny.py. TimeBalance's Slow-R50. CMPL's
# 3D-ResNet50 (5x7x7 stem, temporal kernels in every stage, Table A4) is
# another network: see cmpl_r3d50.py.
_base_ = './r3d18-tiny.py'
model = dict(
    backbone=dict(
        _delete_=True,
        type='ResNet3dSlowOnly',
        depth=50,
        pretrained=None,
        lateral=False,
        base_channels=64,
        conv1_kernel=(1, 7, 7),
        conv1_stride_t=1,
        pool1_stride_t=1,
        inflate=(0, 0, 1, 1),
        norm_eval=False),
    cls_head=dict(num_classes=101, in_channels=2048, dropout_ratio=0.5))
