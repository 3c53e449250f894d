"""Unsupervised losses on unlabeled clips, with a per-sample mask."""
import torch.nn.functional as F
from mmaction.registry import MODELS
from torch import Tensor, nn

from ..utils import soft_or_hard_cross_entropy


class _MaskedLoss(nn.Module):
    """Mean over *all* N unlabeled samples of ``mask * per_sample_loss``,
    times ``loss_weight`` (FixMatch's ``1 / (mu B) sum 1(max p >= tau) H``).
    """

    def __init__(self, loss_weight: float = 1.0) -> None:
        super().__init__()
        self.loss_weight = loss_weight

    def per_sample(self, logits: Tensor, target: Tensor) -> Tensor:
        raise NotImplementedError

    def forward(self, logits: Tensor, target: Tensor,
                mask: Tensor = None) -> Tensor:
        """
        Args:
            logits (Tensor): ``(N, C)`` student scores.
            target (Tensor): ``(N,)`` pseudo-labels or ``(N, C)``
                probabilities; must not require grad.
            mask (Tensor, optional): ``(N,)`` per-sample weights.
        """
        loss = self.per_sample(logits, target.detach())
        if mask is not None:
            loss = loss * mask
        return self.loss_weight * loss.mean()


@MODELS.register_module()
class MaskedCrossEntropyLoss(_MaskedLoss):
    """Cross-entropy with hard or soft pseudo-labels (FixMatch Eq. 2)."""

    def per_sample(self, logits, target):
        return soft_or_hard_cross_entropy(logits, target)


@MODELS.register_module()
class SoftmaxMSELoss(_MaskedLoss):
    """Mean Teacher's consistency: squared error between the student's and
    the teacher's class probabilities, averaged over classes.

    ``target`` holds the teacher's probabilities ``(N, C)``.
    """

    def per_sample(self, logits, target):
        return F.mse_loss(
            logits.softmax(1), target, reduction='none').mean(1)
