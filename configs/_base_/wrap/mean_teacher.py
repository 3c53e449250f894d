# Mean Teacher around any MMAction2 recognizer: everything but the model and
# the data. Inherit it after the recognizer's model config and write
#   model = dict(_delete_=True, recognizer=_base_.model, **_base_.semi_model)
# plus train/val/test dataloaders whose MultiBranch pipelines build the
# branches the method needs (SemiIterBasedTrainLoop names any that is
# missing). Runtime and schedule: ./runtime.py.
_base_ = ['./runtime.py', '../semi/mean_teacher.py']
