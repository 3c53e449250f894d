# CMPL (Xu et al., CVPR 2022): the primary network F and an auxiliary
# network A teach each other with confident pseudo-labels, tau = 0.9;
# lambda = 5 (1% labels) or 2 (10%). Model bases set `primary` and
# `auxiliary` (configs/_base_/models/cmpl_*.py).
semi_model = dict(
    type='CMPLRecognizer',
    semi_train_cfg=dict(
        threshold=0.9,
        unsup_weight=2.0,
        aux_losses=('sup', 'unsup')))
