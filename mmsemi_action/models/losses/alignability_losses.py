"""FinePseudo's alignability-verification losses (Sec. 3.1, Eq. 2, 4)."""
from typing import Tuple

import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from torch import Tensor, nn


@torch.no_grad()
def hard_negative_triplets(dist: Tensor,
                           labels: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
    """Triplets ``(i, j, k)`` of a mini-batch: every anchor ``i``, every
    positive ``j != i`` of its class, and the hardest negative ``k``: the
    video of another class closest to ``i`` in alignment distance (Sec.
    3.1: "hard-negative mining ... from the same mini-batch"). The paper
    picks "another instance of the same class as positive", one per
    anchor; taking every positive is our choice (an anchor of a class
    with more videos in the batch counts more in the mean).

    Args:
        dist (Tensor): ``(N, N)`` alignment distances ``D``.
        labels (Tensor): ``(N, )`` class indices.

    Returns:
        tuple: anchors, positives, negatives, each ``(P, )`` long (empty
        when no anchor has both a positive and a negative).
    """
    same = labels[:, None] == labels[None, :]
    eye = torch.eye(len(labels), dtype=torch.bool, device=labels.device)
    positive = same & ~eye
    negative_dist = dist.detach().masked_fill(same, float('inf'))
    hardest = negative_dist.argmin(1)
    has_negative = (~same).any(1)
    anchors, positives = (positive & has_negative[:, None]).nonzero(
        as_tuple=True)
    return anchors, positives, hardest[anchors]


@MODELS.register_module()
class AlignabilityTripletLoss(nn.Module):
    """``L_AT`` (Eq. 2): ``[D(v_i, v_j) - D(v_i, v_k) + m]_+`` over the
    triplets of :func:`hard_negative_triplets`, averaged over triplets
    (Eq. 2 sums over the batch; the mean keeps the loss scale independent
    of the batch size: our choice).

    Args:
        margin (float): ``m``. Defaults to 0.2 (distances are per-frame
            soft-DTW costs of cosine distances, see
            :func:`pairwise_soft_dtw`; the paper's value is in its
            unavailable supplementary).
        loss_weight (float): defaults to 1.
    """

    def __init__(self, margin: float = 0.2, loss_weight: float = 1.0) -> None:
        super().__init__()
        self.margin = margin
        self.loss_weight = loss_weight

    def forward(self, dist: Tensor, anchors: Tensor, positives: Tensor,
                negatives: Tensor) -> Tensor:
        if anchors.numel() == 0:
            return dist.sum() * 0
        terms = F.relu(dist[anchors, positives] - dist[anchors, negatives] +
                       self.margin)
        return self.loss_weight * terms.mean()


@MODELS.register_module()
class AlignabilityScoreLoss(nn.Module):
    """``omega * L_Score`` (Eq. 4-5): binary cross-entropy of the score
    ``S = sigmoid(f_S(D))`` over every pair ``(i, j)``, ``i != j``, of the
    mini-batch, target 1 for pairs of one class and 0 otherwise, the
    positive and the negative pairs weighted equally (the mean of the two
    means). The paper does not say which pairs; every pair (not only the
    mined hard ones, whose distances barely separate early in training)
    calibrates ``S`` on the kind of pairs the gallery scoring meets: our
    choice.

    Args:
        loss_weight (float): ``omega``. Defaults to 1.
    """

    def __init__(self, loss_weight: float = 1.0) -> None:
        super().__init__()
        self.loss_weight = loss_weight

    def forward(self, logits: Tensor, labels: Tensor) -> Tensor:
        """``logits``: ``(N, N)`` ``f_S(D)`` of every pair; ``labels``:
        ``(N, )``."""
        same = labels[:, None] == labels[None, :]
        off = ~torch.eye(len(labels), dtype=torch.bool, device=labels.device)
        terms = F.binary_cross_entropy_with_logits(
            logits, same.to(logits.dtype), reduction='none')
        parts = [terms[mask].mean() for mask in (same & off, ~same)
                 if mask.any()]
        if not parts:
            return logits.sum() * 0
        return self.loss_weight * sum(parts) / len(parts)
