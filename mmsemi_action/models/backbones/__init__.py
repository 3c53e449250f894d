from .frame_transformer import FrameTransformer

__all__ = ['FrameTransformer']
