# Table 2's baseline row, HMDB51 40% (paper top-1 62.48); see the UCF101
# 1% baseline config.
_base_ = './acl-mtl_timesformer-vit-b_8xb6-30e_hmdb51-40percent.py'
model = dict(
    semi_train_cfg=dict(
        contrastive=None, reliability_weighting=False, mtl_loss=None))
