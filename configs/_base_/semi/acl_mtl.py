# ACL + MTL (Wang et al., ACM MM 2024): EMA teacher, pseudo-labels averaged
# over the short and long clips (Eq. 19) with delta = 0.3, the anchor's GMM
# reliability as the weight of L_u; ACL with tau = 0.07, eps = 0.7,
# prototype momentum beta = 0.9, mu_2 = 1; MTL with DINO temperatures
# tau_s = 0.1, tau_t = 0.04, mu_1 = 1. Not in the paper (our choices, see
# README): bank size (set per data set), a 128-d 3-layer MLP spatial head,
# DINO's head for the temporal heads (3-layer GELU MLP of width 2048
# without BatchNorm, L2-normalised 256-d bottleneck, weight-normalised
# 1024-d output), DINO centring (momentum 0.9), 20 EM steps per GMM, at
# least 4 values for a GMM, EMA momentum 0.99. The long clip's key map for
# A_n: the patch tokens of TimeSformer's last layer, a 3D CNN's feature map
# (mtl_key_layer='auto'). Dataset bases set `long_branches` (the long-term
# clips they sample). Switches: contrastive='moco' / 'simclr' (Table 3) or
# None, mtl_loss=None (L_MTL off, long clips still in Eq. 19: Table 2).
# Bank, prototypes and DINO centres are written after each optimizer step
# by MemoryBankUpdateHook.
semi_model = dict(
    type='ACLMTLRecognizer',
    with_teacher=True,
    semi_train_cfg=dict(
        threshold=0.3,
        unsup_weight=1.0,
        reliability_weighting=True,
        contrastive='acl',
        acl_loss=dict(
            type='AdaptiveContrastiveLoss',
            temperature=0.07,
            reliability_threshold=0.7,
            use_anchor_reliability=True,
            min_gmm_samples=4,
            gmm_iters=20,
            loss_weight=1.0),
        bank_size=4096,
        prototype_momentum=0.9,
        spatial_projection=dict(type='MLPProjectionHead', out_channels=128),
        mtl_loss=dict(
            type='DINOCrossEntropyLoss',
            student_temperature=0.1,
            teacher_temperature=0.04,
            center_momentum=0.9,
            loss_weight=1.0),
        temporal_projection=dict(
            type='DINOProjectionHead',
            out_channels=1024,
            bottleneck_channels=256,
            hidden_channels=2048),
        mtl_key_layer='auto',
        student_weak_no_grad='auto'),
    semi_test_cfg=dict(predict_on='teacher'))
custom_hooks = [
    dict(type='EMATeacherHook', momentum=0.99),
    dict(type='MemoryBankUpdateHook')
]
