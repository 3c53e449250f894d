# What every configs/_base_/wrap/<method>.py adds around a recognizer:
# runtime (plugin import, iteration-based logging and checkpoints, random
# states in checkpoints), SGD + cosine schedule of 45k iterations with
# validation and checkpoints every 5000, teacher/student validation and
# top-1/top-5 evaluation. Override train_cfg / param_scheduler /
# optim_wrapper in your config as usual (epoch-based settings are converted
# by SemiIterBasedTrainLoop).
_base_ = ['../default_runtime.py', '../schedules/sgd_cosine_45k-iter.py']
default_hooks = dict(checkpoint=dict(interval=5000))
val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator
