"""ACL + MTL (Wang et al., "Learning Discriminative Spatio-temporal
Representations for Semi-supervised Action Recognition", ACM MM 2024)."""
import contextlib
import copy
from typing import Dict, List, Optional, Sequence

import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from torch import Tensor, nn
from torch.nn.modules.batchnorm import _BatchNorm

from ..memory import ClassPrototypes, MemoryBank
from ..utils import (current_iter, pool_features, recognizer_forward,
                     threshold_pseudo_labels)
from .semi_base import SemiBaseRecognizer

#: ``semi_train_cfg.contrastive`` values: ACL (Sec. 3.3) and the two
#: contrastive losses of Table 3
CONTRASTIVE = ('acl', 'moco', 'simclr')


def cross_scale_calibration(query: Tensor, key: Tensor) -> Tensor:
    """Calibrate a long-term clip's features by their similarity to the
    short-term clip (Eq. 13-14), pooled to one vector per clip.

    ``A_n(p) = cos(q, f^k(p))`` for every position ``p`` of the key map,
    ``q`` the query pooled to one vector; ``f^{k*} = mean_p A_n(p)
    f^k(p)``. "A_n is the generated attention map, where semantic positions
    unrelated to the short-term clip are assigned low weights" (Sec. 3.4):
    the paper gives no shapes, so the query is pooled (any key position may
    match any moment of the short clip) and the weighted map is averaged.
    The cosine is used as written (not clamped): a position opposed to the
    query counts against the mean.

    Args:
        query (Tensor): ``(N, C, ...)`` map or ``(N, C)`` vector (e.g.
            TimeSformer's class token) of the short clip.
        key (Tensor): ``(N, C, P...)`` map of the long clip with at least
            one position axis: a 3D CNN's ``T' x H' x W'`` cells, or a
            transformer's patch tokens as ``(N, C, L)``.

    Returns:
        Tensor: ``(N, C)`` calibrated, pooled key features.
    """
    if key.dim() < 3:
        raise ValueError(
            'cross_scale_calibration: the key needs positions (N, C, P...), '
            f'got {tuple(key.shape)}; a vector would make A_n one scalar '
            'per clip')
    q = query.flatten(2).mean(2) if query.dim() > 2 else query
    k = key.flatten(2)  # (N, C, P)
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
      the clip (Sec. 3.5) or ``unsup_weight`` (alpha) without it.
    * ``L_ACL`` (Eq. 4-11, :class:`AdaptiveContrastiveLoss`): prototypes
      (:class:`ClassPrototypes`) of the student's projected labeled
      features, anchor = student projection of the strong ``x^S``, naive
      positive = teacher projection of the weak ``x^S``, memory bank
      (:class:`MemoryBank`) of teacher projections with their
      pseudo-labels.
    * ``L_MTL`` (Eq. 12-18): per long scale ``n``, the teacher's long-clip
      feature map calibrated by the student's weak short-clip feature
      (:func:`cross_scale_calibration`) and projected by ``g_tn`` is the
      DINO target of ``g_sn`` on the student's strong short clip
      (:class:`DINOCrossEntropyLoss`); averaged over scales. The key map is
      what the head pools for a 3D CNN; for a transformer whose head reads
      one class token (TimeSformer) it is the patch tokens of the last
      layer, recorded by a forward hook (``mtl_key_layer``), so that A_n
      weighs positions as in the paper instead of scaling one vector.

    The student's weak short clip only feeds no-gradient quantities (the
    MTL query): it goes through a separate ``torch.no_grad`` forward when
    that gives the same result (no BatchNorm), saving its activations
    (``student_weak_no_grad``).

    Ownership of the state: prototypes, bank and DINO centres are buffers of
    this model (saved in checkpoints), identical on all ranks. The forward
    only stages their update (Algorithm 1: the step's prototypes first, used
    by this step's ACL; the bank entries and centre statistics after the
    loss); :class:`MemoryBankUpdateHook` writes them after the optimizer
    step, gathering / averaging across ranks. Projection heads ``h_s,
    g_sn`` train with the student; ``h_t, g_tn`` are their EMA, kept by
    :class:`EMATeacherHook` with the teacher recognizer
    (:meth:`ema_pairs`).

    Args: as :class:`SemiBaseRecognizer` (``with_teacher`` is always on).
        ``semi_train_cfg`` keys:

        - ``threshold`` (delta, 0.3), ``unsup_weight`` (alpha, 1.0).
        - ``warmup_iters`` (0): iterations trained on ``L_l`` alone (the
          other losses times 0; bank, prototypes and centres are updated).
          Not in the paper, which starts from ImageNet weights.
        - ``reliability_weighting`` (True): gamma replaces alpha (needs
          ``contrastive='acl'``).
        - ``contrastive`` (``'acl'``): the spatial contrastive loss:
          ``'acl'`` (Sec. 3.3), ``'moco'`` or ``'simclr'`` (Table 3:
          :class:`MoCoInfoNCELoss` against the bank, :class:`
          SimCLRInfoNCELoss` between the student's strong and weak short
          clips, with ACL's tau and mu_2), ``None`` (no contrastive loss).
        - ``acl_loss``: :class:`AdaptiveContrastiveLoss` config (tau 0.07,
          eps 0.7, mu_2 = ``loss_weight`` 1).
        - ``bank_size`` (4096), ``prototype_momentum`` (beta, 0.9).
        - ``spatial_projection``: ``MLPProjectionHead`` (128-d).
        - ``long_branches``: branches of the long-term clips, e.g.
          ``('long_0', 'long_1')``; empty: pseudo-labels from ``x^S`` alone
          and no MTL.
        - ``mtl_loss``: :class:`DINOCrossEntropyLoss` (tau_s 0.1, tau_t
          0.04, mu_1 = ``loss_weight`` 1); ``None`` switches L_MTL off
          while the long clips still vote in Eq. 19 (Table 2's baseline).
        - ``temporal_projection``: ``DINOProjectionHead`` (1024-d, 256-d
          bottleneck).
        - ``mtl_key_layer`` (``'auto'``): sub-module of the teacher's
          backbone whose output is the long clip's key map; ``None``: the
          features the head receives (a 3D CNN's map); ``'auto'``:
          ``'norm'`` (the final LayerNorm, applied to every token) for
          backbones with a class token (TimeSformer), else ``None``. Token
          outputs ``(N, L, C)`` lose their class token.
        - ``student_weak_no_grad`` (``'auto'``): forward the student's weak
          short clip on its own without gradient (True) or with the
          labeled and strong clips, detached (False); ``'auto'``: True
          unless the student has BatchNorm, whose batch statistics would
          then change (SimCLR needs its gradient: False).
        - ``labeled_branch``, ``weak_branch``, ``strong_branch``.

    Losses: ``sup_loss_cls``, ``unsup_loss_cls``, ``loss_acl`` (or
    ``loss_moco`` / ``loss_simclr``), ``loss_mtl``. Logged:
    ``unsup_mask_ratio``, ``unsup_pl_acc(_all)``, ``acl_gamma`` (mean
    anchor reliability), ``acl_reliable_ratio``, ``acl_bank_fill`` /
    ``moco_bank_fill`` (share of the bank this step's loss saw).
    """

    default_train_cfg = dict(
        threshold=0.3,
        unsup_weight=1.0,
        warmup_iters=0,
        reliability_weighting=True,
        contrastive='acl',
        acl_loss=dict(type='AdaptiveContrastiveLoss'),
        bank_size=4096,
        prototype_momentum=0.9,
        spatial_projection=dict(type='MLPProjectionHead', out_channels=128),
        long_branches=(),
        mtl_loss=dict(type='DINOCrossEntropyLoss'),
        temporal_projection=dict(
            type='DINOProjectionHead', out_channels=1024,
            bottleneck_channels=256),
        mtl_key_layer='auto',
        student_weak_no_grad='auto',
        weak_branch='weak',
        strong_branch='strong')

    #: losses zeroed during ``warmup_iters``
    unsup_loss_keys = ('unsup_loss_cls', 'loss_acl', 'loss_moco',
                       'loss_simclr', 'loss_mtl')

    def __init__(self, recognizer: dict, *args, with_teacher: bool = True,
                 **kwargs) -> None:
        if not with_teacher:
            raise ValueError('ACLMTLRecognizer needs with_teacher=True')
        super().__init__(recognizer, *args, with_teacher=True, **kwargs)
        cfg = self.semi_train_cfg
        cfg.long_branches = tuple(cfg.long_branches or ())
        if cfg.contrastive not in CONTRASTIVE + (None, ):
            raise ValueError(
                f'semi_train_cfg.contrastive must be one of {CONTRASTIVE} '
                f'or None, got {cfg.contrastive!r}')
        if cfg.acl_loss is None:
            raise ValueError(
                'semi_train_cfg.acl_loss holds ACL\'s settings (its '
                'temperature and loss_weight also serve the moco / simclr '
                'variants): switch the contrastive loss off with '
                'contrastive=None')
        if cfg.reliability_weighting and cfg.contrastive != 'acl':
            raise ValueError(
                'semi_train_cfg.reliability_weighting needs ACL (contrastive='
                f'{cfg.contrastive!r}): set reliability_weighting=False')
        self.contrastive = cfg.contrastive
        in_channels = recognizer['cls_head']['in_channels']
        num_classes = recognizer['cls_head']['num_classes']
        self.student_heads = nn.ModuleDict()
        if self.contrastive is not None:
            spatial = dict(dict(in_channels=in_channels),
                           **cfg.spatial_projection)
            self.student_heads['spatial'] = MODELS.build(spatial)
            dim = spatial['out_channels']
            acl_loss = MODELS.build(cfg.acl_loss)
            if self.contrastive == 'acl':
                self.acl_loss = acl_loss
                self.prototypes = ClassPrototypes(num_classes, dim,
                                                  cfg.prototype_momentum)
            else:  # Table 3: "same ... experiment setting": tau, mu_2
                loss_type = dict(moco='MoCoInfoNCELoss',
                                 simclr='SimCLRInfoNCELoss')[self.contrastive]
                self.contrastive_loss = MODELS.build(
                    dict(type=loss_type, temperature=acl_loss.temperature,
                         loss_weight=acl_loss.loss_weight))
            if self.contrastive in ('acl', 'moco'):
                self.bank = MemoryBank(cfg.bank_size, dim)
        if cfg.long_branches and cfg.mtl_loss is not None:
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
        self._key_layer = self._resolve_key_layer(cfg.mtl_key_layer)
        self._weak_no_grad = self._resolve_weak_no_grad(
            cfg.student_weak_no_grad)

    def _resolve_key_layer(self, layer) -> Optional[str]:
        backbone = self.teacher.backbone
        if layer == 'auto':
            layer = 'norm' if hasattr(backbone, 'cls_token') and isinstance(
                getattr(backbone, 'norm', None), nn.Module) else None
        if layer is not None:
            try:
                backbone.get_submodule(layer)
            except AttributeError as err:
                raise ValueError(
                    f'semi_train_cfg.mtl_key_layer={layer!r}: no such '
                    f'sub-module in {type(backbone).__name__}') from err
        return layer

    def _resolve_weak_no_grad(self, value) -> bool:
        if value not in ('auto', True, False):
            raise ValueError('semi_train_cfg.student_weak_no_grad must be '
                             f"'auto', True or False, got {value!r}")
        if self.contrastive == 'simclr':
            if value is True:
                raise ValueError(
                    "contrastive='simclr' trains on the student's weak "
                    'short clip: student_weak_no_grad must be False or '
                    "'auto'")
            return False
        if value == 'auto':
            return not any(
                isinstance(m, _BatchNorm) for m in self.student.modules())
        return value

    def ema_pairs(self) -> list:
        return super().ema_pairs() + [(self.student_heads,
                                       self.teacher_heads)]

    @property
    def with_acl(self) -> bool:
        return self.contrastive == 'acl'

    @property
    def with_mtl(self) -> bool:
        return 'temporal' in self.student_heads

    @property
    def unlabeled_branches(self) -> Sequence[str]:
        cfg = self.semi_train_cfg
        return (cfg.weak_branch, cfg.strong_branch) + cfg.long_branches

    @contextlib.contextmanager
    def _record_keys(self):
        """Record the output of ``mtl_key_layer`` of the teacher's
        backbone during the ``with`` block (a forward hook, removed on
        exit: a deep copy of the model carries no stale hook)."""
        recorded = []
        if not self.with_mtl or self._key_layer is None:
            yield recorded
            return
        module = self.teacher.backbone.get_submodule(self._key_layer)
        handle = module.register_forward_hook(
            lambda _m, _i, output: recorded.append(output))
        try:
            yield recorded
        finally:
            handle.remove()

    def _key_map(self, feats: Tensor) -> Tensor:
        """A long clip's key map ``(N, C, P...)``: a 3D CNN's map as is,
        transformer tokens ``(N, L, C)`` as ``(N, C, L)`` without the
        class token."""
        if self._key_layer is not None and feats.dim() == 3:
            skip = 1 if hasattr(self.teacher.backbone, 'cls_token') else 0
            feats = feats[:, skip:].transpose(1, 2)
        if feats.dim() < 3:
            raise ValueError(
                'ACLMTLRecognizer: the long clips\' features are one vector '
                f'per clip {tuple(feats.shape)}, so A_n (Eq. 13) would be '
                'one scalar; set semi_train_cfg.mtl_key_layer to a backbone '
                'sub-module whose output keeps the positions (TimeSformer: '
                "'norm')")
        return feats

    def semi_loss(self, multi_batch_inputs: Dict[str, Tensor],
                  multi_batch_data_samples: Dict[str, list]) -> dict:
        cfg = self.semi_train_cfg
        inputs, samples = multi_batch_inputs, multi_batch_data_samples
        labeled, weak = inputs[cfg.labeled_branch], inputs[cfg.weak_branch]
        num_l, num_u = labeled.shape[0], weak.shape[0]

        # student: labeled and strong x^S with gradient, in one pass (one
        # BatchNorm batch); the weak x^S joins it when it needs a gradient
        # (SimCLR) or shares BatchNorm statistics, else it is forwarded
        # alone without gradient (it only gives the MTL query)
        weak_in_pass = self.contrastive == 'simclr' or (
            self.with_mtl and not self._weak_no_grad)
        student_inputs = [labeled, inputs[cfg.strong_branch]]
        if weak_in_pass:
            student_inputs.append(weak)
        logits, feats = recognizer_forward(self.student,
                                           torch.cat(student_inputs))
        pooled = pool_features(feats, logits.shape[0])
        logits_l, logits_s = logits[:num_l], logits[num_l:num_l + num_u]
        pooled_l, pooled_s = pooled[:num_l], pooled[num_l:num_l + num_u]
        query = None
        if self.with_mtl and weak_in_pass:
            views = feats.shape[0] // logits.shape[0]  # clips per sample
            query = feats[(num_l + num_u) * views:].detach()
        elif self.with_mtl:
            with torch.no_grad():
                _, query = recognizer_forward(self.student, weak)

        # teacher: weak x^S and every x^{L_n}, pseudo-labels of Eq. 19
        with torch.no_grad():
            clips = [weak] + [inputs[b] for b in cfg.long_branches]
            with self._record_keys() as recorded:
                t_logits, t_feats = recognizer_forward(self.teacher,
                                                       torch.cat(clips))
            t_probs = t_logits.softmax(1).view(len(clips), num_u, -1)
            pseudo, mask = threshold_pseudo_labels(t_probs.mean(0),
                                                   cfg.threshold)
            t_pooled = pool_features(
                t_feats[:t_feats.shape[0] // len(clips)], num_u)
            keys = None
            if self.with_mtl:
                maps = recorded[-1] if recorded else t_feats
                keys = [
                    self._key_map(k)
                    for k in maps.split(maps.shape[0] // len(clips))[1:]
                ]

        losses = self.supervised_loss(logits_l, samples[cfg.labeled_branch])
        weight = torch.full_like(mask, cfg.unsup_weight)
        if self.contrastive == 'acl':
            acl_losses, gamma = self._acl(pooled_l, pooled_s, t_pooled,
                                          pseudo, samples[cfg.labeled_branch])
            losses.update(acl_losses)
            if cfg.reliability_weighting:
                weight = gamma
        elif self.contrastive == 'moco':
            losses.update(self._moco(pooled_s, t_pooled, pseudo))
        elif self.contrastive == 'simclr':
            projected = self.student_heads['spatial'](
                torch.cat([pooled_s, pooled[num_l + num_u:]]))
            losses['loss_simclr'] = self.contrastive_loss(
                projected[:num_u], projected[num_u:])
        losses['unsup_loss_cls'] = self.unsup_loss(logits_s, pseudo,
                                                   weight * mask)
        losses.update(
            self.log_pseudo_labels(pseudo, mask, samples[cfg.weak_branch]))
        if self.with_mtl:
            losses['loss_mtl'] = self._mtl(pooled_s, query, keys)
        if current_iter() < cfg.warmup_iters:  # supervised warm-up
            for key in self.unsup_loss_keys:
                if key in losses:
                    losses[key] = 0 * losses[key]
        return losses

    def _acl(self, pooled_l: Tensor, pooled_s: Tensor, t_pooled: Tensor,
             pseudo: Tensor, labeled_samples: list):
        """``L_ACL`` and the anchors' reliability ``gamma`` ``(N_u,)``.
        Algorithm 1: the prototypes of this step (line 2) serve its loss;
        they and the bank entries are staged for
        :class:`MemoryBankUpdateHook`."""
        spatial = self.student_heads['spatial']
        projected = spatial(torch.cat([pooled_l, pooled_s]))
        f_l, f_a = projected[:pooled_l.shape[0]], projected[pooled_l.shape[0]:]
        with torch.no_grad():
            f_p = F.normalize(self.teacher_heads['spatial'](t_pooled), dim=1)
        labels = torch.cat([s.gt_label.view(-1) for s in labeled_samples
                            ]).to(f_l.device)
        prototypes, has_prototype = self.prototypes.stage_update(
            f_l, labels)  # Eq. 4-5
        bank = self.bank
        positive_mask, gamma, reliable = self.acl_loss.select_positives(
            f_p, pseudo, bank.feats, bank.labels, prototypes, has_prototype)
        loss = self.acl_loss(f_a, f_p, bank.feats, bank.valid, positive_mask)
        bank_fill = torch.tensor(bank.fill)
        bank.stage(f_p, pseudo)
        return dict(
            loss_acl=loss,
            acl_gamma=gamma.mean(),
            acl_reliable_ratio=reliable.float().mean(),
            acl_bank_fill=bank_fill), gamma

    def _moco(self, pooled_s: Tensor, t_pooled: Tensor,
              pseudo: Tensor) -> dict:
        """Table 3's MoCo: InfoNCE of the anchor ``f^a`` against its naive
        positive ``f^p`` and the bank; ``f^p`` is staged for the bank."""
        f_a = self.student_heads['spatial'](pooled_s)
        with torch.no_grad():
            f_p = F.normalize(self.teacher_heads['spatial'](t_pooled), dim=1)
        bank = self.bank
        loss = self.contrastive_loss(f_a, f_p, bank.feats, bank.valid)
        bank_fill = torch.tensor(bank.fill)
        bank.stage(f_p, pseudo)
        return dict(loss_moco=loss, moco_bank_fill=bank_fill)

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
