from .cmpl import CMPLRecognizer
from .fixmatch import FixMatchRecognizer
from .mean_teacher import MeanTeacherRecognizer
from .semi_base import SemiBaseRecognizer

__all__ = [
    'SemiBaseRecognizer', 'FixMatchRecognizer', 'MeanTeacherRecognizer',
    'CMPLRecognizer'
]
