from .projection_head import MLPProjectionHead

__all__ = ['MLPProjectionHead']
