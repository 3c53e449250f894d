# TimeBalance (Dave et al., CVPR 2023) at the paper's settings: the
# self-supervised stage-1 model (n = 4 clips, tau = 0.1; g = Linear-BN-
# ReLU-Linear-BN to 128, supp. B.1.2) and the student (Eq. 7-8: TSTR
# reweighting, L2 distance on softmax outputs, labeled and unlabeled clips;
# omega = 1: the paper gives no value). Configs set `recognizer` (the
# teachers default to its architecture); tools/timebalance/train.py sets
# `teacher_checkpoints`.
ssl_model = dict(
    type='TemporalSelfSupervisedModel',
    objective='distinctive',
    num_clips=4,
    temperature=0.1)
student_model = dict(
    type='TimeBalanceRecognizer',
    teacher_checkpoints=dict(
        invariant='work_dirs/timebalance/teacher_invariant/final.pth',
        distinctive='work_dirs/timebalance/teacher_distinctive/final.pth'),
    semi_train_cfg=dict(
        unsup_weight=1.0,
        reweighting=True,
        teachers=('invariant', 'distinctive'),
        distill_loss=dict(type='SoftmaxMSELoss', class_reduction='sum')))
