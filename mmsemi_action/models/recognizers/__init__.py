from .acl_mtl import ACLMTLRecognizer, cross_scale_calibration
from .cmpl import CMPLRecognizer
from .co_training import CoTrainingRecognizer
from .finepseudo import FinePseudoRecognizer
from .frame_contrastive import FrameContrastiveModel
from .fixmatch import FixMatchRecognizer
from .ltg import LTGRecognizer
from .mean_teacher import MeanTeacherRecognizer
from .semi_base import SemiBaseRecognizer
from .temporal_ssl import TemporalSelfSupervisedModel
from .timebalance import TimeBalanceRecognizer

__all__ = [
    'SemiBaseRecognizer', 'FixMatchRecognizer', 'MeanTeacherRecognizer',
    'CoTrainingRecognizer', 'CMPLRecognizer', 'LTGRecognizer',
    'ACLMTLRecognizer', 'cross_scale_calibration',
    'TemporalSelfSupervisedModel', 'TimeBalanceRecognizer',
    'FinePseudoRecognizer', 'FrameContrastiveModel'
]
