# Table 3's MoCo row, UCF101 1% (paper top-1 58.13): ACL replaced by MoCo's
# InfoNCE (the anchor's naive positive against the whole memory bank, no
# prototypes, no GMM) with ACL's tau and mu_2 ("same data augmentations and
# experiment setting"); without gamma, L_u takes the fixed alpha = 1. MTL
# as in the full method.
_base_ = './acl-mtl_timesformer-vit-b_8xb6-30e_ucf101-1percent.py'
model = dict(
    semi_train_cfg=dict(contrastive='moco', reliability_weighting=False))
