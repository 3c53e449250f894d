# TimeBalance's optimisation (supp. B.2) for every stage: Adam (betas 0.9 /
# 0.999, no weight decay), lr 1e-3, linear warm-up over 10 epochs (from
# 0.01x: the paper gives no start), then the LR halved whenever the
# epoch's mean training loss stops decreasing (TrainLossPlateauLR, stepped
# by TrainLossPlateauHook; patience 5 epochs and threshold 1e-4 relative:
# the paper gives neither). An epoch is one pass over the unlabeled loader
# (SemiIterBasedTrainLoop, max_epochs), or over the labeled set for the
# teachers' fine-tuning; each config sets max_epochs.
train_cfg = dict(type='SemiIterBasedTrainLoop', max_epochs=150,
                 val_interval=10)
val_cfg = dict(type='TeacherStudentValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    optimizer=dict(type='Adam', lr=1e-3, betas=(0.9, 0.999), weight_decay=0))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=True, begin=0, end=10),
    dict(type='TrainLossPlateauLR', patience=5, threshold=1e-4),
]
