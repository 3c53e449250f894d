"""FinePseudo's alignability encoder ``f_A``: a frame-wise video
transformer (VTN, Neimark et al. 2021)."""
from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.model import BaseModule
from torch import Tensor, nn


@MODELS.register_module()
class FrameTransformer(BaseModule):
    """A 2D frame backbone, then a temporal transformer: one embedding per
    frame (FinePseudo, Sec. 3.1: ``u`` of shape ``T x F``).

    Each frame goes through ``backbone`` (any 2D backbone of MMAction2 or
    mmpretrain, e.g. ``dict(type='mmpretrain.ResNet', depth=50)``), is
    average-pooled to a ``spatial_grid`` (``(1, 1)``: global; a coarse
    grid keeps where things are, which a global pool loses) and projected
    to ``embed_dims``; a learnable temporal
    position embedding is added and ``num_layers`` pre-norm transformer
    encoder layers attend across the ``T`` frames; a linear layer gives
    the ``out_channels`` = ``F`` embedding of each frame.

    With ``frame_difference`` each frame enters the backbone together with
    its difference to the previous frame (``[x_t, x_t - x_{t-1}]``, zeros
    for the first frame; the backbone then takes ``2 C`` input channels).
    Our addition, off by default (the paper's VTN sees frames alone): on
    the synthetic sets a single frame shows nothing of the class by
    construction (random shape, colours, place), so a frame-wise embedding
    needs a motion cue to align phases.

    Args:
        backbone (dict): 2D backbone config; its last output is used.
        in_channels (int): channels of that output.
        spatial_grid (tuple[int]): ``(h, w)`` cells the map is pooled to.
            Defaults to ``(1, 1)``.
        embed_dims (int): transformer width. Defaults to 256.
        out_channels (int): ``F``. Defaults to 128.
        num_layers (int): transformer layers. Defaults to 2.
        num_heads (int): attention heads. Defaults to 4.
        max_frames (int): longest clip (size of the position table).
        frame_difference (bool): feed ``[x_t, x_t - x_{t-1}]`` to the
            backbone (``2 C`` channels). Defaults to False.
        dropout (float): transformer dropout. Defaults to 0.1.
        init_cfg (dict, optional): e.g. ``Pretrained`` with a ``prefix``
            to load a self-supervised ``f_A``.

    Shapes: ``(B, C, T, H, W)`` (or ``(B, V, C, T, H, W)`` with ``V`` clips,
    folded into the batch) -> ``(B [* V], T, out_channels)``.
    """

    def __init__(self,
                 backbone: dict,
                 in_channels: int,
                 spatial_grid: Tuple[int, int] = (1, 1),
                 embed_dims: int = 256,
                 out_channels: int = 128,
                 num_layers: int = 2,
                 num_heads: int = 4,
                 max_frames: int = 64,
                 dropout: float = 0.1,
                 frame_difference: bool = False,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.spatial_grid = tuple(spatial_grid)
        self.frame_proj = nn.Linear(
            in_channels * self.spatial_grid[0] * self.spatial_grid[1],
            embed_dims)
        self.pos_embed = nn.Parameter(torch.zeros(1, max_frames, embed_dims))
        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        layer = nn.TransformerEncoderLayer(
            embed_dims, num_heads, dim_feedforward=4 * embed_dims,
            dropout=dropout, batch_first=True, norm_first=True)
        self.temporal = nn.TransformerEncoder(
            layer, num_layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(embed_dims)
        self.out_proj = nn.Linear(embed_dims, out_channels)
        self.max_frames = max_frames
        self.out_channels = out_channels
        self.frame_difference = frame_difference

    def forward(self, inputs: Tensor) -> Tensor:
        if inputs.dim() == 6:
            inputs = inputs.flatten(0, 1)
        batch, channels, frames, height, width = inputs.shape
        if frames > self.max_frames:
            raise ValueError(
                f'FrameTransformer: clips of {frames} frames exceed '
                f'max_frames={self.max_frames}')
        if self.frame_difference:
            diff = inputs.diff(dim=2, prepend=inputs[:, :, :1])
            inputs = torch.cat([inputs, diff], dim=1)
            channels *= 2
        x = inputs.transpose(1, 2).reshape(batch * frames, channels, height,
                                           width)
        feats = self.backbone(x)
        if isinstance(feats, (tuple, list)):
            feats = feats[-1]
        if feats.dim() > 2:
            feats = F.adaptive_avg_pool2d(feats, self.spatial_grid).flatten(1)
        x = self.frame_proj(feats).view(batch, frames, -1)
        x = self.temporal(x + self.pos_embed[:, :frames])
        return self.out_proj(self.norm(x))
