# ACL + MTL on synthetic-coarse: the tiny R3D-18 of the FixMatch config,
# paper loss settings, one long-term scale (see the dataset base), a bank
# of 256 clips (~2/3 of the unlabeled split). Data, split, batch and
# schedule are FixMatch's.
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
            long_branches=_base_.long_branches)))
