"""ACL + MTL (Wang et al., "Learning Discriminative Spatio-temporal
Representations for Semi-supervised Action Recognition", ACM MM 2024)."""
import copy
from typing import Dict, List, Sequence

import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from torch import Tensor, nn

from ..memory import ClassPrototypes, MemoryBank
from ..utils import (current_iter, pool_features, recognizer_forward,
                     threshold_pseudo_labels)
from .semi_base import SemiBaseRecognizer


def cross_scale_calibration(query: Tensor, key: Tensor) -> Tensor:
    """Calibrate a long-term clip's features by their similarity to the
    short-term clip (Eq. 13-14), pooled to one vector per clip.

    ``A_n(p) = cos(mean(f^q), f^k(p))`` for every position ``p`` of the key
    feature map (a 3D CNN's ``T' x H' x W'`` cells); ``f^{k*} = mean_p
    A_n(p) f^k(p)``. For vector features (TimeSformer's class token) the
    map has one position: ``f^{k*} = cos(f^q, f^k) f^k``. (The paper writes
    ``A_n`` as a cosine of ``f^q`` and ``f^k`` without giving shapes; the
    query is pooled so that any key position can match any moment of the
    short clip.)

    Args:
        query (Tensor): ``(N, C, ...)`` or ``(N, C)`` short-clip features.
        key (Tensor): ``(N, C, ...)`` or ``(N, C)`` long-clip features.

    Returns:
        Tensor: ``(N, C)`` calibrated, pooled key features.
    """
    q = query.flatten(2).mean(2) if query.dim() > 2 else query
    k = key.flatten(2) if key.dim() > 2 else key.unsqueeze(2)  # (N, C, P)
    attention = F.cosine_similarity(q.unsqueeze(2), k, dim=1)  # (N, P)
    return (k * attention.unsqueeze(1)).mean(2)


@MODELS.register_module()
class ACLMTLRecognizer(SemiBaseRecognizer):
    """Teacher-student training with adaptive contrastive learning (ACL)
    and multi-scale temporal learning (MTL):
    ``L = L_l + L_u + mu_1 L_MTL + mu_2 L_ACL`` (Eq. 20).

    Each unlabeled video gives a short-term clip ``x^S`` (weak and strong
    branches) and ``N`` long-term clips ``x^{L_n}`` (weak, one branch each)
    of the same frame count at larger strides (e.g. 8 / 16, 32), sampled
    from one decode by :class:`SampleMultiViewFrames`.

    * ``L_l``: cross-entropy of the student on labeled clips (Eq. 1).
    * Pseudo-labels (Eq. 19): argmax of the teacher's class probabilities
      averaged over ``x^S`` and the ``x^{L_n}`` (weak); confidence = their
      max. ``L_u = 1/N_u sum_i w_i 1(conf_i >= delta) CE(y_i, F_s(A_s(
      x^S_i)))`` (Eq. 2-3) with ``w_i`` the ACL reliability ``gamma_i`` of
      the clip (Sec. 3.5) or ``unsup_weight`` (alpha) without ACL.
    * ``L_ACL`` (Eq. 4-11, :class:`AdaptiveContrastiveLoss`): prototypes
      (:class:`ClassPrototypes`) of the student's projected labeled
      features, anchor = student projection of the strong ``x^S``, naive
      positive = teacher projection of the weak ``x^S``, memory bank
      (:class:`MemoryBank`) of teacher projections with their
      pseudo-labels.
    * ``L_MTL`` (Eq. 12-18): per long scale ``n``, the teacher's long-clip
      features calibrated by the student's weak short-clip features
      (:func:`cross_scale_calibration`) and projected by ``g_tn`` are the
      DINO target of ``g_sn`` on the student's strong short clip
      (:class:`DINOCrossEntropyLoss`); averaged over scales.

    Ownership of the state: prototypes, bank and DINO centres are buffers of
    this model, updated in :meth:`semi_loss` (prototypes before ACL as in
    Algorithm 1, the bank after it) and identical on all ranks; they are
    saved in checkpoints. Projection heads ``h_s, g_sn`` train with the
    student; ``h_t, g_tn`` are their EMA, kept by :class:`EMATeacherHook`
    with the teacher recognizer (:meth:`ema_pairs`).

    Args: as :class:`SemiBaseRecognizer` (``with_teacher`` is always on).
        ``semi_train_cfg`` keys:

        - ``threshold`` (delta, 0.3), ``unsup_weight`` (alpha, 1.0).
        - ``warmup_iters`` (0): iterations trained on ``L_l`` alone (the
          other losses times 0; bank, prototypes and centres are updated).
          Not in the paper, which starts from ImageNet weights.
        - ``reliability_weighting`` (True): gamma replaces alpha (needs ACL).
        - ``acl_loss``: :class:`AdaptiveContrastiveLoss` config (tau 0.07,
          eps 0.7, mu_2 = ``loss_weight`` 1); ``None`` switches ACL off.
        - ``bank_size`` (4096), ``prototype_momentum`` (beta, 0.9).
        - ``spatial_projection``: ``MLPProjectionHead`` (128-d).
        - ``long_branches``: branches of the long-term clips, e.g.
          ``('long_0', 'long_1')``; empty switches MTL off (pseudo-labels
          from ``x^S`` alone).
        - ``mtl_loss``: :class:`DINOCrossEntropyLoss` (tau_s 0.1, tau_t
          0.04, mu_1 = ``loss_weight`` 1).
        - ``temporal_projection``: ``DINOProjectionHead`` (1024-d, 256-d
          bottleneck).
        - ``labeled_branch``, ``weak_branch``, ``strong_branch``.

    Losses: ``sup_loss_cls``, ``unsup_loss_cls``, ``loss_acl``,
    ``loss_mtl``. Logged: ``unsup_mask_ratio``, ``unsup_pl_acc(_all)``,
    ``acl_gamma`` (mean anchor reliability), ``acl_reliable_ratio``,
    ``acl_bank_fill``.
    """

    default_train_cfg = dict(
        threshold=0.3,
        unsup_weight=1.0,
        warmup_iters=0,
        reliability_weighting=True,
        acl_loss=dict(type='AdaptiveContrastiveLoss'),
        bank_size=4096,
        prototype_momentum=0.9,
        spatial_projection=dict(type='MLPProjectionHead', out_channels=128),
        long_branches=(),
        mtl_loss=dict(type='DINOCrossEntropyLoss'),
        temporal_projection=dict(
            type='DINOProjectionHead', out_channels=1024,
            bottleneck_channels=256),
        weak_branch='weak',
        strong_branch='strong')

    def __init__(self, recognizer: dict, *args, with_teacher: bool = True,
                 **kwargs) -> None:
        if not with_teacher:
            raise ValueError('ACLMTLRecognizer needs with_teacher=True')
        super().__init__(recognizer, *args, with_teacher=True, **kwargs)
        cfg = self.semi_train_cfg
        cfg.long_branches = tuple(cfg.long_branches or ())
        if cfg.reliability_weighting and cfg.acl_loss is None:
            raise ValueError(
                'semi_train_cfg.reliability_weighting needs ACL '
                '(acl_loss is None): set reliability_weighting=False')
        in_channels = recognizer['cls_head']['in_channels']
        num_classes = recognizer['cls_head']['num_classes']
        self.student_heads = nn.ModuleDict()
        if cfg.acl_loss is not None:
            spatial = dict(dict(in_channels=in_channels),
                           **cfg.spatial_projection)
            self.student_heads['spatial'] = MODELS.build(spatial)
            self.acl_loss = MODELS.build(cfg.acl_loss)
            dim = spatial['out_channels']
            self.prototypes = ClassPrototypes(num_classes, dim,
                                              cfg.prototype_momentum)
            self.bank = MemoryBank(cfg.bank_size, dim)
        if cfg.long_branches:
            temporal = dict(dict(in_channels=in_channels),
                            **cfg.temporal_projection)
            self.student_heads['temporal'] = nn.ModuleList(
                MODELS.build(temporal) for _ in cfg.long_branches)
            self.mtl_losses = nn.ModuleList(
                MODELS.build(
                    dict(dict(out_channels=temporal['out_channels']),
                         **cfg.mtl_loss)) for _ in cfg.long_branches)
        self.unsup_loss = MODELS.build(dict(type='MaskedCrossEntropyLoss'))
        self.teacher_heads = copy.deepcopy(self.student_heads)
        self.teacher_heads.requires_grad_(False)
        self.teacher_heads.eval()

    def ema_pairs(self) -> list:
        return super().ema_pairs() + [(self.student_heads,
                                       self.teacher_heads)]

    @property
    def with_acl(self) -> bool:
        return 'spatial' in self.student_heads

    @property
    def with_mtl(self) -> bool:
        return 'temporal' in self.student_heads

    @property
    def unlabeled_branches(self) -> Sequence[str]:
        cfg = self.semi_train_cfg
        return (cfg.weak_branch, cfg.strong_branch) + cfg.long_branches

    def semi_loss(self, multi_batch_inputs: Dict[str, Tensor],
                  multi_batch_data_samples: Dict[str, list]) -> dict:
        cfg = self.semi_train_cfg
        inputs, samples = multi_batch_inputs, multi_batch_data_samples
        labeled, weak = inputs[cfg.labeled_branch], inputs[cfg.weak_branch]
        num_l, num_u = labeled.shape[0], weak.shape[0]

        # student: labeled, strong x^S and (MTL) weak x^S in one pass
        student_inputs = [labeled, inputs[cfg.strong_branch]]
        if self.with_mtl:
            student_inputs.append(weak)
        logits, feats = recognizer_forward(self.student,
                                           torch.cat(student_inputs))
        pooled = pool_features(feats, logits.shape[0])
        logits_l, logits_s = logits[:num_l], logits[num_l:num_l + num_u]
        pooled_l, pooled_s = pooled[:num_l], pooled[num_l:num_l + num_u]

        # teacher: weak x^S and every x^{L_n}, pseudo-labels of Eq. 19
        with torch.no_grad():
            clips = [weak] + [inputs[b] for b in cfg.long_branches]
            t_logits, t_feats = recognizer_forward(self.teacher,
                                                   torch.cat(clips))
            t_probs = t_logits.softmax(1).view(len(clips), num_u, -1)
            pseudo, mask = threshold_pseudo_labels(t_probs.mean(0),
                                                   cfg.threshold)
            t_feats = t_feats.split(t_feats.shape[0] // len(clips))

        losses = self.supervised_loss(logits_l, samples[cfg.labeled_branch])
        weight = torch.full_like(mask, cfg.unsup_weight)
        if self.with_acl:
            acl_losses, gamma = self._acl(pooled_l, pooled_s,
                                          pool_features(t_feats[0], num_u),
                                          pseudo, samples[cfg.labeled_branch])
            losses.update(acl_losses)
            if cfg.reliability_weighting:
                weight = gamma
        losses['unsup_loss_cls'] = self.unsup_loss(logits_s, pseudo,
                                                   weight * mask)
        losses.update(
            self.log_pseudo_labels(pseudo, mask, samples[cfg.weak_branch]))
        if self.with_mtl:
            views = feats.shape[0] // logits.shape[0]  # clips per sample
            query = feats[(num_l + num_u) * views:].detach()
            losses['loss_mtl'] = self._mtl(pooled_s, query, t_feats[1:])
        if current_iter() < cfg.warmup_iters:  # supervised warm-up
            for key in ('unsup_loss_cls', 'loss_acl', 'loss_mtl'):
                if key in losses:
                    losses[key] = 0 * losses[key]
        return losses

    def _acl(self, pooled_l: Tensor, pooled_s: Tensor, t_pooled: Tensor,
             pseudo: Tensor, labeled_samples: list):
        """``L_ACL`` and the anchors' reliability ``gamma`` ``(N_u,)``;
        updates prototypes (first) and bank (last)."""
        spatial = self.student_heads['spatial']
        projected = spatial(torch.cat([pooled_l, pooled_s]))
        f_l, f_a = projected[:pooled_l.shape[0]], projected[pooled_l.shape[0]:]
        with torch.no_grad():
            f_p = F.normalize(self.teacher_heads['spatial'](t_pooled), dim=1)
        labels = torch.cat([s.gt_label.view(-1) for s in labeled_samples
                            ]).to(f_l.device)
        self.prototypes.update(f_l, labels)  # Eq. 4-5
        # the loss keeps the bank for its backward; the enqueue below is in
        # place, so the loss gets a copy
        bank_feats, bank_valid = self.bank.feats.clone(), self.bank.valid
        positive_mask, gamma, reliable = self.acl_loss.select_positives(
            f_p, pseudo, bank_feats, self.bank.labels,
            self.prototypes.prototypes, self.prototypes.initialized)
        loss = self.acl_loss(f_a, f_p, bank_feats, bank_valid, positive_mask)
        self.bank.enqueue(f_p, pseudo)
        return dict(
            loss_acl=loss,
            acl_gamma=gamma.mean(),
            acl_reliable_ratio=reliable.float().mean(),
            acl_bank_fill=torch.tensor(self.bank.fill)), gamma

    def _mtl(self, pooled_s: Tensor, query: Tensor,
             keys: List[Tensor]) -> Tensor:
        """``L_MTL`` (Eq. 12-18): mean over long scales of the DINO
        cross-entropy between ``g_tn(f^{k_n*})`` and ``g_sn(f^{q*})``."""
        losses = []
        for n, key in enumerate(keys):
            with torch.no_grad():
                calibrated = cross_scale_calibration(query, key)
                target = self.teacher_heads['temporal'][n](
                    pool_features(calibrated, pooled_s.shape[0]))
            student = self.student_heads['temporal'][n](pooled_s)
            losses.append(self.mtl_losses[n](student, target))
        return torch.stack(losses).mean()
