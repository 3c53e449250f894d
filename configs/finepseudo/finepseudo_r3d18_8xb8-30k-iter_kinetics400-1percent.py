# FinePseudo on kinetics400 with 1% labels: f_E = 3D-ResNet18, f_A = a frame
# transformer on a 2D ResNet-50; 3 stages of 10k iterations (labeled set,
# then two pseudo-labelling rounds). Table 1 / 3 of the paper.
_base_ = [
    '../_base_/models/r3d18.py',
    '../_base_/models/frame-transformer_r50.py',
    '../_base_/datasets/finepseudo_kinetics400.py',
    '../_base_/schedules/finepseudo_sgd_cosine-restarts_30k-iter.py',
    '../_base_/default_runtime.py', '../_base_/semi/finepseudo.py'
]
model = dict(
    _delete_=True,
    recognizer=dict(
        _base_.model,
        cls_head=dict(_base_.model.cls_head, num_classes=_base_.num_classes)),
    aligner=_base_.aligner,
    **_base_.semi_model)
custom_hooks = [
    dict(
        _base_.pseudo_label_filter,
        milestones=_base_.milestones,
        pipeline=_base_.val_pipeline,
        num_workers=8)
]
# f_E from a self-supervised Kinetics-400 checkpoint (the paper: TCLR's,
# of the same architecture as f_E), its keys prefixed 'student.' first
# (tools/timebalance/ssl_to_recognizer.py CKPT OUT --prefix student.; a raw
# checkpoint would load nothing: the keys would not match), and f_A from a
# FrameContrastiveModel run (or any checkpoint), e.g.
#   load_from = 'checkpoints/tclr_student.pth'
#   model.aligner.init_cfg = dict(
#       type='Pretrained', checkpoint=..., prefix='aligner.')
