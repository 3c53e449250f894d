# CMPL at the paper's settings (Xu et al., CVPR 2022, Sec. 4.1), UCF101 1%
# labels (1 video per class): F = 3D-ResNet50 on 8x8 clips, A =
# 3D-ResNet50x1/4 on 16x4 clips up to t_s = 10 s away, tau = 0.9,
# lambda = 5; 16 GPUs x (2 labeled + 10 unlabeled) clips at 224 px;
# standard aug (labeled) = scale jitter + crop + flip, weak = centre crop,
# strong = standard + RandAugment + Cutout; test 10 clips x 3 crops.
# Paper top-1: 25.1 (1%), 79.1 (10%).
_base_ = [
    '../_base_/models/cmpl_r3d50.py', '../_base_/datasets/cmpl_ucf101.py',
    '../_base_/schedules/sgd_cosine_12k-iter.py',
    '../_base_/default_runtime.py'
]
model = dict(semi_train_cfg=dict(unsup_weight=5.0))
