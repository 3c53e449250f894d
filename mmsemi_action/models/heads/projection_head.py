"""MLP projection head for contrastive embeddings."""
from typing import Optional

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

    Shapes: ``(N, in_channels)`` -> ``(N, out_channels)``.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int = 128,
                 hidden_channels: Optional[int] = None,
                 num_layers: int = 3) -> None:
        super().__init__()
        if num_layers < 1:
            raise ValueError(f'num_layers must be >= 1, got {num_layers}')
        hidden = hidden_channels or in_channels
        layers, width = [], in_channels
        for _ in range(num_layers - 1):
            layers += [nn.Linear(width, hidden), nn.BatchNorm1d(hidden),
                       nn.ReLU(inplace=True)]
            width = hidden
        layers.append(nn.Linear(width, out_channels))
        self.mlp = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        return self.mlp(x)
