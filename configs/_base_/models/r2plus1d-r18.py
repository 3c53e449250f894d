# R(2+1)D-18 (FinePseudo's action encoder f_E for the fine-grained sets;
# MMAction2's ResNet2Plus1d, from scratch or from a self-supervised
# checkpoint through load_from).
_base_ = 'mmaction::_base_/models/r2plus1d_r34.py'
model = dict(backbone=dict(depth=18), cls_head=dict(in_channels=512))
