from .class_prototypes import ClassPrototypes
from .memory_bank import MemoryBank

__all__ = ['ClassPrototypes', 'MemoryBank']
