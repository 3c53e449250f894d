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
    """InfoNCE between two modalities of the same clips.

    With ``z = [q_1..q_N, k_1..k_N]`` L2-normalised, each embedding's
    positive is the other modality of its clip and its negatives are the
    other ``2N - 2`` embeddings (both modalities of the other clips, as in
    SimCLR's NT-Xent with cross-modal pairs):

    ``l_a = -log exp(z_a . z_a+ / tau) / sum_{b != a} exp(z_a . z_b / tau)``

    averaged over the ``2N`` anchors (Eq. 10 with one positive). In
    distributed training the keys of all ranks are gathered (with their
    gradient) and each rank averages over its own anchors, so the mean over
    ranks equals the loss of one process holding the whole batch.

    Args:
        temperature (float): tau. Defaults to 0.5 (LTG's official code).
        loss_weight (float): ``w_clr``. Defaults to 1.0.
    """

    def __init__(self, temperature: float = 0.5,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        self.temperature = temperature
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
        negatives = torch.ones_like(logits, dtype=torch.bool)
        negatives[rows, own] = False
        negatives[rows, positive] = False
        loss = info_nce_terms(logits, rows, positive, negatives).mean()
        return self.loss_weight * loss
