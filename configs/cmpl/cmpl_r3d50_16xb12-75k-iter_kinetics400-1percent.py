# CMPL's ablation setting (Sec. 4.3: "all ablation studies are performed on
# 1% labeled data of Kinetics-400 with 50 training epochs"): the paper
# settings of cmpl_r3d50_16xb12-300k-iter_kinetics400-1percent.py for 50
# epochs of ~240k unlabeled videos at 16 GPUs x 10 clips ~ 75k iterations.
# Auxiliary + frame rates + temporal location (t_s = 10 s): Table 2 last
# row, 13.71 top-1. Other ablations: the cmpl-*_75k-iter configs, and
# model.semi_train_cfg.pseudo_label_scheme / aux_losses (Tables A2, 6).
_base_ = './cmpl_r3d50_16xb12-300k-iter_kinetics400-1percent.py'
max_iters = 75000
train_cfg = dict(max_iters=max_iters)
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=False, begin=0, end=max_iters,
         T_max=max_iters, eta_min=0)
]
