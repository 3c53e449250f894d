# LTG (Xiao et al., CVPR 2022): RGB and temporal-gradient (TG) networks,
# FixMatch on both with fused pseudo-labels (gamma = 0.3, lambda_u = 1),
# dense (position-wise channel cosine) alignment of all four ResNet stages
# with stop-gradient on TG (w_kd = 1), cross-modal InfoNCE with the other
# modality of the other clips as negatives (Eq. 10, tau = 0.5, w_clr = 1) on
# 3-layer MLP projections as wide as the backbone, w_fm = 0.5.
# Model bases set `primary` (RGB) and `auxiliary` (TG).
semi_model = dict(
    type='LTGRecognizer',
    semi_train_cfg=dict(
        threshold=0.3,
        unsup_weight=1.0,
        fm_weight=0.5,
        pseudo_label_source='fused',
        align_layers=('layer1', 'layer2', 'layer3', 'layer4'),
        align_loss=dict(
            type='FeatureAlignmentLoss',
            distance='cosine',
            dense=True,
            stop_gradient=True,
            loss_weight=1.0),
        contrast_loss=dict(
            type='CrossModalInfoNCELoss',
            temperature=0.5,
            negatives='cross_modal',
            loss_weight=1.0),
        projection=dict(type='MLPProjectionHead', num_layers=3)))
# TG clips hold (x_t - x_{t+1} + 255) / 2: centred on 127.5
tg_data_preprocessor = dict(
    type='ActionDataPreprocessor',
    mean=[127.5, 127.5, 127.5],
    std=[127.5, 127.5, 127.5],
    format_shape='NCTHW')
