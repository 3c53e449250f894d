"""ACL's adaptive contrastive loss with GMM-reliable positives (Wang et
al., "Learning Discriminative Spatio-temporal Representations for
Semi-supervised Action Recognition", ACM MM 2024, Sec. 3.3)."""
from typing import Tuple

import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from torch import Tensor, nn

from ..gaussian_mixture import fit_two_gaussians


@MODELS.register_module()
class AdaptiveContrastiveLoss(nn.Module):
    """Adaptive contrastive learning against a memory bank M.

    For unlabeled clip ``i`` with pseudo-label ``y_i``, candidate set
    ``{f^p_i} u M`` (``f^p``: the teacher's weak-view embedding):

    * :meth:`select_positives` (Eq. 7-10): the initial positives
      ``N^+_0 = {f in M | y(f) = y_i} u {f^p_i}``, their cosine similarity
      to the prototype of ``y_i`` (Eq. 8), a two-component 1-D Gaussian
      mixture over those similarities (Eq. 9) whose posterior of the
      high-similarity component is each one's reliability ``gamma``, and
      ``N^+ = {gamma > eps}`` (Eq. 10). A reliable anchor (``gamma(f^p_i)
      > eps``) takes ``N^+`` as positives and ``M - N^+`` as negatives;
      an unreliable one takes ``{f^p_i}`` against the whole bank.
    * :meth:`forward` (Eq. 11): ``-log sum_{N+} exp(f^a . f / tau) /
      sum_{candidates} exp(f^a . f / tau)``, averaged over anchors; the
      denominator is ``N^+ u (M - N^+)`` = all candidates in both cases.

    Choices where the paper is silent:

    * a fresh GMM per anchor and iteration (vectorised over anchors, EM
      from the extreme values, ``gmm_iters`` steps, see
      :func:`fit_two_gaussians`); no state is kept between iterations;
    * an anchor whose class has no prototype yet, or with fewer than
      ``min_gmm_samples`` values in ``N^+_0`` (too few bank neighbours to
      fit two Gaussians), gets ``gamma = 0``: unreliable branch and no
      weight in ``L_u``;
    * ``use_anchor_reliability=False`` (the paper's ablation) always takes
      ``N^+ u {f^p_i}`` as positives.

    Args:
        temperature (float): tau. Defaults to 0.07.
        reliability_threshold (float): eps. Defaults to 0.7.
        use_anchor_reliability (bool): Defaults to True.
        min_gmm_samples (int): Defaults to 4.
        gmm_iters (int): EM steps. Defaults to 20.
        reg_covar (float): variance floor of the GMM. Defaults to 1e-6.
        loss_weight (float): mu_2. Defaults to 1.0.
    """

    def __init__(self,
                 temperature: float = 0.07,
                 reliability_threshold: float = 0.7,
                 use_anchor_reliability: bool = True,
                 min_gmm_samples: int = 4,
                 gmm_iters: int = 20,
                 reg_covar: float = 1e-6,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if min_gmm_samples < 2:
            raise ValueError(
                f'min_gmm_samples must be >= 2, got {min_gmm_samples}')
        self.temperature = temperature
        self.reliability_threshold = reliability_threshold
        self.use_anchor_reliability = use_anchor_reliability
        self.min_gmm_samples = min_gmm_samples
        self.gmm_iters = gmm_iters
        self.reg_covar = reg_covar
        self.loss_weight = loss_weight

    @torch.no_grad()
    def select_positives(self, positives: Tensor, labels: Tensor,
                         bank_feats: Tensor, bank_labels: Tensor,
                         prototypes: Tensor, has_prototype: Tensor
                         ) -> Tuple[Tensor, Tensor, Tensor]:
        """Eq. 7-10 for ``A`` anchors.

        Args:
            positives (Tensor): ``(A, D)`` naive positives ``f^p``.
            labels (Tensor): ``(A,)`` pseudo-labels.
            bank_feats (Tensor): ``(K, D)`` bank features.
            bank_labels (Tensor): ``(K,)`` their labels, ``-1`` = empty.
            prototypes (Tensor): ``(C, D)`` class prototypes.
            has_prototype (Tensor): ``(C,)`` bool.

        Returns:
            tuple: ``positive_mask`` ``(A, 1 + K)`` over the candidates
            ``[f^p_i, M]``, the anchors' reliability ``gamma`` ``(A,)``
            and whether each anchor was treated as reliable ``(A,)``.
        """
        proto = F.normalize(prototypes[labels].float(), dim=1)  # (A, D)
        sims = torch.cat([
            (F.normalize(positives.float(), dim=1) * proto).sum(
                1, keepdim=True),
            proto @ F.normalize(
                bank_feats.float(), dim=1).t()
        ], 1)  # (A, 1 + K), Eq. 8
        same_class = bank_labels[None, :] == labels[:, None]
        own = torch.ones_like(labels[:, None], dtype=torch.bool)
        initial = torch.cat([own, same_class], 1)  # Eq. 7
        fitted = has_prototype[labels] & (
            initial.sum(1) >= self.min_gmm_samples)
        gamma = torch.zeros_like(sims)
        if fitted.any():
            resp, (_, means, _) = fit_two_gaussians(
                sims[fitted], initial[fitted], self.gmm_iters,
                self.reg_covar)
            high = means.argmax(1)  # the component closer to the prototype
            gamma[fitted] = resp.gather(
                2, high[:, None, None].expand(-1, resp.shape[1], 1))[..., 0]
        selected = initial & (gamma > self.reliability_threshold)  # Eq. 10
        anchor_gamma = gamma[:, 0]
        reliable = selected[:, 0]
        if self.use_anchor_reliability:
            only_own = torch.zeros_like(selected)
            only_own[:, 0] = True
            positive_mask = torch.where(reliable[:, None], selected, only_own)
        else:
            positive_mask = selected.clone()
            positive_mask[:, 0] = True
        return positive_mask, anchor_gamma, reliable

    def forward(self, anchors: Tensor, positives: Tensor, bank_feats: Tensor,
                bank_valid: Tensor, positive_mask: Tensor) -> Tensor:
        """Eq. 11.

        Args:
            anchors (Tensor): ``(A, D)`` student strong-view embeddings
                ``f^a`` (with gradient).
            positives (Tensor): ``(A, D)`` naive positives ``f^p``.
            bank_feats (Tensor): ``(K, D)``.
            bank_valid (Tensor): ``(K,)`` bool, filled slots.
            positive_mask (Tensor): ``(A, 1 + K)`` from
                :meth:`select_positives`.

        All embeddings are L2-normalised here.
        """
        anchors = F.normalize(anchors, dim=1)
        positives = F.normalize(positives.detach(), dim=1)
        bank = F.normalize(bank_feats.detach(), dim=1).to(anchors.dtype)
        logits = torch.cat([(anchors * positives).sum(1, keepdim=True),
                            anchors @ bank.t()], 1) / self.temperature
        valid = torch.cat([
            torch.ones_like(bank_valid[:1]), bank_valid.bool()
        ])[None].expand_as(logits)
        denominator = logits.masked_fill(~valid, float('-inf')).logsumexp(1)
        numerator = logits.masked_fill(~(positive_mask & valid),
                                       float('-inf')).logsumexp(1)
        return self.loss_weight * (denominator - numerator).mean()
