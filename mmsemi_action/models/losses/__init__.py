from .adaptive_contrastive_loss import AdaptiveContrastiveLoss
from .alignability_losses import (AlignabilityScoreLoss,
                                  AlignabilityTripletLoss,
                                  hard_negative_triplets)
from .consistency_losses import (MaskedCrossEntropyLoss, SoftmaxJSLoss,
                                 SoftmaxKLLoss, SoftmaxMSELoss)
from .contrastive_variants import MoCoInfoNCELoss, SimCLRInfoNCELoss
from .dino_loss import DINOCrossEntropyLoss
from .feature_alignment_loss import FeatureAlignmentLoss
from .info_nce_loss import CrossModalInfoNCELoss, info_nce_terms
from .temporal_contrastive_loss import TemporalContrastiveLoss

__all__ = [
    'MaskedCrossEntropyLoss', 'SoftmaxMSELoss', 'FeatureAlignmentLoss',
    'CrossModalInfoNCELoss', 'AdaptiveContrastiveLoss',
    'DINOCrossEntropyLoss', 'SoftmaxKLLoss', 'SoftmaxJSLoss',
    'TemporalContrastiveLoss', 'info_nce_terms', 'MoCoInfoNCELoss',
    'SimCLRInfoNCELoss', 'AlignabilityTripletLoss', 'AlignabilityScoreLoss',
    'hard_negative_triplets'
]
