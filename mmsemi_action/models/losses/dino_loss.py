"""DINO-style cross-entropy between teacher and student distributions."""
from typing import Optional

import torch
from mmaction.registry import MODELS
from mmengine.dist import all_reduce
from torch import Tensor

from ..memory.staged_state import StagedStateModule


@MODELS.register_module()
class DINOCrossEntropyLoss(StagedStateModule):
    """``H(P_t, P_s) = -sum_k P_t,k log P_s,k`` with
    ``P_s = softmax(z_s / tau_s)`` and ``P_t = softmax((z_t - c) / tau_t)``
    (Caron et al., DINO, ICCV 2021; ACL+MTL Eq. 17 with tau_s = 0.1,
    tau_t = 0.04), averaged over samples.

    The centre ``c`` (a buffer, saved in checkpoints) follows DINO: after
    each training step ``c <- m c + (1 - m) mean(z_t)`` with the batch
    mean over all ranks. A training forward stages its ``z_t`` and
    :class:`MemoryBankUpdateHook` updates ``c`` after the optimizer step
    (:class:`StagedStateModule`; DINO too updates it after the step's
    loss). The ACL+MTL paper does not say whether it centres;
    ``center_momentum=None`` switches centring off.

    Args:
        out_channels (int): size of ``z``.
        student_temperature (float): Defaults to 0.1.
        teacher_temperature (float): Defaults to 0.04.
        center_momentum (float, optional): Defaults to 0.9 (DINO).
        loss_weight (float): Defaults to 1.0.
    """

    def __init__(self,
                 out_channels: int,
                 student_temperature: float = 0.1,
                 teacher_temperature: float = 0.04,
                 center_momentum: Optional[float] = 0.9,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        self.student_temperature = student_temperature
        self.teacher_temperature = teacher_temperature
        self.center_momentum = center_momentum
        self.loss_weight = loss_weight
        self.register_buffer('center', torch.zeros(1, out_channels))

    def forward(self, student_out: Tensor, teacher_out: Tensor) -> Tensor:
        """
        Args:
            student_out (Tensor): ``(N, D)`` student projections (with
                gradient).
            teacher_out (Tensor): ``(N, D)`` teacher projections (detached).
        """
        teacher_out = teacher_out.detach()
        center = self.center if self.center_momentum is not None else 0
        target = ((teacher_out - center) /
                  self.teacher_temperature).softmax(1)
        log_probs = (student_out / self.student_temperature).log_softmax(1)
        loss = -(target * log_probs).sum(1).mean()
        if self.training and self.center_momentum is not None:
            self.stage(teacher_out=teacher_out)
        return self.loss_weight * loss

    def apply_update(self, teacher_out: Tensor) -> None:
        self.update_center(teacher_out)

    @torch.no_grad()
    def update_center(self, teacher_out: Tensor) -> None:
        """``c <- m c + (1 - m) mean(z_t)`` over the batches of all ranks,
        written at once."""
        batch_sum = teacher_out.float().sum(0, keepdim=True)
        count = torch.tensor(float(teacher_out.shape[0]),
                             device=teacher_out.device)
        all_reduce(batch_sum)
        all_reduce(count)
        self.center.mul_(self.center_momentum).add_(
            batch_sum / count * (1 - self.center_momentum))
