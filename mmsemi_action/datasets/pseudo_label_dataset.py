"""The training set of a self-training round: labeled videos and the
pseudo-labeled unlabeled videos, pooled."""
import copy
from typing import Sequence

from mmaction.registry import DATASETS
from torch.utils.data import Dataset

from .stream_index import fetch_at_stream_index


@DATASETS.register_module()
class PseudoLabelDataset(Dataset):
    """Labeled videos followed by the unlabeled videos kept by the last
    pseudo-labelling round, each with its pseudo-label (FinePseudo's
    Algorithm 1: "add (sample, predicted label) to D_l").

    Indices ``[0, len(labeled))`` are the labeled videos; the next
    ``len(pseudo)`` ones are unlabeled videos whose ``label`` is replaced by
    the pseudo-label before the pipeline runs: the true label of an
    unlabeled video (when its list has one) never reaches a sample.
    :class:`PseudoLabelFilterHook` sets the pseudo-labels at each round
    boundary (:meth:`set_pseudo_labels`) and rebuilds the data loader.
    Before the first round it is the labeled set alone.

    Draw from it with ``SemiSupervisedSampler(source_ratio=[1])`` (one
    pooled source); :class:`StreamIndex` indices seed each sample's
    augmentation from its stream position, as in :class:`SemiDataset`.

    Args:
        labeled (dict): the labeled dataset (e.g. ``SemiVideoDataset``).
        unlabeled (dict): the unlabeled dataset, with the pipeline the
            pseudo-labeled videos are trained with (normally the labeled
            pipeline) and ``labeled=False``.
    """

    def __init__(self, labeled: dict = None, unlabeled: dict = None,
                 **kwargs) -> None:
        if kwargs or labeled is None or unlabeled is None:
            raise TypeError(
                'train_dataloader.dataset (PseudoLabelDataset) takes '
                'labeled=dict(...) and unlabeled=dict(...), got '
                f'{sorted(kwargs) or "no source"}')
        self.datasets = [
            DATASETS.build(copy.deepcopy(cfg)) if isinstance(cfg, dict) else
            cfg for cfg in (labeled, unlabeled)
        ]
        self.pseudo_indices = []
        self.pseudo_labels = []

    @property
    def labeled(self):
        return self.datasets[0]

    @property
    def unlabeled(self):
        return self.datasets[1]

    @property
    def metainfo(self) -> dict:
        return self.labeled.metainfo

    def set_pseudo_labels(self, indices: Sequence[int],
                          labels: Sequence[int]) -> None:
        """Use unlabeled videos ``indices`` with ``labels`` (replacing the
        previous round's)."""
        indices, labels = [int(i) for i in indices], [int(y) for y in labels]
        if len(indices) != len(labels):
            raise ValueError(f'{len(indices)} indices, {len(labels)} labels')
        size = len(self.unlabeled)
        bad = [i for i in indices if not 0 <= i < size]
        if bad:
            raise IndexError(
                f'unlabeled indices {bad[:5]} outside [0, {size})')
        self.pseudo_indices, self.pseudo_labels = indices, labels

    def __len__(self) -> int:
        return len(self.labeled) + len(self.pseudo_indices)

    def get_data_info(self, idx: int) -> dict:
        num_labeled = len(self.labeled)
        if idx < num_labeled:
            return self.labeled.get_data_info(idx)
        k = idx - num_labeled
        info = self.unlabeled.get_data_info(self.pseudo_indices[k])
        info['label'] = self.pseudo_labels[k]
        info['pseudo_label'] = True
        return info

    def _fetch(self, idx: int):
        if idx < len(self.labeled):
            return self.labeled[idx]
        info = self.get_data_info(idx)
        try:
            data = self.unlabeled.pipeline(info)
        except Exception as error:
            raise RuntimeError(
                f'failed to load pseudo-labeled video {info["filename"]} '
                f'listed in {self.unlabeled.ann_file}: {error}') from error
        if data is None:
            raise RuntimeError(
                f'the pipeline dropped pseudo-labeled video '
                f'{info["filename"]} ({self.unlabeled.ann_file})')
        return data

    def __getitem__(self, idx):
        return fetch_at_stream_index(self._fetch, idx)
