# ACL+MTL's schedule (SVFormer's): "we follow the settings of TimeSformer
# ... SGD optimizer ... with a momentum of 0.9 and weight decay of 0.001 ...
# initial learning rate as 0.005 and divide it by 10 at the 25-th epoch and
# the 28-th epoch". From TimeSformer's MMAction2 config: Nesterov momentum,
# no weight decay on the class token and the position / time embeddings
# (custom_keys, matched in the student's parameter names), gradient norm
# clipped at 40. Epochs of the unlabeled split at 8 GPUs x 5 unlabeled
# clips: UCF101 1% (9442 clips) ~ 236 iterations per epoch, 30 epochs ~ 7k
# iterations (10%: ~6.4k).
_base_ = './adamw_cosine_2k-iter.py'
max_iters = 7000
train_cfg = dict(max_iters=max_iters, val_interval=1000)
optim_wrapper = dict(
    optimizer=dict(
        _delete_=True, type='SGD', lr=0.005, momentum=0.9,
        weight_decay=1e-3, nesterov=True),
    paramwise_cfg=dict(
        custom_keys={
            '.backbone.cls_token': dict(decay_mult=0.0),
            '.backbone.pos_embed': dict(decay_mult=0.0),
            '.backbone.time_embed': dict(decay_mult=0.0)
        }),
    clip_grad=dict(max_norm=40, norm_type=2))
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=False, begin=0, end=max_iters,
         milestones=[max_iters * 25 // 30, max_iters * 28 // 30], gamma=0.1)
]
auto_scale_lr = dict(enable=False, base_batch_size=48)
