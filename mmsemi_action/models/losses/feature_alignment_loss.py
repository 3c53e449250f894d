"""LTG's block-wise dense feature alignment (Xiao et al., CVPR 2022)."""
from typing import Sequence

import torch.nn.functional as F
from mmaction.registry import MODELS
from torch import Tensor, nn

DISTANCES = ('cosine', 'l1', 'l2')


@MODELS.register_module()
class FeatureAlignmentLoss(nn.Module):
    """``L_kd = sum_i D(F_i^RGB, stopgrad(F_i^TG))`` over the tapped blocks
    ``i`` (Eq. 7-9), averaged over clips.

    ``D`` (Eq. 8) on block outputs ``F in R^{C x T x H x W}``:

    - ``'cosine'``: ``1 - F1 . F2 / (|F1| |F2|)`` (the paper's negative
      cosine plus 1, so that 0 is perfect alignment; same gradient). With
      ``dense=True`` (default; the paper's "dense alignment", and the
      authors' code: cosine over the channel dimension) it is taken between
      the C-dimensional features at every position ``(t, h, w)`` and
      averaged over positions; with ``dense=False`` each clip's whole block
      is one vector.
    - ``'l1'``: mean absolute difference;
    - ``'l2'``: mean squared difference (both element-wise means, as the
      authors' ``nn.L1Loss`` / ``nn.MSELoss``; ``dense`` changes nothing).

    Args:
        distance (str): ``'cosine'`` (default, the paper's best), ``'l1'``
            or ``'l2'``.
        dense (bool): position-wise cosine. Defaults to True.
        stop_gradient (bool): detach the target features (the TG side).
            Defaults to True; the paper's ablation without it degrades.
        loss_weight (float): ``w_kd``. Defaults to 1.0.
    """

    def __init__(self,
                 distance: str = 'cosine',
                 dense: bool = True,
                 stop_gradient: bool = True,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if distance not in DISTANCES:
            raise ValueError(f'FeatureAlignmentLoss distance must be one of '
                             f'{DISTANCES}, got {distance!r}')
        self.distance = distance
        self.dense = dense
        self.stop_gradient = stop_gradient
        self.loss_weight = loss_weight

    def block_distance(self, student: Tensor, target: Tensor) -> Tensor:
        """Mean over clips of ``D`` for one block, inputs ``(N, ...)``."""
        if student.shape != target.shape:
            raise ValueError('FeatureAlignmentLoss: block shapes differ, '
                             f'{tuple(student.shape)} vs '
                             f'{tuple(target.shape)}')
        if self.distance == 'cosine':
            if not self.dense:
                student, target = student.flatten(1), target.flatten(1)
            # dense: (N, C, ...) -> cosine over C at every position
            return (1 - F.cosine_similarity(student, target, dim=1)).mean()
        if self.distance == 'l1':
            return (student - target).abs().mean()
        return (student - target).pow(2).mean()

    def forward(self, student: Sequence[Tensor],
                target: Sequence[Tensor]) -> Tensor:
        """
        Args:
            student (list[Tensor]): block outputs of the aligned network
                (RGB), each ``(N, C_i, T_i, H_i, W_i)``.
            target (list[Tensor]): the same blocks of the other network
                (TG).
        """
        if len(student) != len(target) or not student:
            raise ValueError('FeatureAlignmentLoss needs the same non-zero '
                             f'number of blocks, got {len(student)} and '
                             f'{len(target)}')
        total = 0
        for s, t in zip(student, target):
            total = total + self.block_distance(
                s, t.detach() if self.stop_gradient else t)
        return self.loss_weight * total
