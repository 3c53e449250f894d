# ACL + MTL on Kinetics-400 with 1% labels (6 per class), paper settings
# (see the UCF101 1% config); bank of 16384 clips (our choice). Paper
# top-1: 50.1 (1%), 69.9 (10%).
_base_ = [
    '../_base_/models/timesformer_vit-b.py',
    '../_base_/datasets/acl_mtl_kinetics400.py',
    '../_base_/schedules/sgd_step_30e.py',
    '../_base_/default_runtime.py', '../_base_/semi/acl_mtl.py'
]
model = dict(
    _delete_=True,
    recognizer=dict(_base_.model, cls_head=dict(
        _base_.model.cls_head, num_classes=_base_.num_classes)),
    **dict(
        _base_.semi_model,
        semi_train_cfg=dict(
            _base_.semi_model.semi_train_cfg,
            bank_size=16384,
            long_branches=_base_.long_branches)))
