# Mean Teacher (Tarvainen & Valpola 2017): EMA teacher (m = 0.999) on the
# weak view, softmax-MSE consistency on the student's strong view with a
# sigmoid ramp-up of its weight.
semi_model = dict(
    type='MeanTeacherRecognizer',
    with_teacher=True,
    semi_train_cfg=dict(
        unsup_weight=10.0,
        rampup_iters=200,
        consistency_loss=dict(type='SoftmaxMSELoss')),
    semi_test_cfg=dict(predict_on='teacher'))
custom_hooks = [dict(type='EMATeacherHook', momentum=0.999)]
