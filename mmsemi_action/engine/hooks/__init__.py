from .ema_teacher_hook import EMATeacherHook
from .rng_state_hook import RNGStateHook

__all__ = ['EMATeacherHook', 'RNGStateHook']
