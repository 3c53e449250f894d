# Table 3's SimCLR row, UCF101 1% (paper top-1 56.25): ACL replaced by
# SimCLR's NT-Xent between the student's projections of the strong and
# weak short clips (both with gradient, in-batch negatives gathered across
# GPUs: 2 x 8 x 5 clips) with ACL's tau and mu_2; without gamma, L_u takes
# the fixed alpha = 1. MTL as in the full method.
_base_ = './acl-mtl_timesformer-vit-b_8xb6-30e_ucf101-1percent.py'
model = dict(
    semi_train_cfg=dict(contrastive='simclr', reliability_weighting=False))
