# LTG at the paper's settings (Xiao et al., CVPR 2022, Sec. 4.2): R3D-18
# RGB and TG streams from scratch, 8x8 frames at 112 px, 8 GPUs x (5
# labeled + 5 unlabeled) clips, SGD lr 0.2, cosine, 180 epochs (45k
# iterations), supervised warm-up of 30 epochs (7.5k iterations), dropout
# 0.5, PreciseBN before each validation; UCF101 20% labels.
# Paper top-1 (RGB at test): 5/10/20/50% = 44.8 / 62.4 / 76.1 / 79.3.
_base_ = [
    '../_base_/models/ltg_r3d18.py', '../_base_/datasets/ltg_ucf101.py',
    '../_base_/schedules/sgd_cosine_45k-iter.py',
    '../_base_/default_runtime.py'
]
split_dir = 'data/ucf101/semi/20pct_seed0'
model = dict(semi_train_cfg=dict(warmup_iters=7500))
train_dataloader = dict(
    dataset=dict(
        labeled=dict(ann_file=f'{split_dir}/labeled.txt'),
        unlabeled=dict(ann_file=f'{split_dir}/unlabeled.txt')))
custom_hooks = [
    dict(type='SemiPreciseBNHook', num_samples=8192, interval=5000)
]
default_hooks = dict(checkpoint=dict(interval=5000))
