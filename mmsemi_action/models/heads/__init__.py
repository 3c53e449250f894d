from .alignability_score_head import AlignabilityScoreHead
from .projection_head import DINOProjectionHead, MLPProjectionHead

__all__ = ['MLPProjectionHead', 'DINOProjectionHead', 'AlignabilityScoreHead']
