# ACL + MTL on synthetic-coarse: the tiny R3D-18 of the FixMatch config,
# paper loss settings, one long-term scale and the paper's views (see the
# dataset base), a bank of 256 clips (~2/3 of the unlabeled split), DINO
# heads 256 wide (the paper configs: DINO's 2048, for a 768-d ViT-B).
# Split, batch and schedule are FixMatch's. The paper starts from ImageNet
# weights; from scratch, the first 1/6 of training (330 iterations, as
# LTG's warm-up) is supervised only, so that ACL and MTL start from a
# trained network and pseudo-labels above chance. (Without it, in a first
# version with a plain MLP temporal head, the run fell to 20.5% top-1 on
# seed 0; docs/benchmark/attempts/acl_mtl/.)
_base_ = [
    '../_base_/models/r3d18-tiny.py',
    '../_base_/datasets/acl_mtl_synthetic-coarse.py',
    '../_base_/schedules/adamw_cosine_2k-iter.py',
    '../_base_/default_runtime.py', '../_base_/semi/acl_mtl.py'
]
model = dict(
    _delete_=True,
    recognizer=_base_.model,
    **dict(
        _base_.semi_model,
        semi_train_cfg=dict(
            _base_.semi_model.semi_train_cfg,
            bank_size=256,
            warmup_iters=330,
            long_branches=_base_.long_branches,
            temporal_projection=dict(
                _base_.semi_model.semi_train_cfg.temporal_projection,
                hidden_channels=256))))
