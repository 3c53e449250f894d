# Table 2's baseline row, UCF101 1% (paper top-1 48.74): the basic
# framework (Sec. 3.2) "adjusted according to Section 3.5": Eq. 19
# pseudo-labels averaged over the short and long clips, fixed alpha = 1
# (gamma comes from ACL), no contrastive loss, no L_MTL. Table 2's other
# rows: only ACL = mtl_loss=None; only MTL = contrastive=None,
# reliability_weighting=False.
_base_ = './acl-mtl_timesformer-vit-b_8xb6-30e_ucf101-1percent.py'
model = dict(
    semi_train_cfg=dict(
        contrastive=None, reliability_weighting=False, mtl_loss=None))
