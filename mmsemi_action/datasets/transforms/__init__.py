from .multi_branch import MultiBranch
from .multi_view_frames import (SampleMultiViewFrames, SelectViewFrames,
                                TemporalGradient)
from .rand_augment import RandAugmentVideo

__all__ = [
    'MultiBranch', 'RandAugmentVideo', 'SampleMultiViewFrames',
    'SelectViewFrames', 'TemporalGradient'
]
