# ACL + MTL on HMDB51 with 40% labels, paper settings (see the UCF101 1%
# config); bank of 1024 clips (our choice: about half the unlabeled split).
# Paper top-1: 64.9 / 66.9 / 68.8 with 40 / 50 / 60% labels.
_base_ = [
    '../_base_/models/timesformer_vit-b.py',
    '../_base_/datasets/acl_mtl_hmdb51.py',
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
            bank_size=1024,
            long_branches=_base_.long_branches)))
