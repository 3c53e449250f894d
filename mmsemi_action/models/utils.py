"""Helpers shared by the semi-supervised recognizers."""
import math
from typing import Sequence, Tuple

import torch
import torch.nn.functional as F
from mmengine.logging import MessageHub
from torch import Tensor


def current_iter() -> int:
    """Iteration being trained (0-based), as recorded by ``RuntimeInfoHook``.
    """
    return MessageHub.get_current_instance().get_info('iter', 0)


def sigmoid_rampup(step: int, rampup_iters: int) -> float:
    """Mean Teacher's ramp-up ``exp(-5 (1 - t)^2)``, ``t = step / rampup``.
    """
    if rampup_iters <= 0:
        return 1.0
    t = min(max(step, 0), rampup_iters) / rampup_iters
    return math.exp(-5.0 * (1.0 - t)**2)


def recognizer_forward(recognizer, inputs: Tensor) -> Tuple[Tensor, Tensor]:
    """Class scores and backbone (+ neck) features of an MMAction2
    recognizer in training mode.

    Args:
        recognizer: a ``BaseRecognizer`` (Recognizer2D/3D, TimeSformer...).
        inputs (Tensor): preprocessed batch, e.g. ``(B, V, C, T, H, W)`` for
            3D recognizers with ``V`` clips per sample.

    Returns:
        tuple: ``(B, num_classes)`` logits (views of a sample averaged) and
        the features as the head receives them, ``(B * V, C, ...)`` (e.g.
        ``(B, C, T, H, W)`` for 3D CNNs, ``(B, C)`` for TimeSformer).
    """
    feats, kwargs = recognizer.extract_feat(inputs)
    head_kwargs = {k: kwargs[k] for k in ('num_segs', ) if k in kwargs}
    logits = recognizer.cls_head(feats, **head_kwargs)
    batch = inputs.shape[0]
    if logits.shape[0] != batch:
        logits = logits.view(batch, -1, logits.shape[-1]).mean(1)
    return logits, feats


def pool_features(feats: Tensor, batch: int) -> Tensor:
    """Global average of :func:`recognizer_forward` features over every
    axis after the channels and over the views of a sample: ``(batch, C)``.
    """
    pooled = feats.flatten(2).mean(2) if feats.dim() > 2 else feats
    return pooled.view(batch, -1, pooled.shape[-1]).mean(1)


def recognizer_logits(recognizer, inputs: Tensor, return_feats=False):
    """:func:`recognizer_forward` logits ``(B, num_classes)``, and with
    ``return_feats`` the pooled features ``(B, C)``
    (:func:`pool_features`)."""
    logits, feats = recognizer_forward(recognizer, inputs)
    if not return_feats:
        return logits
    return logits, pool_features(feats, inputs.shape[0])


def threshold_pseudo_labels(probs: Tensor, threshold: float,
                            soft: bool = False) -> Tuple[Tensor, Tensor]:
    """Confidence-thresholded pseudo-labels (FixMatch, Sohn et al. 2020).

    Args:
        probs (Tensor): ``(N, C)`` class probabilities of the weak view.
        threshold (float): keep a sample where ``max_c probs >= threshold``.
        soft (bool): return the distribution instead of its argmax.

    Returns:
        tuple: targets ``(N,)`` long (hard) or ``(N, C)`` (soft), and the
        float mask ``(N,)`` of kept samples.
    """
    max_probs, labels = probs.max(dim=1)
    mask = (max_probs >= threshold).float()
    return (probs if soft else labels), mask


def unlabeled_gt_labels(data_samples: Sequence) -> Tensor:
    """Ground truth of unlabeled samples (``-1`` where unknown).

    Only for logging pseudo-label accuracy: no loss may consume it.
    """
    labels = [
        int(s.gt_label.item()) if 'gt_label' in s and s.gt_label.numel() == 1
        else -1 for s in data_samples
    ]
    return torch.tensor(labels, dtype=torch.long)


def pseudo_label_metrics(pseudo: Tensor, mask: Tensor,
                         gt: Tensor) -> dict:
    """Mask ratio and pseudo-label accuracy, detached, for the log.

    Args:
        pseudo (Tensor): ``(N,)`` hard pseudo-labels or ``(N, C)`` soft.
        mask (Tensor): ``(N,)`` 1 for kept samples.
        gt (Tensor): ``(N,)`` ground truth, ``-1`` unknown.
    """
    pseudo = pseudo.detach()
    if pseudo.dim() == 2:
        pseudo = pseudo.argmax(1)
    pseudo, mask, gt = pseudo.cpu(), mask.detach().cpu() > 0, gt.cpu()
    metrics = dict(mask_ratio=mask.float().mean())
    known = gt >= 0
    if known.any():
        metrics['pl_acc_all'] = (pseudo[known] == gt[known]).float().mean()
        kept = known & mask
        if kept.any():
            metrics['pl_acc'] = (pseudo[kept] == gt[kept]).float().mean()
    return metrics


def soft_or_hard_cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    """Per-sample cross-entropy, ``(N,)``; ``target`` is ``(N,)`` class
    indices or ``(N, C)`` probabilities."""
    if target.dim() == 2:
        return -(target * F.log_softmax(logits, dim=1)).sum(1)
    return F.cross_entropy(logits, target, reduction='none')


class FeatureTaps:
    """Record the outputs of named sub-modules during a forward pass.

    >>> taps = FeatureTaps(recognizer.backbone, ['layer1', 'layer4'])
    >>> with taps:
    ...     recognizer_logits(recognizer, x)
    >>> blocks = taps.outputs  # [layer1 output, layer4 output]

    Outside a ``with`` block nothing is kept (validation forwards cost no
    memory).

    Args:
        module (nn.Module): e.g. a recognizer's backbone.
        names (list[str]): sub-module names (``module.get_submodule``).
    """

    def __init__(self, module, names: Sequence[str]) -> None:
        self.names = list(names)
        self._recording = False
        self._outputs = {}
        for name in self.names:
            try:
                sub = module.get_submodule(name)
            except AttributeError as err:
                raise ValueError(
                    f'FeatureTaps: no sub-module {name!r} in '
                    f'{type(module).__name__}') from err
            sub.register_forward_hook(self._hook(name))

    def _hook(self, name):

        def hook(_module, _inputs, output):
            if self._recording:
                self._outputs[name] = output

        return hook

    def __enter__(self):
        self._outputs = {}
        self._recording = True
        return self

    def __exit__(self, *exc):
        self._recording = False

    @property
    def outputs(self) -> list:
        """Recorded outputs in ``names`` order."""
        return [self._outputs[name] for name in self.names]
