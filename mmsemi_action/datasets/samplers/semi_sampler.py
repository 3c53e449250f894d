"""Infinite sampler mixing labeled and unlabeled data at a fixed ratio."""
from typing import Iterator, Sequence

import torch
from mmaction.registry import DATA_SAMPLERS
from mmengine.dataset import ConcatDataset
from mmengine.dist import get_dist_info, sync_random_seed
from mmengine.logging import MessageHub
from torch.utils.data import Sampler

from ..stream_index import StreamIndex


@DATA_SAMPLERS.register_module()
class SemiSupervisedSampler(Sampler):
    """Every batch holds samples of each source in ``source_ratio``.

    Used with a :class:`mmengine.dataset.ConcatDataset` of (labeled,
    unlabeled) datasets, as mmdetection's ``MultiSourceSampler``. With
    ``batch_size=12`` and ``source_ratio=[1, 5]`` each batch (per rank) has 2
    labeled then 10 unlabeled indices, which the ``DataLoader``'s
    ``BatchSampler`` of the same ``batch_size`` keeps together.

    Each source is an endless stream of seeded permutations (one per pass,
    ``torch.Generator`` seeded with ``seed + 1000003 * source + pass``). Rank
    ``r`` of ``W`` takes stream positions ``r, r + W, r + 2W, ...`` so ranks
    draw disjoint samples within a pass. Because the stream is a pure
    function of its position, :meth:`resume` fast-forwards it
    without decoding anything: a resumed run continues the stream.

    Args:
        dataset (ConcatDataset): the concatenated sources.
        batch_size (int): samples per batch on one rank.
        source_ratio (list[int]): relative share of each source.
        shuffle (bool): shuffle each pass. Defaults to True.
        seed (int, optional): synchronised across ranks when None.
    """

    def __init__(self,
                 dataset: ConcatDataset,
                 batch_size: int,
                 source_ratio: Sequence[int],
                 shuffle: bool = True,
                 seed=None) -> None:
        if not isinstance(dataset, ConcatDataset):
            raise TypeError('SemiSupervisedSampler needs a ConcatDataset of '
                            f'(labeled, unlabeled), got {type(dataset)}')
        if len(source_ratio) != len(dataset.datasets):
            raise ValueError(
                f'source_ratio {list(source_ratio)} has {len(source_ratio)} '
                f'entries but the dataset has {len(dataset.datasets)} sources')
        if batch_size % sum(source_ratio):
            raise ValueError(
                f'batch_size={batch_size} is not divisible by '
                f'sum(source_ratio)={sum(source_ratio)} '
                f'(source_ratio={list(source_ratio)})')
        self.rank, self.world_size = get_dist_info()
        self.dataset = dataset
        self.batch_size = batch_size
        self.source_ratio = list(source_ratio)
        self.num_per_source = [
            batch_size // sum(source_ratio) * r for r in source_ratio
        ]
        self.cumulative_sizes = [0] + list(dataset.cumulative_sizes)
        for source, (num, sub) in enumerate(
                zip(self.num_per_source, dataset.datasets)):
            needed = num * self.world_size
            if len(sub) < needed:
                ann = getattr(sub, 'ann_file', f'source {source}')
                raise ValueError(
                    f'{ann} has {len(sub)} samples, fewer than the {needed} '
                    f'one global batch draws from it (batch_size={batch_size}'
                    f', source_ratio={list(source_ratio)}, '
                    f'world_size={self.world_size})')
        self.shuffle = shuffle
        self.seed = sync_random_seed() if seed is None else seed
        self.start_batch = 0
        # runtime info of the message hub is saved in every checkpoint
        MessageHub.get_current_instance().update_info(
            self.STATE_KEY, self.state_dict())

    STATE_KEY = 'semi_sampler'

    def state_dict(self) -> dict:
        """What defines the sample stream (saved with the checkpoint)."""
        return dict(
            seed=self.seed,
            batch_size=self.batch_size,
            source_ratio=self.source_ratio,
            world_size=self.world_size,
            sizes=[len(d) for d in self.dataset.datasets])

    def resume(self, state: dict, batch: int) -> None:
        """Continue the stream of a checkpoint after ``batch`` batches.

        Args:
            state (dict): :meth:`state_dict` of the interrupted run.
            batch (int): batches (iterations) already trained.
        """
        current = self.state_dict()
        changed = [k for k in current if k != 'seed' and
                   state.get(k) != current[k]]
        if changed:
            raise ValueError(
                'cannot resume the sample stream: sampler settings '
                f'{changed} differ from the checkpoint ({state} vs '
                f'{current})')
        self.seed = state['seed']
        self.start_batch = batch

    def _order(self, source: int, size: int, pass_idx: int) -> torch.Tensor:
        if not self.shuffle:
            return torch.arange(size)
        generator = torch.Generator()
        generator.manual_seed(self.seed + 1000003 * source + pass_idx)
        return torch.randperm(size, generator=generator)

    def _source_stream(self, source: int) -> Iterator[int]:
        size = len(self.dataset.datasets[source])
        offset = self.cumulative_sizes[source]
        # global stream position of this rank's first sample
        position = (self.start_batch * self.num_per_source[source] *
                    self.world_size + self.rank)
        pass_idx, index = divmod(position, size)
        order = self._order(source, size, pass_idx)
        while True:
            yield StreamIndex(offset + int(order[index]), self.seed, source,
                              position)
            position += self.world_size
            index += self.world_size
            while index >= size:
                index -= size
                pass_idx += 1
                order = self._order(source, size, pass_idx)

    def __iter__(self) -> Iterator[int]:
        streams = [self._source_stream(s) for s in range(len(self.source_ratio))]
        while True:
            for stream, num in zip(streams, self.num_per_source):
                for _ in range(num):
                    yield next(stream)

    def __len__(self) -> int:
        return len(self.dataset)

    def set_epoch(self, epoch: int) -> None:
        """Unused: the sampler is infinite (IterBasedTrainLoop)."""
