"""LTG: learning from temporal gradient (Xiao et al., CVPR 2022)."""
import contextlib
from typing import Dict, Sequence

import torch
from mmaction.registry import MODELS
from torch import Tensor

from ..utils import (FeatureTaps, pseudo_label_metrics, recognizer_logits,
                     unlabeled_gt_labels)
from .co_training import CoTrainingRecognizer


@MODELS.register_module()
class LTGRecognizer(CoTrainingRecognizer):
    """An RGB recognizer (primary: predicts and is exported) and a
    temporal-gradient (TG) recognizer (auxiliary) trained together:

    ``L = w_fm (L_fm^RGB + L_fm^TG) + w_kd L_kd + w_clr L_clr`` (Eq. 11).

    - ``L_fm = L_l + lambda_u L_u`` for each stream (Eq. 4, 6); pseudo-labels
      from the fused weak-view probabilities
      ``(f_R(alpha(x^RGB)) + f_T(alpha(x^TG))) / 2 >= gamma`` (Eq. 5), or
      from the RGB / TG stream alone, or each stream's own (``'self'``).
    - ``L_kd = sum_i D(F_i^RGB, stopgrad(F_i^TG))`` over the tapped backbone
      blocks (Eq. 7-9, :class:`FeatureAlignmentLoss`).
    - ``L_clr``: InfoNCE between the two streams' MLP-projected, pooled
      backbone features (Eq. 10, :class:`CrossModalInfoNCELoss`).

    Alignment and contrast use the weak views of labeled and unlabeled clips
    (labels unused); they must share crop and flip with their RGB
    counterparts (see :class:`TemporalGradient`). Each stream sees its
    labeled, weak and strong clips in one forward pass. The first
    ``warmup_iters`` iterations train without ``L_u`` (supervised warm-up).

    Args: as :class:`CoTrainingRecognizer` (``primary`` = RGB recognizer,
        ``auxiliary`` = TG recognizer, e.g. the same config with a TG data
        preprocessor). ``semi_train_cfg`` keys besides FixMatch's
        (``threshold`` gamma, default 0.3; ``unsup_weight`` lambda_u,
        default 1; ``warmup_iters``):

        - ``pseudo_label_source``: ``'fused'`` (default), ``'rgb'``, ``'tg'``
          or ``'self'``.
        - ``fm_weight`` (w_fm, default 0.5).
        - ``align_layers``: backbone sub-modules whose outputs are aligned
          (default ``layer1``-``layer4``); empty to switch alignment off.
        - ``align_loss``: default ``FeatureAlignmentLoss`` (cosine,
          stop-gradient, weight 1).
        - ``contrast_loss``: default ``CrossModalInfoNCELoss`` (tau 0.5,
          weight 1); ``None`` switches contrast off.
        - ``projection``: ``MLPProjectionHead`` settings; default the
          paper's 3-layer MLP (Sec. 4.2), ``in_channels`` and
          ``out_channels`` each stream's ``cls_head.in_channels`` (the
          paper gives no width; the authors' code projects 512 -> 512).
        - TG branches: ``aux_labeled_branch`` etc., default ``labeled_tg``,
          ``weak_tg``, ``strong_tg``.

    Losses: ``sup_*`` / ``aux_sup_*`` and ``unsup_loss_cls`` /
    ``aux_unsup_loss_cls`` (RGB / TG, times w_fm), ``loss_kd``,
    ``loss_clr``. Logged: ``unsup_*`` / ``aux_unsup_*`` (labels each stream
    received) and ``pl_{fused,rgb,tg}_{mask_ratio,acc,acc_all}``.
    """

    pseudo_label_sources = ('fused', 'rgb', 'tg', 'self')
    default_train_cfg = dict(
        threshold=0.3,
        unsup_weight=1.0,
        pseudo_label_source='fused',
        fm_weight=0.5,
        align_layers=('layer1', 'layer2', 'layer3', 'layer4'),
        align_loss=dict(type='FeatureAlignmentLoss'),
        contrast_loss=dict(type='CrossModalInfoNCELoss'),
        projection=dict(type='MLPProjectionHead', num_layers=3),
        aux_labeled_branch='labeled_tg',
        aux_weak_branch='weak_tg',
        aux_strong_branch='strong_tg')

    def __init__(self, primary: dict, auxiliary: dict, **kwargs) -> None:
        super().__init__(primary, auxiliary, **kwargs)
        cfg = self.semi_train_cfg
        self.align_layers = tuple(cfg.align_layers or ())
        self.align_loss = MODELS.build(cfg.align_loss) \
            if self.align_layers else None
        if self.align_layers:
            self.rgb_taps = FeatureTaps(self.student.backbone,
                                        self.align_layers)
            self.tg_taps = FeatureTaps(self.auxiliary.backbone,
                                       self.align_layers)
        self.contrast_loss = None
        if cfg.contrast_loss is not None:
            self.contrast_loss = MODELS.build(cfg.contrast_loss)
            # width of each stream's features unless the config says
            # otherwise (the authors' code: 512 -> 512 for R3D-18)
            self.rgb_projection, self.tg_projection = (MODELS.build(
                dict(dict(in_channels=net['cls_head']['in_channels'],
                          out_channels=net['cls_head']['in_channels']),
                     **cfg.projection)) for net in (primary, auxiliary))

    def labeled_loss(self, multi_batch_inputs: Dict[str, Tensor],
                     multi_batch_data_samples: Dict[str, list]) -> dict:
        losses = super().labeled_loss(multi_batch_inputs,
                                      multi_batch_data_samples)
        return self._scale_losses(losses, self.semi_train_cfg.fm_weight)

    @staticmethod
    def _scale_losses(losses: dict, weight: float) -> dict:
        return {
            key: weight * value if 'loss' in key else value
            for key, value in losses.items()
        }

    @property
    def unlabeled_branches(self) -> Sequence[str]:
        cfg = self.semi_train_cfg
        return (cfg.weak_branch, cfg.strong_branch, cfg.aux_weak_branch,
                cfg.aux_strong_branch)

    def _stream(self, network, taps, inputs: Sequence[Tensor]):
        """Logits ``(N, C)``, pooled features ``(N, D)`` and tapped blocks
        of one stream over its concatenated branches."""
        with taps or contextlib.nullcontext():
            logits, pooled = recognizer_logits(
                network, torch.cat(list(inputs)), return_feats=True)
        return logits, pooled, taps.outputs if taps else []

    def semi_loss(self, multi_batch_inputs: Dict[str, Tensor],
                  multi_batch_data_samples: Dict[str, list]) -> dict:
        cfg = self.semi_train_cfg
        inputs, samples = multi_batch_inputs, multi_batch_data_samples
        num_l = inputs[cfg.labeled_branch].shape[0]
        num_u = inputs[cfg.weak_branch].shape[0]
        sizes = [num_l, num_u, inputs[cfg.strong_branch].shape[0]]
        rgb_logits, rgb_pooled, rgb_blocks = self._stream(
            self.student, self.rgb_taps if self.align_layers else None, [
                inputs[cfg.labeled_branch], inputs[cfg.weak_branch],
                inputs[cfg.strong_branch]
            ])
        tg_logits, tg_pooled, tg_blocks = self._stream(
            self.auxiliary, self.tg_taps if self.align_layers else None, [
                inputs[cfg.aux_labeled_branch], inputs[cfg.aux_weak_branch],
                inputs[cfg.aux_strong_branch]
            ])
        rgb_l, rgb_w, rgb_s = rgb_logits.split(sizes)
        tg_l, tg_w, tg_s = tg_logits.split(sizes)

        # FixMatch on both streams with fused pseudo-labels (Eq. 5-6)
        with torch.no_grad():
            probs = dict(rgb=rgb_w.detach().softmax(1),
                         tg=tg_w.detach().softmax(1))
            probs['fused'] = (probs['rgb'] + probs['tg']) / 2
        source = cfg.pseudo_label_source
        rgb_target = probs['rgb' if source == 'self' else source]
        tg_target = probs['tg' if source == 'self' else source]
        losses = self.supervised_loss(rgb_l, samples[cfg.labeled_branch])
        losses.update(
            self.auxiliary_supervised_loss(tg_l,
                                           samples[cfg.aux_labeled_branch]))
        losses.update(
            self.pseudo_label_loss_from_probs(rgb_target, rgb_s,
                                              samples[cfg.weak_branch]))
        losses.update(
            self.pseudo_label_loss_from_probs(
                tg_target, tg_s, samples[cfg.aux_weak_branch],
                prefix='aux_unsup_'))
        losses = self._scale_losses(losses, cfg.fm_weight)
        losses.update(self._log_label_sources(probs,
                                              samples[cfg.weak_branch]))

        # alignment and contrast on the weak views of all clips (Eq. 9-10)
        weak_rows = num_l + num_u
        if self.align_layers:
            losses['loss_kd'] = self.align_loss(
                [b[:weak_rows] for b in rgb_blocks],
                [b[:weak_rows] for b in tg_blocks])
        if self.contrast_loss is not None:
            losses['loss_clr'] = self.contrast_loss(
                self.rgb_projection(rgb_pooled[:weak_rows]),
                self.tg_projection(tg_pooled[:weak_rows]))
        return losses

    def _log_label_sources(self, probs: Dict[str, Tensor],
                           weak_samples: list) -> dict:
        """Mask ratio and accuracy of fused, RGB-only and TG-only labels."""
        gt = unlabeled_gt_labels(weak_samples)
        out = {}
        for name, p in probs.items():
            confidence, labels = p.max(1)
            metrics = pseudo_label_metrics(
                labels, (confidence >= self.semi_train_cfg.threshold).float(),
                gt)
            out.update({
                f'pl_{name}_' + key.replace('pl_', ''): value
                for key, value in metrics.items()
            })
        return out
