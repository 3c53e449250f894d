# FinePseudo, Algorithm 1 lines 6-10: self-supervised f_A before the
# labeled training (our frame-level substitute for GITDL, see
# FrameContrastiveModel), 1000 iterations of the CPU AdamW schedule. Load
# it into FinePseudo with
#   --cfg-options model.aligner.init_cfg.type=Pretrained \
#       model.aligner.init_cfg.checkpoint=<work_dir>/iter_1000.pth \
#       model.aligner.init_cfg.prefix=aligner.
_base_ = [
    '../_base_/models/r3d18-tiny.py',
    '../_base_/models/frame-transformer_r18-tiny.py',
    '../_base_/datasets/finepseudo-ssl_synthetic-fine.py',
    '../_base_/schedules/adamw_cosine_2k-iter.py',
    '../_base_/default_runtime.py'
]
model = dict(
    _delete_=True,
    type='FrameContrastiveModel',
    aligner=_base_.aligner,
    temperature=0.1,
    data_preprocessor=dict(
        type='MultiBranchDataPreprocessor',
        data_preprocessor=_base_.model.data_preprocessor))
train_cfg = dict(max_iters=1000, val_interval=1000)
# lr 1e-4 (the frame transformer's rate in FinePseudo's configs; at 1e-3
# every frame collapsed to one embedding in our runs)
optim_wrapper = dict(optimizer=dict(lr=1e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0,
         end=50),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=50, end=1000,
         T_max=950, eta_min=0)
]
val_cfg = None
test_cfg = None
default_hooks = dict(checkpoint=dict(save_best=None))
