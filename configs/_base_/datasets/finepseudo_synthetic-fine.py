# FinePseudo on synthetic-fine: every training clip is labeled, first the
# labeled videos alone, then (after each round of PseudoLabelFilterHook)
# the labeled videos and the kept pseudo-labeled ones, pooled. f_E and f_A
# read the same clip. 16 clips per batch (positives for the triplets).
_base_ = './semi_synthetic-fine.py'
train_dataloader = dict(
    batch_size=16,
    sampler=dict(type='SemiSupervisedSampler', source_ratio=[1]),
    dataset=dict(
        type='PseudoLabelDataset',
        unlabeled=dict(pipeline=_base_.labeled_pipeline)))
