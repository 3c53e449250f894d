"""FixMatch (Sohn et al., NeurIPS 2020) for video recognition."""
from typing import Dict

import torch
from mmaction.registry import MODELS
from torch import Tensor

from ..utils import current_iter, threshold_pseudo_labels
from .semi_base import SemiBaseRecognizer


@MODELS.register_module()
class FixMatchRecognizer(SemiBaseRecognizer):
    """``L = L_s + lambda_u * L_u`` (FixMatch Eq. 4).

    ``L_u = 1/(mu B) sum_b 1(max q_b >= tau) H(argmax q_b, p(y | A(u_b)))``
    (Eq. 2), with ``q_b`` the prediction on the weak view ``alpha(u_b)`` and
    ``A`` the strong augmentation. The student sees the labeled, weak and
    strong clips in one forward pass (weak logits detached), as in the
    paper; with ``semi_train_cfg.pseudo_label_source='teacher'`` (needs
    ``with_teacher=True`` and an :class:`EMATeacherHook`) the weak view goes
    through the EMA teacher instead.

    ``semi_train_cfg`` keys:
        threshold (float): tau. Defaults to 0.95.
        unsup_weight (float): lambda_u. Defaults to 1.0.
        soft_labels (bool): use the weak distribution instead of its
            argmax. Defaults to False.
        temperature (float): divides the weak logits before the softmax
            (used for soft labels). Defaults to 1.0.
        warmup_iters (int): supervised-only iterations (L_u = 0).
        pseudo_label_source (str): ``'student'`` or ``'teacher'``.
        labeled_branch, weak_branch, strong_branch (str): branch names.
        unsup_loss (dict): loss config. Defaults to MaskedCrossEntropyLoss.
    """

    #: allowed ``semi_train_cfg.pseudo_label_source`` values
    pseudo_label_sources = ('student', 'teacher')
    default_train_cfg = dict(
        threshold=0.95,
        unsup_weight=1.0,
        soft_labels=False,
        temperature=1.0,
        warmup_iters=0,
        pseudo_label_source='student',
        weak_branch='weak',
        strong_branch='strong',
        unsup_loss=dict(type='MaskedCrossEntropyLoss'))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cfg = self.semi_train_cfg
        if cfg.pseudo_label_source not in self.pseudo_label_sources or (
                cfg.pseudo_label_source == 'teacher' and self.teacher is None):
            raise ValueError(
                'semi_train_cfg.pseudo_label_source must be one of '
                f'{self.pseudo_label_sources} (teacher needs '
                f'with_teacher=True), got {cfg.pseudo_label_source!r}')
        self.unsup_loss = MODELS.build(cfg.unsup_loss)

    @property
    def unlabeled_branches(self):
        return (self.semi_train_cfg.weak_branch,
                self.semi_train_cfg.strong_branch)

    def semi_loss(self, multi_batch_inputs: Dict[str, Tensor],
                  multi_batch_data_samples: Dict[str, list]) -> dict:
        cfg = self.semi_train_cfg
        labeled = multi_batch_inputs[cfg.labeled_branch]
        weak = multi_batch_inputs[cfg.weak_branch]
        strong = multi_batch_inputs[cfg.strong_branch]

        if cfg.pseudo_label_source == 'teacher':
            logits_l, logits_s = self.student_logits([labeled, strong])
            logits_w = self.teacher_logits(weak)
        else:
            logits_l, logits_w, logits_s = self.student_logits(
                [labeled, weak, strong])
        losses = self.supervised_loss(
            logits_l, multi_batch_data_samples[cfg.labeled_branch])
        losses.update(
            self.pseudo_label_loss(logits_w, logits_s,
                                   multi_batch_data_samples[cfg.weak_branch]))
        return losses

    def pseudo_label_loss(self,
                          weak_logits: Tensor,
                          strong_logits: Tensor,
                          weak_samples: list,
                          prefix: str = 'unsup_') -> dict:
        """``lambda_u * L_u`` (Eq. 2) of ``strong_logits`` ``(N, C)`` taught
        by the thresholded prediction ``weak_logits`` ``(N, C)`` (detached:
        no gradient reaches the network that made it), as
        ``{prefix}loss_cls``, with the pseudo-label metrics."""
        cfg = self.semi_train_cfg
        with torch.no_grad():
            probs = (weak_logits.detach() / cfg.temperature).softmax(1)
        return self.pseudo_label_loss_from_probs(probs, strong_logits,
                                                 weak_samples, prefix)

    def pseudo_label_loss_from_probs(self,
                                     probs: Tensor,
                                     strong_logits: Tensor,
                                     weak_samples: list,
                                     prefix: str = 'unsup_') -> dict:
        """:meth:`pseudo_label_loss` from weak-view class probabilities
        ``(N, C)`` (e.g. LTG's fused RGB + TG probabilities, Eq. 5)."""
        cfg = self.semi_train_cfg
        with torch.no_grad():
            targets, mask = threshold_pseudo_labels(probs.detach(),
                                                    cfg.threshold,
                                                    cfg.soft_labels)
        weight = cfg.unsup_weight if current_iter() >= cfg.warmup_iters \
            else 0.0
        losses = {
            prefix + 'loss_cls':
            weight * self.unsup_loss(strong_logits, targets, mask)
        }
        losses.update(
            self.log_pseudo_labels(targets, mask, weak_samples, prefix))
        return losses
