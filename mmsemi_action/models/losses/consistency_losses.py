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
    """Squared error between the student's class probabilities and a
    teacher's: Mean Teacher's consistency (averaged over classes, the
    default) or TimeBalance's Eq. 8 ``(p_T - p_S)^2`` (``class_reduction=
    'sum'``: the squared L2 distance).

    ``target`` holds the teacher's probabilities ``(N, C)``.

    Args:
        class_reduction (str): ``'mean'`` or ``'sum'`` over classes.
        loss_weight (float): Defaults to 1.0.
    """

    def __init__(self, class_reduction: str = 'mean',
                 loss_weight: float = 1.0) -> None:
        super().__init__(loss_weight)
        if class_reduction not in ('mean', 'sum'):
            raise ValueError("SoftmaxMSELoss: class_reduction must be 'mean' "
                             f"or 'sum', got {class_reduction!r}")
        self.class_reduction = class_reduction

    def per_sample(self, logits, target):
        error = F.mse_loss(logits.softmax(1), target, reduction='none')
        return getattr(error, self.class_reduction)(1)


@MODELS.register_module()
class SoftmaxKLLoss(_MaskedLoss):
    """``KL(p_T || p_S)`` of a teacher's probabilities ``p_T`` (``target``)
    and the student's softmax (TimeBalance's KL ablation)."""

    def per_sample(self, logits, target):
        return F.kl_div(logits.log_softmax(1), target,
                        reduction='none').sum(1)


@MODELS.register_module()
class SoftmaxJSLoss(_MaskedLoss):
    """Jensen-Shannon divergence of a teacher's probabilities (``target``)
    and the student's softmax, natural log (TimeBalance's JS ablation)."""

    def per_sample(self, logits, target):
        p_s = logits.softmax(1)
        log_m = (0.5 * (p_s + target)).clamp_min(1e-12).log()
        return 0.5 * (F.kl_div(log_m, target, reduction='none').sum(1) +
                      F.kl_div(log_m, p_s, reduction='none').sum(1))
