"""Projection heads for contrastive and self-distillation embeddings."""
from typing import Optional

import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from torch import Tensor, nn


@MODELS.register_module()
class MLPProjectionHead(nn.Module):
    """``num_layers`` linear layers with BatchNorm + ReLU between them
    (LTG: a 3-layer MLP per stream, SimCLR style).

    Args:
        in_channels (int): pooled backbone feature size.
        out_channels (int): embedding size. Defaults to 128.
        hidden_channels (int, optional): defaults to ``in_channels``.
        num_layers (int): defaults to 3.
        out_norm (bool): BatchNorm after the last layer, which then has no
            bias (TimeBalance's g, supp. B.1.2: Linear-BN-ReLU-
            Linear(bias=False)-BN). Defaults to False.

    Shapes: ``(N, in_channels)`` -> ``(N, out_channels)``.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int = 128,
                 hidden_channels: Optional[int] = None,
                 num_layers: int = 3,
                 out_norm: bool = False) -> None:
        super().__init__()
        if num_layers < 1:
            raise ValueError(f'num_layers must be >= 1, got {num_layers}')
        hidden = hidden_channels or in_channels
        layers, width = [], in_channels
        for _ in range(num_layers - 1):
            layers += [nn.Linear(width, hidden), nn.BatchNorm1d(hidden),
                       nn.ReLU(inplace=True)]
            width = hidden
        layers.append(nn.Linear(width, out_channels, bias=not out_norm))
        if out_norm:
            layers.append(nn.BatchNorm1d(out_channels))
        self.mlp = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        return self.mlp(x)


@MODELS.register_module()
class DINOProjectionHead(nn.Module):
    """DINO's projection head (Caron et al., ICCV 2021, ``DINOHead``):
    ``num_layers - 1`` linear layers with GELU and no normalisation, a
    linear layer to an L2-normalised bottleneck, then a weight-normalised
    linear layer without bias whose weight norms are fixed to 1, so the
    outputs are cosine similarities to ``out_channels`` learned directions,
    in ``[-1, 1]``. With DINO's temperatures (tau_t = 0.04) the teacher's
    softmax is then sharp whatever the feature scale. ACL+MTL's temporal
    heads ``g_sn`` / ``g_tn`` follow DINO (Sec. 3.4, "following DINO").

    As DINO's head: GELU, no BatchNorm (DINO's ``use_bn=False`` default for
    ViTs; a BN head would also run the frozen teacher copy ``g_tn`` on
    averaged running statistics), hidden width 2048, bottleneck 256,
    truncated-normal weights (std 0.02) and zero biases.

    Args:
        in_channels (int): pooled backbone feature size.
        out_channels (int): number of output dimensions (DINO: 65536).
            Defaults to 1024.
        bottleneck_channels (int): Defaults to 256 (DINO).
        hidden_channels (int): Defaults to 2048 (DINO).
        num_layers (int): linear layers before the last one (DINO: 3).
            Defaults to 3.

    Shapes: ``(N, in_channels)`` -> ``(N, out_channels)``.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int = 1024,
                 bottleneck_channels: int = 256,
                 hidden_channels: int = 2048,
                 num_layers: int = 3) -> None:
        super().__init__()
        if num_layers < 1:
            raise ValueError(f'num_layers must be >= 1, got {num_layers}')
        layers, width = [], in_channels
        for _ in range(num_layers - 1):
            layers += [nn.Linear(width, hidden_channels), nn.GELU()]
            width = hidden_channels
        layers.append(nn.Linear(width, bottleneck_channels))
        self.mlp = nn.Sequential(*layers)
        for layer in self.mlp:
            if isinstance(layer, nn.Linear):
                nn.init.trunc_normal_(layer.weight, std=0.02)
                nn.init.zeros_(layer.bias)
        self.last_layer = nn.Parameter(
            torch.empty(out_channels, bottleneck_channels))
        nn.init.trunc_normal_(self.last_layer, std=0.02)

    def forward(self, x: Tensor) -> Tensor:
        x = F.normalize(self.mlp(x), dim=1)
        return x @ F.normalize(self.last_layer, dim=1).t()
