# FinePseudo's alignability encoder f_A at paper scale: a VTN, the 2D
# ResNet-50 of mmpretrain on every frame and a 4-layer temporal transformer
# (width 512, 8 heads), F = 128 per frame (the paper's sizes are in its
# unavailable supplementary: our choice). Plain RGB frames, as the paper's
# VTN (the synthetic base's frame differences are switched off).
_base_ = './frame-transformer_r18-tiny.py'
aligner = dict(
    backbone=dict(
        depth=50, in_channels=3, stem_channels=64, base_channels=64),
    in_channels=2048,
    spatial_grid=(1, 1),
    embed_dims=512,
    out_channels=128,
    num_layers=4,
    num_heads=8,
    max_frames=32,
    frame_difference=False)
