"""Class prototypes as exponential moving averages of labeled features."""
from typing import Tuple

import torch
import torch.nn.functional as F
from mmengine.dist import all_reduce
from torch import Tensor

from .staged_state import StagedStateModule


class ClassPrototypes(StagedStateModule):
    """One prototype per class, ``X_t = (1 - beta) f^l + beta X_{t-1}``
    (ACL+MTL Eq. 4-5, beta = 0.9).

    Where the paper is silent:

    * the features of a batch are L2-normalised (prototypes are only used
      through cosine similarities, Eq. 8) and averaged per class over the
      batch of all ranks, then one EMA step is taken per class present;
    * a class's first batch sets its prototype (no average with zeros);
      ``initialized`` records which classes have one.

    Buffers (saved in checkpoints): ``prototypes`` ``(C, D)``,
    ``initialized`` ``(C,)``. Every rank holds the same prototypes: per
    class sums and counts are all-reduced before the update.

    Algorithm 1 updates the prototypes *before* the step's contrastive
    loss (line 2), so in training :meth:`stage_update` computes the
    updated prototypes (all-reduced) for this step's loss and stages them;
    :class:`MemoryBankUpdateHook` writes them after the optimizer step
    (:class:`StagedStateModule`). :meth:`update` writes at once.

    Args:
        num_classes (int): C.
        dim (int): feature size D.
        momentum (float): beta. Defaults to 0.9.
    """

    def __init__(self, num_classes: int, dim: int,
                 momentum: float = 0.9) -> None:
        super().__init__()
        if not 0 <= momentum < 1:
            raise ValueError(
                f'ClassPrototypes momentum must be in [0, 1), got {momentum}')
        self.momentum = momentum
        self.register_buffer('prototypes', torch.zeros(num_classes, dim))
        self.register_buffer('initialized',
                             torch.zeros(num_classes, dtype=torch.bool))

    @torch.no_grad()
    def updated(self, feats: Tensor, labels: Tensor) -> Tuple[Tensor, Tensor]:
        """Prototypes ``(C, D)`` and ``initialized`` ``(C,)`` after one EMA
        step from labeled features ``(N, D)`` and labels ``(N,)`` (this
        rank's; all ranks are combined); the buffers are not written."""
        feats = F.normalize(feats.detach().float(), dim=1)
        num_classes = self.prototypes.shape[0]
        sums = torch.zeros_like(self.prototypes).index_add_(0, labels, feats)
        counts = torch.bincount(labels, minlength=num_classes).float()
        all_reduce(sums)  # in place, sum over ranks
        all_reduce(counts)
        seen = counts > 0
        means = sums[seen] / counts[seen, None]
        old = self.prototypes[seen]
        fresh = ~self.initialized[seen]
        new = (1 - self.momentum) * means + self.momentum * old
        new[fresh] = means[fresh]
        prototypes = self.prototypes.clone()
        prototypes[seen] = new
        return prototypes, self.initialized | seen

    def stage_update(self, feats: Tensor,
                     labels: Tensor) -> Tuple[Tensor, Tensor]:
        """:meth:`updated`, staged for the hook and returned for this
        step's loss."""
        prototypes, initialized = self.updated(feats, labels)
        self.stage(prototypes=prototypes, initialized=initialized)
        return prototypes, initialized

    @torch.no_grad()
    def apply_update(self, prototypes: Tensor, initialized: Tensor) -> None:
        self.prototypes.copy_(prototypes)
        self.initialized.copy_(initialized)

    def update(self, feats: Tensor, labels: Tensor) -> None:
        """One EMA step, written at once."""
        self.apply_update(*self.updated(feats, labels))
