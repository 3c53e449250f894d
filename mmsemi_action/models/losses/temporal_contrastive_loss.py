"""TimeBalance's self-supervised objectives over ``n`` clips per video
(Dave et al., CVPR 2023, Eq. 1 and 3; supp. Fig. 7)."""
import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.dist import get_rank
from torch import Tensor, nn

from ..dist_utils import all_gather_with_grad
from .info_nce_loss import info_nce_terms

OBJECTIVES = ('invariant', 'distinctive', 'local_global')


@MODELS.register_module()
class TemporalContrastiveLoss(nn.Module):
    """Temporally-invariant (``L_I``, Eq. 1) or temporally-distinctive
    (``L_D1``, Eq. 3; ``L_D2``, supp. Fig. 7) contrast of the projections
    ``z`` of ``n`` clips of each video, with ``h(u, v) = exp(cos(u, v) /
    tau)``:

    * ``invariant``: ``L_I^(i) = - sum_{t1 != t2} log h(z_t1^i, z_t2^i) /
      sum_{j != i} [h(z_t1^i, z_t1^j) + h(z_t1^i, z_t2^j)]``: other clips
      of the same video are positives, the clips at the same two
      timestamps of every other video of the global batch are negatives
      (gathered across ranks, with their gradient).
    * ``distinctive``: ``L_D1^(i) = - sum_t1 log h(z_t1^i, z~_t1^i) /
      sum_{t2 != t1} [h(z_t1^i, z_t2^i) + h(z_t1^i, z~_t2^i)]``: the
      augmented copy ``z~`` of the same clip is the positive, the other
      clips of the same video and their copies are the negatives (no
      other video enters, so nothing is gathered).
    * ``local_global`` (``L_D2``, TCLR's local-global loss): ``z`` of the
      pooled short clips against ``z'``, the projections of the ``n``
      temporal slices of one long clip's unpooled feature map; the aligned
      slice is the positive, the other slices of the same video the
      negatives, in both directions (slice as anchor too), as a softmax
      cross-entropy over the ``n`` candidates (positive in the
      denominator, as in TCLR).

    As written in the paper, the positive is not in the denominator of
    ``L_I`` and ``L_D1``. The loss is the mean over the videos of the rank
    of the per-video sums (``L^(i)``; for ``L_D2`` the mean of its two
    directions, as TCLR); DDP's average over ranks then gives the mean over
    the global batch.

    Args:
        objective (str): ``'invariant'``, ``'distinctive'`` or
            ``'local_global'``.
        temperature (float): tau. Defaults to 0.1 (Sec. 4.2).
        loss_weight (float): Defaults to 1.0.
    """

    def __init__(self,
                 objective: str = 'invariant',
                 temperature: float = 0.1,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if objective not in OBJECTIVES:
            raise ValueError(f'TemporalContrastiveLoss: objective must be '
                             f'one of {OBJECTIVES}, got {objective!r}')
        self.objective = objective
        self.temperature = temperature
        self.loss_weight = loss_weight

    def forward(self, z: Tensor, z_aug: Tensor = None) -> Tensor:
        """
        Args:
            z (Tensor): ``(B, n, D)`` projections of ``n`` clips (in time
                order) of ``B`` videos.
            z_aug (Tensor, optional): ``(B, n, D)``: for ``distinctive`` the
                projections of the clips' augmented copies, for
                ``local_global`` those of the long clip's ``n`` slices.
        """
        if z.dim() != 3 or z.shape[1] < 2:
            raise ValueError('TemporalContrastiveLoss: z must be (B, n, D) '
                             f'with n >= 2 clips, got {tuple(z.shape)}')
        z = F.normalize(z, dim=2)
        if self.objective == 'invariant':
            terms, scale = self._invariant(z), z.shape[0]
        else:
            if z_aug is None or z_aug.shape != z.shape:
                raise ValueError(f'TemporalContrastiveLoss({self.objective})'
                                 ' needs a second (B, n, D) input of the '
                                 'shape of z')
            z_aug = F.normalize(z_aug, dim=2)
            if self.objective == 'distinctive':
                terms, scale = self._distinctive(z, z_aug), z.shape[0]
            else:
                terms, scale = self._local_global(z, z_aug), 2 * z.shape[0]
        return self.loss_weight * terms.sum() / scale

    def _invariant(self, z: Tensor):
        b, n, _ = z.shape
        keys = all_gather_with_grad(z)  # (W * B, n, D)
        total = keys.shape[0]
        logits = z.flatten(0, 1) @ keys.flatten(0, 1).t() / self.temperature
        offset = get_rank() * b if total != b else 0
        device = z.device
        video, t1, t2 = torch.meshgrid(
            torch.arange(b, device=device), torch.arange(n, device=device),
            torch.arange(n, device=device), indexing='ij')
        keep = t1 != t2
        video, t1, t2 = video[keep], t1[keep], t2[keep]  # (P, )
        key_video = torch.arange(total, device=device).repeat_interleave(n)
        key_time = torch.arange(n, device=device).repeat(total)
        other = key_video[None] != (video + offset)[:, None]
        at_t = (key_time[None] == t1[:, None]) | \
            (key_time[None] == t2[:, None])
        terms = info_nce_terms(
            logits,
            anchors=video * n + t1,
            positives=(video + offset) * n + t2,
            negatives=other & at_t,
            positive_in_denominator=False)
        return terms

    def _distinctive(self, z: Tensor, z_aug: Tensor):
        b, n, _ = z.shape
        device = z.device
        anchors = z.flatten(0, 1)  # (B n, D)
        keys = torch.cat([z, z_aug], dim=1).flatten(0, 1)  # (B 2n, D)
        logits = anchors @ keys.t() / self.temperature
        video, t1 = torch.meshgrid(
            torch.arange(b, device=device), torch.arange(n, device=device),
            indexing='ij')
        video, t1 = video.flatten(), t1.flatten()
        key_video = torch.arange(b, device=device).repeat_interleave(2 * n)
        key_time = torch.arange(n, device=device).repeat(2 * b)
        negatives = (key_video[None] == video[:, None]) & \
            (key_time[None] != t1[:, None])
        terms = info_nce_terms(
            logits,
            anchors=video * n + t1,
            positives=video * 2 * n + n + t1,
            negatives=negatives,
            positive_in_denominator=False)
        return terms

    def _local_global(self, z: Tensor, slices: Tensor) -> Tensor:
        b, n, _ = z.shape
        device = z.device
        # rows / keys: each video's n local clips, then its n slices
        feats = torch.cat([z, slices], dim=1).flatten(0, 1)  # (B 2n, D)
        logits = feats @ feats.t() / self.temperature
        index = torch.arange(2 * b * n, device=device)
        video, pos = index // (2 * n), index % (2 * n)
        time, is_slice = pos % n, pos // n
        other_type = is_slice[None] != is_slice[:, None]
        same_video = video[None] == video[:, None]
        aligned = time[None] == time[:, None]
        partner = video * 2 * n + (1 - is_slice) * n + time
        return info_nce_terms(
            logits,
            anchors=index,
            positives=partner,
            negatives=same_video & other_type & ~aligned,
            positive_in_denominator=True)
