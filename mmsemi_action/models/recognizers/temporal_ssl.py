"""Stage 1 of TimeBalance (Dave et al., CVPR 2023, Sec. 3.1): the
self-supervised temporally-invariant and temporally-distinctive teachers."""
import copy
import warnings
from typing import Dict, Sequence

import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.model import BaseModel
from torch import Tensor

from ..utils import pool_features

OBJECTIVES = ('invariant', 'distinctive')


@MODELS.register_module()
class TemporalSelfSupervisedModel(BaseModel):
    """A recognizer's backbone and a projection head ``g`` trained without
    labels on ``n`` consecutive clips per video (branches ``clip_0`` ..
    ``clip_{n-1}``, from one decode by :class:`SampleMultiViewFrames` with
    ``shift``):

    * ``objective='invariant'`` (``f_I``): ``L_I`` (Eq. 1) over the clips'
      projections, the other videos of the global batch as negatives.
    * ``objective='distinctive'`` (``f_D``): ``L_D = L_D1 + L_D2``:
      ``L_D1`` (Eq. 3) with the augmented copies (branches ``aug_t``: the
      same frames, another augmentation) as positives; ``L_D2`` (supp.
      Fig. 7, TCLR's local-global loss) between the pooled clips and the
      ``n`` temporal slices of one long clip's unpooled feature map (branch
      ``long``, spanning the ``n`` clips; its spatially pooled map is
      average-pooled to ``n`` time steps). ``local_global=False`` drops
      ``L_D2``.

    ``g`` (supp. B.1.2): Linear(C, 512)-BN-ReLU-Linear(512, 128)-BN. Labels
    are never read. The backbone's weights are ``recognizer.backbone.*``
    in the checkpoint.

    Args:
        recognizer (dict): an MMAction2 recognizer config; its head is not
            built (only ``cls_head.in_channels`` is read, the feature size).
        objective (str): ``'invariant'`` or ``'distinctive'``.
        num_clips (int): ``n`` (Table 5: 4 by default).
        projection (dict): the head ``g``.
        temperature (float): tau (0.1, Sec. 4.2).
        local_global (bool): add ``L_D2`` to the distinctive objective.
        data_preprocessor (dict, optional): defaults to a
            ``MultiBranchDataPreprocessor`` around the recognizer's.
    """

    def __init__(self,
                 recognizer: dict,
                 objective: str = 'invariant',
                 num_clips: int = 4,
                 projection: dict = dict(
                     type='MLPProjectionHead',
                     out_channels=128,
                     hidden_channels=512,
                     num_layers=2,
                     out_norm=True),
                 temperature: float = 0.1,
                 local_global: bool = True,
                 data_preprocessor: dict = None,
                 init_cfg: dict = None) -> None:
        if objective not in OBJECTIVES:
            raise ValueError(f'TemporalSelfSupervisedModel: objective must be '
                             f'one of {OBJECTIVES}, got {objective!r}')
        if num_clips < 2:
            raise ValueError('TemporalSelfSupervisedModel: num_clips must be '
                             f'>= 2, got {num_clips}')
        recognizer = copy.deepcopy(dict(recognizer))
        if data_preprocessor is None:
            data_preprocessor = dict(
                type='MultiBranchDataPreprocessor',
                data_preprocessor=recognizer.get(
                    'data_preprocessor', dict(type='ActionDataPreprocessor')))
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        head = recognizer.pop('cls_head', None) or {}
        if 'in_channels' not in head:
            raise ValueError(
                'TemporalSelfSupervisedModel: recognizer.cls_head.'
                'in_channels (the backbone feature size) is needed')
        recognizer.pop('data_preprocessor', None)
        self.recognizer = MODELS.build(recognizer)
        self.head = MODELS.build(
            dict(dict(in_channels=head['in_channels']), **projection))
        self.objective = objective
        self.num_clips = num_clips
        self.local_global = local_global and objective == 'distinctive'
        self.loss_fn = MODELS.build(
            dict(type='TemporalContrastiveLoss', objective=objective,
                 temperature=temperature))
        if self.local_global:
            self.local_global_loss = MODELS.build(
                dict(type='TemporalContrastiveLoss',
                     objective='local_global', temperature=temperature))

    # branches --------------------------------------------------------
    def branches(self, kind: str) -> Sequence[str]:
        """``clip_t`` / ``aug_t`` branch names, ``t < n``."""
        return [f'{kind}_{t}' for t in range(self.num_clips)]

    def required_branches(self) -> Dict[str, Sequence[str]]:
        """Every source (labeled and unlabeled videos alike: labels are not
        read) must build these branches."""
        names = list(self.branches('clip'))
        if self.objective == 'distinctive':
            names += self.branches('aug')
        if self.local_global:
            names.append('long')
        return dict(labeled=names, unlabeled=names)

    def trained_networks(self) -> dict:
        return dict(recognizer=self.recognizer)

    # forward ---------------------------------------------------------
    def features(self, inputs: Tensor) -> Tensor:
        """Backbone features of ``(B, V, ...)`` clips, ``(B * V, C, ...)``.
        """
        feats, _ = self.recognizer.extract_feat(inputs, stage='backbone')
        return feats

    def project(self, clips: Sequence[Tensor]) -> Tensor:
        """Projections ``(B, k, D)`` of ``k`` branches ``(B, ...)`` of one
        shape, in one forward pass."""
        x = torch.cat(list(clips))
        pooled = pool_features(self.features(x), x.shape[0])
        z = self.head(pooled)
        return z.view(len(clips), -1, z.shape[-1]).transpose(0, 1)

    def slice_projections(self, long: Tensor) -> Tensor:
        """``(B, n, D)`` projections of the ``n`` temporal slices of the
        long clips' unpooled feature maps ``(B, C, T', H', W')``."""
        feats = self.features(long)
        if feats.dim() != 5:
            raise ValueError('local_global needs a 3D backbone feature map '
                             f'(B, C, T, H, W), got {tuple(feats.shape)}')
        b = long.shape[0]
        if feats.shape[2] < self.num_clips:
            warnings.warn(
                f'TemporalSelfSupervisedModel: the long clip\'s feature map '
                f'has {feats.shape[2]} time steps for n = {self.num_clips} '
                'clips, so L_D2\'s slices repeat time steps (neighbouring '
                'clips share their aligned slice); lengthen the long clip '
                'or use a backbone with less temporal downsampling')
        temporal = feats.mean((3, 4)).view(b, -1, *feats.shape[1:3]).mean(1)
        slices = F.adaptive_avg_pool1d(temporal, self.num_clips)  # (B, C, n)
        z = self.head(slices.transpose(1, 2).flatten(0, 1))
        return z.view(b, self.num_clips, -1)

    def loss(self, inputs: Dict[str, Tensor], data_samples=None) -> dict:
        clips = [inputs[name] for name in self.branches('clip')]
        if self.objective == 'invariant':
            return dict(loss_inv=self.loss_fn(self.project(clips)))
        z = self.project(clips + [inputs[n] for n in self.branches('aug')])
        n = self.num_clips
        losses = dict(loss_d1=self.loss_fn(z[:, :n], z[:, n:]))
        if self.local_global:
            losses['loss_d2'] = self.local_global_loss(
                z[:, :n], self.slice_projections(inputs['long']))
        return losses

    def forward(self, inputs, data_samples=None, mode: str = 'tensor'):
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'tensor':
            return self.project(
                [inputs[name] for name in self.branches('clip')])
        raise RuntimeError(
            f'TemporalSelfSupervisedModel has no {mode!r} mode: it trains '
            'without labels; fine-tune its backbone in a recognizer to '
            'predict')
