"""Save and restore the random generators of the training process."""
import random

import numpy as np
import torch
from mmaction.registry import HOOKS
from mmengine.hooks import Hook


@HOOKS.register_module()
class RNGStateHook(Hook):
    """Keep ``random``, ``numpy``, ``torch`` (and CUDA) generator states in
    every checkpoint and restore them when a run resumes.

    MMEngine reseeds on resume, so dropout masks (and any augmentation
    drawn in the main process) after iteration ``k`` would differ from an
    uninterrupted run. With this hook, and the per-sample seeding of
    :class:`SemiDataset`, a resumed run continues exactly. The state is
    restored in ``before_train`` (after MMEngine's own reseeding) and only
    when resuming, not for ``load_from``.
    """

    priority = 'LOWEST'

    def __init__(self) -> None:
        self._resumed_state = None

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        state = dict(
            python=random.getstate(),
            numpy=np.random.get_state(),
            torch=torch.get_rng_state())
        if torch.cuda.is_available() and torch.cuda.is_initialized():
            state['cuda'] = torch.cuda.get_rng_state_all()
        checkpoint['rng_state'] = state

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        self._resumed_state = checkpoint.get('rng_state')

    def before_train(self, runner) -> None:
        state, self._resumed_state = self._resumed_state, None
        if state is None or runner.iter == 0:
            return
        random.setstate(state['python'])
        np.random.set_state(state['numpy'])
        torch.set_rng_state(state['torch'].cpu())
        if 'cuda' in state and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(state['cuda'])
