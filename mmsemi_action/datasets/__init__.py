from .pseudo_label_dataset import PseudoLabelDataset
from .samplers import *  # noqa: F401,F403
from .semi_dataset import SemiDataset
from .semi_video_dataset import SemiVideoDataset
from .transforms import *  # noqa: F401,F403

__all__ = ['SemiDataset', 'SemiVideoDataset', 'PseudoLabelDataset']
