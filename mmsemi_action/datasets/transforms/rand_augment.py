"""RandAugment with a random magnitude per clip, identical across frames."""
from typing import Tuple

import torch
from mmaction.datasets.transforms import TorchVisionWrapper
from mmaction.registry import TRANSFORMS


@TRANSFORMS.register_module()
class RandAugmentVideo(TorchVisionWrapper):
    """torchvision's ``RandAugment`` applied to a whole clip.

    ``TorchVisionWrapper`` hands torchvision the clip as one ``T x C x H x W``
    tensor, so the sampled operations and their magnitude are the same for
    every frame (the motion is left intact). As in FixMatch's RandAugment
    variant, the magnitude is drawn uniformly from ``magnitude_range`` for
    each clip instead of being fixed.

    Args:
        num_ops (int): operations per clip. Defaults to 2 (FixMatch).
        magnitude_range (tuple[int, int]): inclusive range of magnitude bins.
        num_magnitude_bins (int): number of magnitude bins. Defaults to 11.
    """

    def __init__(self,
                 num_ops: int = 2,
                 magnitude_range: Tuple[int, int] = (1, 10),
                 num_magnitude_bins: int = 11) -> None:
        low, high = magnitude_range
        if not 0 <= low <= high < num_magnitude_bins:
            raise ValueError(
                f'magnitude_range={magnitude_range} must lie within '
                f'[0, num_magnitude_bins={num_magnitude_bins})')
        super().__init__(
            'RandAugment',
            num_ops=num_ops,
            num_magnitude_bins=num_magnitude_bins)
        self.magnitude_range = (low, high)

    def transform(self, results: dict) -> dict:
        low, high = self.magnitude_range
        self.trans.magnitude = int(torch.randint(low, high + 1, ()).item())
        return super().transform(results)
