# Runtime shared by every mmsemi_action config: MMAction2's runtime, the
# plugin import, iteration-based logging and checkpoints.
_base_ = 'mmaction::_base_/default_runtime.py'

custom_imports = dict(imports=['mmsemi_action'], allow_failed_imports=False)

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=20, ignore_last=False),
    checkpoint=dict(
        type='CheckpointHook',
        interval=500,
        by_epoch=False,
        max_keep_ckpts=2,
        save_last=True,
        save_best='auto'),
    # random generator states in checkpoints: resume continues exactly
    rng_state=dict(type='RNGStateHook'))

log_processor = dict(type='LogProcessor', window_size=20, by_epoch=False)

# NCCL on GPUs; mmsemi_action switches to gloo when no GPU is present.
env_cfg = dict(dist_cfg=dict(backend='nccl'))
