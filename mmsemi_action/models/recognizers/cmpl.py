"""CMPL: cross-model pseudo-labeling (Xu et al., CVPR 2022)."""
from typing import Dict, Sequence, Tuple

import torch
from mmaction.registry import MODELS
from torch import Tensor

from .co_training import CoTrainingRecognizer

#: losses the auxiliary network may receive: L_s^A (Eq. 3), L_u^A (Eq. 5)
AUX_LOSSES = ('sup', 'unsup')
#: who teaches whom (Appendix A, Table A2); ``cross`` is CMPL's (Eq. 4-5)
PSEUDO_LABEL_SCHEMES = ('cross', 'self_first', 'opposite_first', 'maximum',
                        'average')


def pseudo_label_distributions(scheme: str, probs_f: Tensor, probs_a: Tensor,
                               threshold: float) -> Tuple[Tensor, Tensor]:
    """The distributions ``(l_F, l_A)`` that teach F and A (Appendix A),
    from the weak-view class probabilities ``p^F``, ``p^A`` ``(N, C)``:

    - ``cross`` (Eq. 4-5): ``l_F = p^A``, ``l_A = p^F``;
    - ``self_first``: ``l_F = 1(max p^F >= tau) p^F + (1 - 1(...)) p^A``,
      ``l_A`` the same with F and A swapped;
    - ``opposite_first``: ``l_F = 1(max p^A >= tau) p^A + (1 - 1(...))
      p^F``, ``l_A`` the same with F and A swapped;
    - ``maximum``: ``l_F = l_A = 1(max p^F >= max p^A) p^F + (1 - 1(...))
      p^A`` (a tie goes to ``p^F``, as written);
    - ``average``: ``l_F = l_A = (p^F + p^A) / 2``.

    Each then teaches as ``p^A`` does in Eq. 4: ``1(max l >= tau)
    H(argmax l, .)``.
    """
    if scheme == 'cross':
        return probs_a, probs_f
    conf_f = probs_f.max(1, keepdim=True).values
    conf_a = probs_a.max(1, keepdim=True).values
    if scheme == 'self_first':
        return (torch.where(conf_f >= threshold, probs_f, probs_a),
                torch.where(conf_a >= threshold, probs_a, probs_f))
    if scheme == 'opposite_first':
        return (torch.where(conf_a >= threshold, probs_a, probs_f),
                torch.where(conf_f >= threshold, probs_f, probs_a))
    if scheme == 'maximum':
        most_confident = torch.where(conf_f >= conf_a, probs_f, probs_a)
        return most_confident, most_confident
    if scheme == 'average':
        mean = (probs_f + probs_a) / 2
        return mean, mean
    raise ValueError(f'pseudo_label_scheme must be one of '
                     f'{PSEUDO_LABEL_SCHEMES}, got {scheme!r}')


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
    validates and is exported. With ``auxiliary=None`` this is FixMatch;
    with ``auxiliary=None`` and ``shared_auxiliary=True`` it is FixMatch on
    CMPL's two views (one network in the place of both ``F`` and ``A``).

    Args: as :class:`CoTrainingRecognizer`; ``semi_train_cfg`` takes
        FixMatch's keys (``threshold`` tau, default 0.9; ``unsup_weight``
        lambda, default 2.0; ``warmup_iters``...) and

        - ``aux_losses``: which of ``'sup'`` (L_s^A) and ``'unsup'``
          (L_u^A) train ``A`` (default both; Table 6);
        - ``pseudo_label_scheme``: one of :data:`PSEUDO_LABEL_SCHEMES`
          (Table A2, :func:`pseudo_label_distributions`), default
          ``'cross'`` (Eq. 4-5);
        - ``shared_auxiliary``: ``A`` is ``F`` itself (one set of
          parameters, ``auxiliary=None``) on ``A``'s views: Tab. 3's
          auxiliary "with a shared set of parameters (equivalent to
          FixMatch)", i.e. Tab. 2's FixMatch + frame rates (+ temporal
          location) rows. Default False.

    Losses: ``sup_*`` / ``aux_sup_*`` (L_s^F / L_s^A), ``unsup_loss_cls`` /
    ``aux_unsup_loss_cls`` (lambda L_u^F / lambda L_u^A). Logged:
    ``unsup_mask_ratio``, ``unsup_pl_acc(_all)`` of the labels ``A`` hands
    to ``F``, and ``aux_unsup_*`` of those ``F`` hands to ``A`` (under
    another scheme: of ``l_F`` and ``l_A``).
    """

    default_train_cfg = dict(
        threshold=0.9,
        unsup_weight=2.0,
        aux_losses=AUX_LOSSES,
        pseudo_label_scheme='cross',
        shared_auxiliary=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cfg = self.semi_train_cfg
        cfg.aux_losses = tuple(cfg.aux_losses)
        if not cfg.aux_losses or set(cfg.aux_losses) - set(AUX_LOSSES):
            raise ValueError(
                'semi_train_cfg.aux_losses must be a non-empty subset of '
                f'{AUX_LOSSES}, got {cfg.aux_losses!r}')
        if cfg.pseudo_label_scheme not in PSEUDO_LABEL_SCHEMES:
            raise ValueError(
                'semi_train_cfg.pseudo_label_scheme must be one of '
                f'{PSEUDO_LABEL_SCHEMES}, got {cfg.pseudo_label_scheme!r}')
        if cfg.shared_auxiliary and self.auxiliary is not None:
            raise ValueError('semi_train_cfg.shared_auxiliary=True uses the '
                             'primary network as A: set auxiliary=None')
        if self.auxiliary_network is None and \
                cfg.pseudo_label_scheme != 'cross':
            raise ValueError(
                f'pseudo_label_scheme={cfg.pseudo_label_scheme!r} needs a '
                'second network: an auxiliary or shared_auxiliary=True')

    @property
    def auxiliary_network(self):
        """``A``: the auxiliary recognizer, ``F`` itself under
        ``shared_auxiliary``, or None (FixMatch)."""
        if self.semi_train_cfg.shared_auxiliary:
            return self.student
        return self.auxiliary

    def auxiliary_logits(self, inputs: Sequence[Tensor]) -> Sequence[Tensor]:
        return self.branch_logits(self.auxiliary_network, inputs)

    def auxiliary_supervised_loss(self, logits: Tensor,
                                  data_samples) -> dict:
        return self.supervised_loss(
            logits,
            data_samples,
            network=self.auxiliary_network,
            prefix='aux_sup_')

    def branch_tensors(self, multi_batch_inputs: Dict[str, Tensor]) -> dict:
        if not self.semi_train_cfg.shared_auxiliary:
            return super().branch_tensors(multi_batch_inputs)
        cfg = self.semi_train_cfg
        aux_names = {cfg.aux_labeled_branch, cfg.aux_weak_branch,
                     cfg.aux_strong_branch}
        out = {}
        for is_aux in (False, True):  # F's views, then A's (other shapes)
            names = [n for n in multi_batch_inputs if (n in aux_names)
                     == is_aux]
            if names:
                logits = self.student_logits(
                    [multi_batch_inputs[n] for n in names])
                out.update(zip(names, logits))
        return out

    def _trains_aux_with(self, loss: str) -> bool:
        return self.auxiliary_network is not None and \
            loss in self.semi_train_cfg.aux_losses

    @property
    def trains_auxiliary_on_labels(self) -> bool:
        return self._trains_aux_with('sup')

    @property
    def unlabeled_branches(self) -> Sequence[str]:
        branches = list(super().unlabeled_branches)
        if self.auxiliary_network is not None:
            branches.append(self.semi_train_cfg.aux_weak_branch)
        if self._trains_aux_with('unsup'):
            branches.append(self.semi_train_cfg.aux_strong_branch)
        return branches

    def semi_loss(self, multi_batch_inputs: Dict[str, Tensor],
                  multi_batch_data_samples: Dict[str, list]) -> dict:
        if self.auxiliary_network is None:
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
        # p^F, p^A of the weak views, detached (the SG of Fig. 3), and the
        # distributions that teach F (l_F) and A (l_A): p^A and p^F (Eq.
        # 4-5) unless another Table A2 scheme is chosen
        with torch.no_grad():
            probs_f = (logits_w.detach() / cfg.temperature).softmax(1)
            probs_a = (aux_logits[cfg.aux_weak_branch].detach() /
                       cfg.temperature).softmax(1)
            teach_f, teach_a = pseudo_label_distributions(
                cfg.pseudo_label_scheme, probs_f, probs_a, cfg.threshold)

        losses = self.supervised_loss(logits_l, samples[cfg.labeled_branch])
        # Eq. 4: F learns from A's confident weak-view predictions
        losses.update(
            self.pseudo_label_loss_from_probs(teach_f, logits_s,
                                              samples[cfg.weak_branch]))
        if self._trains_aux_with('sup'):
            losses.update(
                self.auxiliary_supervised_loss(
                    aux_logits[cfg.aux_labeled_branch],
                    samples[cfg.aux_labeled_branch]))
        if self._trains_aux_with('unsup'):
            # Eq. 5: A learns from F's confident weak-view predictions
            losses.update(
                self.pseudo_label_loss_from_probs(
                    teach_a,
                    aux_logits[cfg.aux_strong_branch],
                    samples[cfg.aux_weak_branch],
                    prefix='aux_unsup_'))
        return losses
