from .class_prototypes import ClassPrototypes
from .memory_bank import MemoryBank, gather_from_ranks
from .staged_state import StagedStateModule

__all__ = ['ClassPrototypes', 'MemoryBank', 'StagedStateModule',
           'gather_from_ranks']
