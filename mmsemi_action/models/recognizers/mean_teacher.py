"""Mean Teacher (Tarvainen & Valpola, NeurIPS 2017) for video."""
from typing import Dict

import torch
from mmaction.registry import MODELS
from torch import Tensor

from ..utils import current_iter, sigmoid_rampup, threshold_pseudo_labels
from .semi_base import SemiBaseRecognizer


@MODELS.register_module()
class MeanTeacherRecognizer(SemiBaseRecognizer):
    """EMA-teacher predictions on one view supervise the student on another.

    ``L = L_s + w(t) * lambda_u * L_c`` with ``L_c`` the consistency between
    student probabilities on the ``student_branch`` view and teacher
    probabilities on the ``teacher_branch`` view: squared error on
    probabilities (``SoftmaxMSELoss``, the paper's choice) or, with
    ``threshold`` set and a ``MaskedCrossEntropyLoss``, thresholded
    cross-entropy on the teacher's argmax. ``w(t)`` is the paper's sigmoid
    ramp-up ``exp(-5 (1 - t/T)^2)`` over ``rampup_iters``. Needs
    ``with_teacher=True`` and an :class:`EMATeacherHook`.

    ``semi_train_cfg`` keys:
        unsup_weight (float): lambda_u. Defaults to 1.0.
        rampup_iters (int): ramp-up length. Defaults to 0 (none).
        threshold (float, optional): confidence mask; None keeps all.
        consistency_loss (dict): Defaults to ``SoftmaxMSELoss``.
        labeled_branch, student_branch, teacher_branch (str): branch names;
            defaults ``labeled``, ``strong``, ``weak``.
    """

    default_train_cfg = dict(
        unsup_weight=1.0,
        rampup_iters=0,
        threshold=None,
        student_branch='strong',
        teacher_branch='weak',
        consistency_loss=dict(type='SoftmaxMSELoss'))

    def __init__(self, *args, with_teacher: bool = True, **kwargs) -> None:
        if not with_teacher:
            raise ValueError('MeanTeacherRecognizer needs with_teacher=True')
        super().__init__(*args, with_teacher=True, **kwargs)
        cfg = self.semi_train_cfg
        self.consistency_loss = MODELS.build(cfg.consistency_loss)

    @property
    def unlabeled_branches(self):
        return (self.semi_train_cfg.student_branch,
                self.semi_train_cfg.teacher_branch)

    def semi_loss(self, multi_batch_inputs: Dict[str, Tensor],
                  multi_batch_data_samples: Dict[str, list]) -> dict:
        cfg = self.semi_train_cfg
        logits_l, logits_u = self.student_logits([
            multi_batch_inputs[cfg.labeled_branch],
            multi_batch_inputs[cfg.student_branch]
        ])
        teacher_view = multi_batch_inputs[cfg.teacher_branch]
        losses = self.supervised_loss(
            logits_l, multi_batch_data_samples[cfg.labeled_branch])
        with torch.no_grad():
            probs = self.teacher_logits(teacher_view).softmax(1)
            if cfg.threshold is None:
                targets, mask = probs, torch.ones_like(probs[:, 0])
            else:
                targets, mask = threshold_pseudo_labels(
                    probs, cfg.threshold,
                    soft=cfg.consistency_loss.type == 'SoftmaxMSELoss')
        weight = cfg.unsup_weight * sigmoid_rampup(current_iter(),
                                                   cfg.rampup_iters)
        losses['unsup_loss_cons'] = weight * self.consistency_loss(
            logits_u, targets, mask)
        losses.update(
            self.log_pseudo_labels(
                targets, mask,
                multi_batch_data_samples[cfg.teacher_branch]))
        return losses
