from .adaptive_contrastive_loss import AdaptiveContrastiveLoss
from .consistency_losses import MaskedCrossEntropyLoss, SoftmaxMSELoss
from .dino_loss import DINOCrossEntropyLoss
from .feature_alignment_loss import FeatureAlignmentLoss
from .info_nce_loss import CrossModalInfoNCELoss

__all__ = [
    'MaskedCrossEntropyLoss', 'SoftmaxMSELoss', 'FeatureAlignmentLoss',
    'CrossModalInfoNCELoss', 'AdaptiveContrastiveLoss', 'DINOCrossEntropyLoss'
]
