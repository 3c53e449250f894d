"""Model state written after the optimizer step, from what a training step
staged (memory banks, class prototypes, DINO centres)."""
from typing import Dict, Optional

from torch import Tensor, nn


class StagedStateModule(nn.Module):
    """A module whose buffers a training step does not write itself: the
    forward stages the (detached) values of the update (:meth:`stage`) and
    :class:`MemoryBankUpdateHook` applies them after the optimizer step
    (:meth:`commit`), as :class:`EMATeacherHook` updates the teacher. The
    buffers a loss reads are those the previous steps wrote, and the
    update is a piece any method can attach: the hook updates every such
    module of the model, whichever method owns it.

    Only the buffers are saved in checkpoints; the hook commits before
    ``CheckpointHook`` saves (priority), so nothing staged is ever lost.

    A second :meth:`stage` before a :meth:`commit` raises: the update of
    the previous step was never applied (no hook), and the state would
    otherwise stay silently stale.

    Subclasses implement :meth:`apply_update`.
    """

    def __init__(self) -> None:
        super().__init__()
        self._staged: Optional[Dict[str, Tensor]] = None

    @property
    def has_staged(self) -> bool:
        """Whether an update waits for :meth:`commit`."""
        return self._staged is not None

    def stage(self, **tensors: Tensor) -> None:
        """Keep detached ``tensors`` for :meth:`apply_update`."""
        if self._staged is not None:
            raise RuntimeError(
                f'{type(self).__name__}: the update staged by the previous '
                'training step was never applied. Its state is written by '
                'MemoryBankUpdateHook after the optimizer step: add '
                "dict(type='MemoryBankUpdateHook') to custom_hooks "
                '(SemiIterBasedTrainLoop registers it when missing), or '
                'call MemoryBankUpdateHook.update(model) after each step '
                'outside a runner')
        self._staged = {k: v.detach() for k, v in tensors.items()}

    def commit(self) -> bool:
        """Apply the staged update, if any; returns whether there was one.
        """
        if self._staged is None:
            return False
        staged, self._staged = self._staged, None
        self.apply_update(**staged)
        return True

    def discard(self) -> None:
        """Forget the staged update."""
        self._staged = None

    def apply_update(self, **staged: Tensor) -> None:
        """Write the buffers from the tensors given to :meth:`stage`."""
        raise NotImplementedError
