# ACL + MTL on UCF101 with 1% labels, paper settings: TimeSformer ViT-B
# (ImageNet weights, see the model base), 8 GPUs x (1 labeled + 5 unlabeled)
# clips, SGD lr 0.005 with steps at epochs 25 and 28 of 30, delta 0.3,
# tau 0.07, tau_s 0.1, tau_t 0.04, eps 0.7, mu_1 = mu_2 = 1, short stride 8
# and long strides 16, 32; bank of 4096 clips (our choice). Paper top-1:
# 60.1 (1%), 88.6 (10%).
_base_ = [
    '../_base_/models/timesformer_vit-b.py',
    '../_base_/datasets/acl_mtl_ucf101.py',
    '../_base_/schedules/sgd_step_30e.py',
    '../_base_/default_runtime.py', '../_base_/semi/acl_mtl.py'
]
model = dict(
    _delete_=True,
    recognizer=_base_.model,
    **dict(
        _base_.semi_model,
        semi_train_cfg=dict(
            _base_.semi_model.semi_train_cfg,
            bank_size=4096,
            long_branches=_base_.long_branches)))
