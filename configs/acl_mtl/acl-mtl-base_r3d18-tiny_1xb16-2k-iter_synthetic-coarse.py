# The teacher-student base of ACL + MTL (Eq. 1-3): EMA-teacher pseudo-labels
# of the weak short-term clip with delta = 0.3, fixed alpha = 1, no ACL, no
# MTL: the ablation's "base" row, trained on the same clips with the same
# supervised warm-up.
_base_ = './acl-mtl_r3d18-tiny_1xb16-2k-iter_synthetic-coarse.py'
model = dict(
    semi_train_cfg=dict(
        acl_loss=None, reliability_weighting=False, long_branches=()))
