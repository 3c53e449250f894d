"""The two contrastive losses ACL+MTL compares ACL with (Wang et al., ACM
MM 2024, Table 3): MoCo (queue negatives) and SimCLR (in-batch
negatives), on the package's InfoNCE core (:func:`info_nce_terms`)."""
import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.dist import get_rank
from torch import Tensor, nn

from ..dist_utils import all_gather_with_grad
from .info_nce_loss import info_nce_terms


@MODELS.register_module()
class MoCoInfoNCELoss(nn.Module):
    """MoCo's InfoNCE (He et al., CVPR 2020, Eq. 1): query ``q_i`` (the
    student's strong-view embedding ``f^a``), positive key ``k_i`` (the
    momentum encoder's weak-view embedding ``f^p``), negatives the queue
    (:class:`MemoryBank`, filled slots only):

    ``-log exp(q_i . k_i / tau) / (exp(q_i . k_i / tau) +
    sum_{m in M} exp(q_i . m / tau))``, averaged over the queries.

    This is ACL's Eq. 11 with ``N^+ = {f^p}`` for every anchor (its
    "unreliable" branch): no prototypes, no GMM, pseudo-labels unused.
    Embeddings are L2-normalised here; keys and queue get no gradient.

    Args:
        temperature (float): tau. Defaults to 0.07 (ACL's).
        loss_weight (float): Defaults to 1.0.
    """

    def __init__(self, temperature: float = 0.07,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        self.temperature = temperature
        self.loss_weight = loss_weight

    def forward(self, queries: Tensor, keys: Tensor, bank_feats: Tensor,
                bank_valid: Tensor) -> Tensor:
        """
        Args:
            queries (Tensor): ``(A, D)`` with gradient.
            keys (Tensor): ``(A, D)`` positive keys.
            bank_feats (Tensor): ``(K, D)`` the queue.
            bank_valid (Tensor): ``(K,)`` bool, filled slots.
        """
        q = F.normalize(queries, dim=1)
        k = F.normalize(keys.detach(), dim=1).to(q.dtype)
        bank = F.normalize(bank_feats.detach(), dim=1).to(q.dtype)
        logits = torch.cat([(q * k).sum(1, keepdim=True), q @ bank.t()],
                           1) / self.temperature  # (A, 1 + K)
        rows = torch.arange(q.shape[0], device=q.device)
        negatives = torch.cat([
            torch.zeros_like(bank_valid[:1], dtype=torch.bool),
            bank_valid.bool()
        ])[None].expand(q.shape[0], -1)
        terms = info_nce_terms(logits, rows, torch.zeros_like(rows),
                               negatives)
        return self.loss_weight * terms.mean()


@MODELS.register_module()
class SimCLRInfoNCELoss(nn.Module):
    """SimCLR's NT-Xent (Chen et al., ICML 2020, Eq. 1): two views ``a_i``,
    ``b_i`` of clip ``i`` from the same network, both with gradient; each
    of the ``2N`` embeddings is an anchor whose positive is the other view
    of its clip and whose negatives are the other ``2N - 2`` embeddings of
    the batch:

    ``l(i, j) = -log exp(s_ij / tau) / sum_{k != i} exp(s_ik / tau)``,
    averaged over the ``2N`` anchors (``s``: cosine similarity).

    In distributed training the embeddings of every rank are gathered with
    their gradient (:func:`all_gather_with_grad`), so the global batch
    gives the negatives and the mean over ranks is the loss of one process
    holding the whole batch.

    Args:
        temperature (float): tau. Defaults to 0.07 (ACL's).
        loss_weight (float): Defaults to 1.0.
    """

    def __init__(self, temperature: float = 0.07,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        self.temperature = temperature
        self.loss_weight = loss_weight

    def forward(self, a: Tensor, b: Tensor) -> Tensor:
        """
        Args:
            a (Tensor): ``(N, D)`` first views (e.g. strong).
            b (Tensor): ``(N, D)`` second views (e.g. weak), row ``i`` of
                the same clip as ``a[i]``.
        """
        if a.shape != b.shape:
            raise ValueError(f'SimCLRInfoNCELoss: views {tuple(a.shape)} '
                             f'and {tuple(b.shape)} differ')
        a, b = F.normalize(a, dim=1), F.normalize(b, dim=1)
        all_a, all_b = all_gather_with_grad(a), all_gather_with_grad(b)
        n, total = a.shape[0], all_a.shape[0]
        keys = torch.cat([all_a, all_b])  # (2 * total, D)
        logits = torch.cat([a, b]) @ keys.t() / self.temperature
        offset = get_rank() * n if total != n else 0
        local = torch.arange(n, device=a.device) + offset
        own = torch.cat([local, local + total])
        positive = torch.cat([local + total, local])
        rows = torch.arange(2 * n, device=a.device)
        negatives = torch.ones_like(logits, dtype=torch.bool)
        negatives[rows, own] = False
        negatives[rows, positive] = False
        terms = info_nce_terms(logits, rows, positive, negatives)
        return self.loss_weight * terms.mean()
