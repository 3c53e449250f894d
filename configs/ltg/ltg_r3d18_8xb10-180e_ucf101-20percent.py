# LTG at the paper's settings (Xiao et al., CVPR 2022, Sec. 4.2): R3D-18
# RGB and TG streams from scratch, 8x8 frames, short side 256 and 224 crops,
# 8 GPUs x (5 labeled + 5 unlabeled) clips, SGD lr 0.2, cosine, 180 epochs
# with a 30-epoch LR and supervised warm-up (ltg_sgd_cosine_ucf101-180e.py),
# dropout 0.5, PreciseBN on unlabeled clips (validation pipeline) before each
# validation, test 10 clips x 3 crops of 256; UCF101 20% labels.
# Paper top-1 (RGB at test): 5/10/20/50% = 44.8 / 62.4 / 76.1 / 79.3.
_base_ = [
    '../_base_/models/ltg_r3d18.py', '../_base_/datasets/ltg_ucf101.py',
    '../_base_/schedules/ltg_sgd_cosine_ucf101-180e.py',
    '../_base_/default_runtime.py'
]
# the VideoSSL split LTG uses (the authors' data/ucf101/videossl_splits,
# labeled and unlabeled lists; 5/10/20/50%):
#   python tools/data/make_semi_split.py \
#       data/ucf101/ucf101_train_split_1_videos.txt \
#       --labeled-list ucf101_train_20_percent_labeled_split_1_rawframes.txt \
#       --tag videossl_20pct --out-dir data/ucf101/semi
split_dir = 'data/ucf101/semi/videossl_20pct'
model = dict(semi_train_cfg=dict(warmup_iters=_base_.warmup_iters))
train_dataloader = dict(
    dataset=dict(
        labeled=dict(ann_file=f'{split_dir}/labeled.txt'),
        unlabeled=dict(ann_file=f'{split_dir}/unlabeled.txt')))
custom_hooks = [
    dict(type='SemiPreciseBNHook', source='unlabeled', num_samples=8192,
         interval=_base_.train_cfg.val_interval)
]
default_hooks = dict(checkpoint=dict(interval=_base_.train_cfg.val_interval))
