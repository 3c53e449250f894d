"""CMPL: cross-model pseudo-labeling (Xu et al., CVPR 2022)."""
from typing import Dict, Sequence

from mmaction.registry import MODELS
from torch import Tensor

from .co_training import CoTrainingRecognizer

#: losses the auxiliary network may receive: L_s^A (Eq. 3), L_u^A (Eq. 5)
AUX_LOSSES = ('sup', 'unsup')


@MODELS.register_module()
class CMPLRecognizer(CoTrainingRecognizer):
    """A primary recognizer ``F`` and a small auxiliary recognizer ``A`` that
    teach each other on unlabeled clips.

    ``L = (L_s^F + L_s^A) + lambda (L_u^F + L_u^A)`` (Eq. 6) with

    - ``L_s^F = H(y, F(T_std(v)))``, ``L_s^A = H(y, A(T_std(v)))`` (Eq. 2-3);
    - ``L_u^F = 1/B_u sum 1(max p^A >= tau) H(argmax p^A, F(T_strong(u)))``,
      ``p^A = A(T_weak(u))`` (Eq. 4), and symmetrically ``L_u^A`` taught by
      ``p^F = F(T_weak(u))`` (Eq. 5).

    Pseudo-labels are detached (the SG of Fig. 3): no gradient reaches the
    network that produced them. Each network sees its labeled, weak and
    strong clips in one forward pass, as FixMatch does. ``F`` and ``A`` take
    their own views (e.g. 8x8 and 16x4 frames, time offset ``t_s``) built
    from one decode by :class:`SampleMultiViewFrames`; the ``*_aux``
    branches hold ``A``'s views. Only ``F`` (``self.student``) predicts,
    validates and is exported. With ``auxiliary=None`` this is FixMatch.

    Args: as :class:`CoTrainingRecognizer`; ``semi_train_cfg`` takes
        FixMatch's keys (``threshold`` tau, default 0.9; ``unsup_weight``
        lambda, default 2.0; ``warmup_iters``...) and ``aux_losses``: which
        of ``'sup'`` (L_s^A) and ``'unsup'`` (L_u^A) train ``A`` (default
        both).

    Losses: ``sup_*`` / ``aux_sup_*`` (L_s^F / L_s^A), ``unsup_loss_cls`` /
    ``aux_unsup_loss_cls`` (lambda L_u^F / lambda L_u^A). Logged:
    ``unsup_mask_ratio``, ``unsup_pl_acc(_all)`` of the labels ``A`` hands
    to ``F``, and ``aux_unsup_*`` of those ``F`` hands to ``A``.
    """

    default_train_cfg = dict(
        threshold=0.9, unsup_weight=2.0, aux_losses=AUX_LOSSES)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cfg = self.semi_train_cfg
        cfg.aux_losses = tuple(cfg.aux_losses)
        if not cfg.aux_losses or set(cfg.aux_losses) - set(AUX_LOSSES):
            raise ValueError(
                'semi_train_cfg.aux_losses must be a non-empty subset of '
                f'{AUX_LOSSES}, got {cfg.aux_losses!r}')

    def _trains_aux_with(self, loss: str) -> bool:
        return self.auxiliary is not None and \
            loss in self.semi_train_cfg.aux_losses

    @property
    def trains_auxiliary_on_labels(self) -> bool:
        return self._trains_aux_with('sup')

    @property
    def unlabeled_branches(self) -> Sequence[str]:
        branches = list(super().unlabeled_branches)
        if self.auxiliary is not None:
            branches.append(self.semi_train_cfg.aux_weak_branch)
        if self._trains_aux_with('unsup'):
            branches.append(self.semi_train_cfg.aux_strong_branch)
        return branches

    def semi_loss(self, multi_batch_inputs: Dict[str, Tensor],
                  multi_batch_data_samples: Dict[str, list]) -> dict:
        if self.auxiliary is None:
            return super().semi_loss(multi_batch_inputs,
                                     multi_batch_data_samples)
        cfg = self.semi_train_cfg
        inputs, samples = multi_batch_inputs, multi_batch_data_samples
        logits_l, logits_w, logits_s = self.student_logits([
            inputs[cfg.labeled_branch], inputs[cfg.weak_branch],
            inputs[cfg.strong_branch]
        ])
        aux_branches = [cfg.aux_weak_branch]
        if self._trains_aux_with('sup'):
            aux_branches.insert(0, cfg.aux_labeled_branch)
        if self._trains_aux_with('unsup'):
            aux_branches.append(cfg.aux_strong_branch)
        aux_logits = dict(
            zip(aux_branches,
                self.auxiliary_logits([inputs[b] for b in aux_branches])))

        losses = self.supervised_loss(logits_l, samples[cfg.labeled_branch])
        # Eq. 4: F learns from A's confident weak-view predictions
        losses.update(
            self.pseudo_label_loss(aux_logits[cfg.aux_weak_branch], logits_s,
                                   samples[cfg.weak_branch]))
        if self._trains_aux_with('sup'):
            losses.update(
                self.auxiliary_supervised_loss(
                    aux_logits[cfg.aux_labeled_branch],
                    samples[cfg.aux_labeled_branch]))
        if self._trains_aux_with('unsup'):
            # Eq. 5: A learns from F's confident weak-view predictions
            losses.update(
                self.pseudo_label_loss(logits_w,
                                       aux_logits[cfg.aux_strong_branch],
                                       samples[cfg.aux_weak_branch],
                                       prefix='aux_unsup_'))
        return losses
