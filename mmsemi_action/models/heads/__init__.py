from .projection_head import DINOProjectionHead, MLPProjectionHead

__all__ = ['MLPProjectionHead', 'DINOProjectionHead']
