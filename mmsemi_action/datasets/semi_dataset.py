"""The labeled and unlabeled sources of a semi-supervised run."""
from mmaction.registry import DATASETS
from mmengine.dataset import ConcatDataset

from .stream_index import fetch_at_stream_index


@DATASETS.register_module()
class SemiDataset(ConcatDataset):
    """``ConcatDataset([labeled, unlabeled])`` with named sources.

    Named keys (instead of a ``datasets`` list) let configs inherit and
    override one source, e.g.
    ``train_dataloader = dict(dataset=dict(labeled=dict(ann_file=...)))``.
    Indices ``[0, len(labeled))`` are labeled, the rest unlabeled; pair it
    with :class:`SemiSupervisedSampler`, whose :class:`StreamIndex` indices
    make every sample's augmentation a function of its stream position.

    In the main process (``num_workers=0``) the random states are put
    back after each sample, so that the training process's own random
    stream (dropout) does not depend on where the samples were loaded.

    Args:
        labeled (dict): config of the labeled dataset.
        unlabeled (dict): config of the unlabeled dataset.
        lazy_init (bool): as ``ConcatDataset``.
        ignore_keys (list[str], optional): as ``ConcatDataset``.
    """

    def __init__(self, labeled: dict = None, unlabeled: dict = None,
                 lazy_init: bool = False, ignore_keys=None,
                 **kwargs) -> None:
        if kwargs or labeled is None or unlabeled is None:
            raise TypeError(
                'train_dataloader.dataset (SemiDataset) takes labeled=dict('
                '...) and unlabeled=dict(...), got '
                f'{sorted(kwargs) or "no source"}' +
                (' (keys inherited from a base config\'s dataset: write '
                 "dataset=dict(_delete_=True, type='SemiDataset', "
                 'labeled=..., unlabeled=...) to drop them)'
                 if kwargs else ''))
        super().__init__(datasets=[labeled, unlabeled], lazy_init=lazy_init,
                         ignore_keys=ignore_keys)

    @property
    def labeled(self):
        return self.datasets[0]

    @property
    def unlabeled(self):
        return self.datasets[1]

    def __getitem__(self, idx):
        return fetch_at_stream_index(super().__getitem__, idx)
