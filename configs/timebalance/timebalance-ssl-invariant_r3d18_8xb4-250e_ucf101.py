# TimeBalance stage 1, the temporally-invariant teacher f_I (L_I, Eq. 1): the
# distinctive config with L_I, which reads the n clips only.
_base_ = './timebalance-ssl-distinctive_r3d18_8xb4-250e_ucf101.py'
model = dict(objective='invariant')
train_dataloader = dict(dataset=dict(pipeline=_base_.clip_pipeline))
