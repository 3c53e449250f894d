# CMPL on Kinetics-400 1% labels (6 videos per class) at the paper
# settings (see configs/cmpl/cmpl_r3d18_16xb12-12k-iter_ucf101-1percent.py).
# Paper top-1 (3D-ResNet50 / 3D-ResNet18): 17.6 / 16.5 (1%), 58.4 / 53.7 (10%).
_base_ = [
    '../_base_/models/cmpl_r3d18.py',
    '../_base_/datasets/cmpl_kinetics400.py',
    '../_base_/schedules/sgd_cosine_300k-iter.py',
    '../_base_/default_runtime.py'
]
head = dict(cls_head=dict(num_classes=400))
model = dict(
    primary=head, auxiliary=head, semi_train_cfg=dict(unsup_weight=5.0))
default_hooks = dict(checkpoint=dict(interval=10000))
