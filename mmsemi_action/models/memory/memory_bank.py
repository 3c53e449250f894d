"""MoCo-style FIFO bank of features with their pseudo-labels."""
import torch
from mmengine.dist import all_gather, get_world_size, is_distributed
from torch import Tensor

from .staged_state import StagedStateModule


def gather_from_ranks(x: Tensor) -> Tensor:
    """``(N, ...)`` per rank -> ``(world_size * N, ...)`` in rank order,
    without gradient; ``x`` itself outside distributed runs."""
    if not is_distributed() or get_world_size() == 1:
        return x
    return torch.cat(all_gather(x.contiguous()))


class MemoryBank(StagedStateModule):
    """A first-in-first-out queue of ``size`` feature vectors and their
    labels (He et al., MoCo, CVPR 2020; ACL+MTL's momentum memory bank M,
    Sec. 3.3).

    The bank is a set of buffers (``feats``, ``labels``, ``ptr``), so it is
    saved in every checkpoint and a resumed run continues with the same
    bank. Empty slots have label ``-1``. :meth:`enqueue` gathers the
    entries of all ranks before writing them, in rank order, so every rank
    holds the same bank.

    In training a method calls :meth:`stage` with its step's entries and
    :class:`MemoryBankUpdateHook` enqueues them after the optimizer step
    (:class:`StagedStateModule`); the next step's forward sees them, as a
    MoCo queue updated at the end of a step. :meth:`enqueue` writes at
    once.

    Args:
        size (int): number of slots K.
        dim (int): feature size D.
    """

    def __init__(self, size: int, dim: int) -> None:
        super().__init__()
        if size < 1 or dim < 1:
            raise ValueError(
                f'MemoryBank size and dim must be >= 1, got {size}, {dim}')
        self.size = size
        self.register_buffer('feats', torch.zeros(size, dim))
        self.register_buffer('labels', torch.full((size, ), -1,
                                                  dtype=torch.long))
        self.register_buffer('ptr', torch.zeros((), dtype=torch.long))

    @property
    def valid(self) -> Tensor:
        """``(K,)`` bool: slots that hold an entry."""
        return self.labels >= 0

    @property
    def fill(self) -> float:
        """Share of slots in use."""
        return float(self.valid.float().mean())

    def stage(self, feats: Tensor, labels: Tensor) -> None:
        """Keep this rank's ``(N, D)`` features and ``(N,)`` labels (>= 0)
        for the enqueue after the optimizer step."""
        super().stage(feats=feats, labels=labels)

    def apply_update(self, feats: Tensor, labels: Tensor) -> None:
        self.enqueue(feats, labels)

    @torch.no_grad()
    def enqueue(self, feats: Tensor, labels: Tensor) -> None:
        """Write ``(N, D)`` features and ``(N,)`` labels (>= 0) of every
        rank over the oldest entries."""
        feats = gather_from_ranks(feats.detach())
        labels = gather_from_ranks(labels.detach().long())
        if feats.shape[0] > self.size:  # keep the newest ``size``
            feats, labels = feats[-self.size:], labels[-self.size:]
        slots = (self.ptr + torch.arange(
            feats.shape[0], device=self.ptr.device)) % self.size
        self.feats[slots] = feats.to(self.feats.dtype)
        self.labels[slots] = labels
        self.ptr.copy_((self.ptr + feats.shape[0]) % self.size)
