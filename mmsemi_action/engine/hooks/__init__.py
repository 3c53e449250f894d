from .ema_teacher_hook import EMATeacherHook
from .precise_bn_hook import SemiPreciseBNHook
from .rng_state_hook import RNGStateHook

__all__ = ['EMATeacherHook', 'RNGStateHook', 'SemiPreciseBNHook']
