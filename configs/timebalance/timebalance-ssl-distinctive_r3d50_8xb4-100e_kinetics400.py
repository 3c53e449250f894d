# TimeBalance stage 1, the temporally-distinctive teacher f_D (L_D1 + L_D2) at
# the paper's settings: Slow-R50 (configs/_base_/models/r3d50.py) from scratch,
# g to 128-d, n = 4 clips of 16 frames, tau = 0.1, every Kinetics-400 training
# video, 100 epochs of Adam with warm-up and plateau halving (Sec. 4.2, supp.
# B). 8 GPUs x 4 videos: the paper gives no batch size. No validation (no
# labels).
_base_ = [
    '../_base_/models/r3d50.py', '../_base_/semi/timebalance.py',
    '../_base_/datasets/timebalance-ssl_kinetics400.py',
    '../_base_/schedules/timebalance_adam-plateau.py',
    '../_base_/default_runtime.py',
]
model = dict(_base_.ssl_model, _delete_=True, recognizer=_base_.model)
train_cfg = dict(max_epochs=100)
val_cfg = None
test_cfg = None
default_hooks = dict(
    checkpoint=dict(interval=5, by_epoch=True, save_best=None))
