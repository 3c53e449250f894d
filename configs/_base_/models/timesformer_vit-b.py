# TimeSformer ViT-B/16 (divided space-time attention, 8 frames, 224x224)
# with ImageNet-21k ViT weights, as in SVFormer / ACL+MTL. Nothing
# downloads: put the ViT weights at `pretrained` (e.g. MMAction2's
# vit_base_patch16_224.pth) or override `model.recognizer.backbone.pretrained`
# (None trains from scratch).
model = dict(
    type='Recognizer3D',
    backbone=dict(
        type='TimeSformer',
        pretrained='checkpoints/vit_base_patch16_224.pth',
        num_frames=8,
        img_size=224,
        patch_size=16,
        embed_dims=768,
        in_channels=3,
        dropout_ratio=0.0,
        transformer_layers=None,
        attention_type='divided_space_time',
        norm_cfg=dict(type='LN', eps=1e-6)),
    cls_head=dict(
        type='TimeSformerHead',
        num_classes=101,
        in_channels=768,
        average_clips='prob'),
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[127.5, 127.5, 127.5],
        std=[127.5, 127.5, 127.5],
        format_shape='NCTHW'))
