from .consistency_losses import MaskedCrossEntropyLoss, SoftmaxMSELoss
from .feature_alignment_loss import FeatureAlignmentLoss
from .info_nce_loss import CrossModalInfoNCELoss

__all__ = [
    'MaskedCrossEntropyLoss', 'SoftmaxMSELoss', 'FeatureAlignmentLoss',
    'CrossModalInfoNCELoss'
]
