"""The InfoNCE core of every contrastive loss of the package, and LTG's
cross-modal InfoNCE (Eq. 10; SimCLR / CMC style)."""
import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.dist import get_rank
from torch import Tensor, nn

from ..dist_utils import all_gather_with_grad


def info_nce_terms(logits: Tensor,
                   anchors: Tensor,
                   positives: Tensor,
                   negatives: Tensor,
                   positive_in_denominator: bool = True) -> Tensor:
    """InfoNCE over arbitrary (anchor, positive) pairs, each with its own
    negatives: ``-log(exp(l_ap) / (sum_{k in N_p} exp(l_ak) [+ exp(l_ap)]))``.

    Args:
        logits (Tensor): ``(A, K)`` anchor-key similarities over the
            temperature.
        anchors (Tensor): ``(P, )`` anchor (row) of each pair.
        positives (Tensor): ``(P, )`` positive key (column) of each pair.
        negatives (Tensor): ``(P, K)`` bool, the negative keys of each pair
            (TimeBalance's Eq. 1 gives every pair its own set).
        positive_in_denominator (bool): add the positive to the denominator
            (SimCLR / CMC / TCLR: a softmax cross-entropy); TimeBalance's
            Eq. 1 and 3 leave it out.

    Returns:
        Tensor: ``(P, )`` loss terms.
    """
    rows = logits[anchors]  # (P, K)
    pos = rows.gather(1, positives[:, None])[:, 0]
    neg = rows.masked_fill(~negatives, float('-inf')).logsumexp(1)
    if positive_in_denominator:
        neg = torch.logaddexp(neg, pos)
    return neg - pos


@MODELS.register_module()
class CrossModalInfoNCELoss(nn.Module):
    """InfoNCE between two modalities of the same clips (LTG, Eq. 10).

    ``q_i`` (RGB) and ``k_i`` (TG) are L2-normalised embeddings of clip
    ``i``; ``s(a, b) = a . b / tau``.

    - ``negatives='cross_modal'`` (default; the paper: "the two modalities
      of the same video clip as a positive pair and the two modalities of
      different video clips as negative pairs", following CMC, and the
      authors' code): the keys of an anchor are the other modality of every
      clip, so

      ``l_i^{q->k} = -log exp s(q_i, k_i) / sum_j exp s(q_i, k_j)``

      and the same with ``q`` and ``k`` swapped; the loss is the mean of
      the two directions, each averaged over its ``N`` anchors.
    - ``negatives='all'`` (SimCLR's NT-Xent with cross-modal pairs): the
      keys of an anchor are the other ``2N - 1`` embeddings of both
      modalities, so same-modality embeddings of other clips are negatives
      too; the mean over the ``2N`` anchors.

    In distributed training the keys of all ranks are gathered (with their
    gradient) and each rank averages over its own anchors, so the mean over
    ranks equals the loss of one process holding the whole batch.

    Args:
        temperature (float): tau. Defaults to 0.5 (LTG's official code).
        negatives (str): ``'cross_modal'`` (default) or ``'all'``.
        loss_weight (float): ``w_clr``. Defaults to 1.0.
    """

    negative_sets = ('cross_modal', 'all')

    def __init__(self, temperature: float = 0.5,
                 negatives: str = 'cross_modal',
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if negatives not in self.negative_sets:
            raise ValueError(f'CrossModalInfoNCELoss negatives must be one '
                             f'of {self.negative_sets}, got {negatives!r}')
        self.temperature = temperature
        self.negatives = negatives
        self.loss_weight = loss_weight

    def forward(self, q: Tensor, k: Tensor) -> Tensor:
        """
        Args:
            q (Tensor): ``(N, D)`` embeddings of modality 1 (RGB).
            k (Tensor): ``(N, D)`` embeddings of modality 2 (TG), row ``i``
                from the same clip as ``q[i]``.
        """
        if q.shape != k.shape:
            raise ValueError(f'CrossModalInfoNCELoss: q {tuple(q.shape)} and '
                             f'k {tuple(k.shape)} differ')
        q, k = F.normalize(q, dim=1), F.normalize(k, dim=1)
        all_q, all_k = all_gather_with_grad(q), all_gather_with_grad(k)
        n, total = q.shape[0], all_q.shape[0]
        keys = torch.cat([all_q, all_k])  # (2 * total, D)
        anchors = torch.cat([q, k])  # (2n, D)
        logits = anchors @ keys.t() / self.temperature
        offset = get_rank() * n if total != n else 0
        local = torch.arange(n, device=q.device) + offset
        own = torch.cat([local, local + total])  # each anchor's own column
        positive = torch.cat([local + total, local])
        rows = torch.arange(2 * n, device=q.device)
        if self.negatives == 'all':
            negatives = torch.ones_like(logits, dtype=torch.bool)
            negatives[rows, own] = False
        else:  # the other modality's columns only
            modality = torch.arange(2 * total, device=q.device) >= total
            negatives = modality[None, :] != (rows >= n)[:, None]
        negatives[rows, positive] = False
        # both directions have n anchors: the mean over 2n anchors is the
        # mean of the two directions' means
        loss = info_nce_terms(logits, rows, positive, negatives).mean()
        return self.loss_weight * loss
