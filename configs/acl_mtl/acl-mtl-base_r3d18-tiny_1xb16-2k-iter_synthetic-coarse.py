# The teacher-student base of ACL + MTL (Eq. 1-3): EMA-teacher pseudo-labels
# of the weak short-term clip with delta = 0.3, fixed alpha = 1, no
# contrastive loss, no long clips: Sec. 3.2 before the adjustments of
# Sec. 3.5, trained on the same clips with the same supervised warm-up.
# Table 2's baseline row (Eq. 19 pseudo-labels from the long clips too) is
# acl-mtl-base-eq19_*.
_base_ = './acl-mtl_r3d18-tiny_1xb16-2k-iter_synthetic-coarse.py'
model = dict(
    semi_train_cfg=dict(
        contrastive=None, reliability_weighting=False, long_branches=()))
