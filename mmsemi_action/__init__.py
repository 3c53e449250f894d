"""mmsemi_action: semi-supervised action recognition for MMAction2.

Importing the package applies the fixes of :mod:`mmsemi_action.compat` (so
the pinned stack imports and loads its own checkpoints) and registers the
plugin's modules into MMAction2's registries.
"""
from . import compat

compat.apply_all()

from . import datasets, engine, models  # noqa: E402,F401

__version__ = '0.1.0'
