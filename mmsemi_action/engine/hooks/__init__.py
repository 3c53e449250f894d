from .ema_teacher_hook import EMATeacherHook
from .memory_bank_update_hook import MemoryBankUpdateHook
from .precise_bn_hook import SemiPreciseBNHook
from .pseudo_label_filter_hook import PseudoLabelFilterHook
from .rng_state_hook import RNGStateHook
from .train_loss_plateau_hook import TrainLossPlateauHook

__all__ = ['EMATeacherHook', 'MemoryBankUpdateHook', 'RNGStateHook',
           'SemiPreciseBNHook', 'TrainLossPlateauHook',
           'PseudoLabelFilterHook']
