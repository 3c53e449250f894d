# FixMatch (Sohn et al. 2020): tau = 0.95, lambda_u = 1, hard labels,
# pseudo-labels from the student's own weak-view prediction.
semi_model = dict(
    type='FixMatchRecognizer',
    semi_train_cfg=dict(
        threshold=0.95,
        unsup_weight=1.0,
        soft_labels=False,
        warmup_iters=0,
        pseudo_label_source='student'))
