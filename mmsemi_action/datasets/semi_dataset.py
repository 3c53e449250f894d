"""The labeled and unlabeled sources of a semi-supervised run."""
from mmaction.registry import DATASETS
from mmengine.dataset import ConcatDataset

from .stream_index import StreamIndex


@DATASETS.register_module()
class SemiDataset(ConcatDataset):
    """``ConcatDataset([labeled, unlabeled])`` with named sources.

    Named keys (instead of a ``datasets`` list) let configs inherit and
    override one source, e.g.
    ``train_dataloader = dict(dataset=dict(labeled=dict(ann_file=...)))``.
    Indices ``[0, len(labeled))`` are labeled, the rest unlabeled; pair it
    with :class:`SemiSupervisedSampler`, whose :class:`StreamIndex` indices
    make every sample's augmentation a function of its stream position.

    Args:
        labeled (dict): config of the labeled dataset.
        unlabeled (dict): config of the unlabeled dataset.
    """

    def __init__(self, labeled: dict, unlabeled: dict, **kwargs) -> None:
        super().__init__(datasets=[labeled, unlabeled], **kwargs)

    @property
    def labeled(self):
        return self.datasets[0]

    @property
    def unlabeled(self):
        return self.datasets[1]

    def __getitem__(self, idx):
        if isinstance(idx, StreamIndex):
            idx.seed_random_generators()
        return super().__getitem__(int(idx))
