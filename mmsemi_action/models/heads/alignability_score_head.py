"""FinePseudo's learnable alignability score (Eq. 3)."""
from mmaction.registry import MODELS
from torch import Tensor, nn


@MODELS.register_module()
class AlignabilityScoreHead(nn.Module):
    """``f_S``: a small learnable non-linear scaling of the alignment
    distance; ``S(u, v) = sigmoid(f_S(D(u, v)))`` (Eq. 3) lies in ``[0, 1]``
    (0: not alignable, 1: fully alignable).

    ``f_S`` is ``Linear(1, h) - ReLU - Linear(h, 1)`` (the paper gives no
    form beyond "small learnable non-linear scaling"; our choice).

    Args:
        hidden_channels (int): ``h``. Defaults to 16.

    Shapes: ``forward``: ``D`` of any shape ``(...)`` -> logits ``(...)``;
    :meth:`score`: ``S`` ``(...)``.
    """

    def __init__(self, hidden_channels: int = 16) -> None:
        super().__init__()
        self.scale = nn.Sequential(
            nn.Linear(1, hidden_channels), nn.ReLU(inplace=True),
            nn.Linear(hidden_channels, 1))

    def forward(self, dist: Tensor) -> Tensor:
        return self.scale(dist.unsqueeze(-1).float()).squeeze(-1)

    def score(self, dist: Tensor) -> Tensor:
        return self.forward(dist).sigmoid()
