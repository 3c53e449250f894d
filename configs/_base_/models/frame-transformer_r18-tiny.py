# FinePseudo's alignability encoder f_A for the synthetic sets: a 2D
# ResNet-18 at a quarter of the width (mmpretrain) on every frame, then a
# 2-layer temporal transformer (VTN); F = 64 per frame. Each frame enters
# with its difference to the previous one (6 channels): a synthetic frame
# alone shows nothing of the class (our addition, chosen on val; see the
# README's FinePseudo section).
aligner = dict(
    type='FrameTransformer',
    backbone=dict(
        type='mmpretrain.ResNet',
        depth=18,
        in_channels=6,
        stem_channels=16,
        base_channels=16,
        out_indices=(3, ),
        zero_init_residual=False),
    in_channels=128,
    # a 2x2 grid of the last map: where the object is (motion direction)
    spatial_grid=(2, 2),
    embed_dims=128,
    out_channels=64,
    num_layers=2,
    num_heads=4,
    max_frames=16,
    dropout=0.1,
    frame_difference=True)
