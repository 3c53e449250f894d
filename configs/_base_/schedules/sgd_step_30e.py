# ACL+MTL's schedule (SVFormer's): "we follow the settings of TimeSformer
# ... SGD optimizer ... with a momentum of 0.9 and weight decay of 0.001 ...
# initial learning rate as 0.005 and divide it by 10 at the 25-th epoch and
# the 28-th epoch". From TimeSformer's MMAction2 config: Nesterov momentum,
# no weight decay on the class token and the position / time embeddings
# (custom_keys, matched in the student's parameter names), gradient norm
# clipped at 40. 30 epochs (the paper's Table 3, Epochs column). An epoch is
# one pass over the unlabeled split by all ranks: SemiIterBasedTrainLoop turns
# max_epochs, the validation interval and the epoch milestones into iterations
# from the data set, batch and number of GPUs of the run (no GPU count or split
# size assumed here).
_base_ = './adamw_cosine_2k-iter.py'
train_cfg = dict(
    _delete_=True, type='SemiIterBasedTrainLoop', max_epochs=30,
    val_interval=5)
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
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=30,
         milestones=[25, 28], gamma=0.1)
]
auto_scale_lr = dict(enable=False, base_batch_size=48)
