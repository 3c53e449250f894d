from .multi_branch import MultiBranch
from .rand_augment import RandAugmentVideo

__all__ = ['MultiBranch', 'RandAugmentVideo']
