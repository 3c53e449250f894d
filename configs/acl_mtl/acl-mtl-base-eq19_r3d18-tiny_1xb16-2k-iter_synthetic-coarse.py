# Table 2's baseline row on synthetic-coarse: the basic framework (Sec. 3.2)
# "adjusted according to Section 3.5": Eq. 19 pseudo-labels averaged over
# the short and long clips, fixed alpha = 1 (gamma comes from ACL), no
# contrastive loss, no L_MTL.
_base_ = './acl-mtl_r3d18-tiny_1xb16-2k-iter_synthetic-coarse.py'
model = dict(
    semi_train_cfg=dict(
        contrastive=None, reliability_weighting=False, mtl_loss=None))
