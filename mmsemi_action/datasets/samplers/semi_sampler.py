"""Infinite sampler mixing labeled and unlabeled data at a fixed ratio."""
import math
import sys
from typing import Iterator, Optional, Sequence

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

    An epoch of a semi-supervised run is one pass over the last source
    (the unlabeled set): :attr:`iters_per_epoch` batches, which is also
    ``len(dataloader)``, so MMEngine's ``convert_to_iter_based`` and
    :class:`SemiIterBasedTrainLoop` turn epoch-based settings into
    iterations with it.

    A dataset that is not a ``ConcatDataset`` (e.g. FinePseudo's
    :class:`PseudoLabelDataset`, labeled and pseudo-labeled videos pooled)
    is one source: ``source_ratio=[1]``.

    Args:
        dataset (ConcatDataset | Dataset): the concatenated sources, or one.
        batch_size (int): samples per batch on one rank. Give it once, as
            ``train_dataloader.batch_size``: :class:`SemiIterBasedTrainLoop`
            copies it here (a different value here is refused).
        source_ratio (list[int]): relative share of each source, each a
            positive integer.
        shuffle (bool): shuffle each pass. Defaults to True.
        seed (int, optional): synchronised across ranks when None.
        first_batch (int): the training iteration at which this stream
            starts (0; a sampler rebuilt mid-run, when a self-training round
            changes the dataset, starts at that round's first iteration).
            Saved with the state, so that :meth:`resume` positions the
            stream at ``iteration - first_batch``.
    """

    def __init__(self,
                 dataset: ConcatDataset,
                 batch_size: Optional[int] = None,
                 source_ratio: Sequence[int] = (1, 1),
                 shuffle: bool = True,
                 seed=None,
                 first_batch: int = 0) -> None:
        _refuse_epoch_based_loops()
        sources = list(dataset.datasets) if isinstance(
            dataset, ConcatDataset) else [dataset]
        if batch_size is None:
            raise ValueError(
                'SemiSupervisedSampler: batch_size is not set; set '
                'train_dataloader.batch_size and train with '
                "train_cfg.type='SemiIterBasedTrainLoop', which passes it on")
        if len(source_ratio) != len(sources):
            raise ValueError(
                f'source_ratio {list(source_ratio)} has {len(source_ratio)} '
                f'entries but the dataset ({type(dataset).__name__}) has '
                f'{len(sources)} source' + ('s' if len(sources) > 1 else
                                            ' (write source_ratio=[1])'))
        if any(not isinstance(r, int) or isinstance(r, bool) or r <= 0
               for r in source_ratio):
            raise ValueError(
                'train_dataloader.sampler.source_ratio must hold one positive '
                f'integer per source (labeled, unlabeled), got '
                f'{list(source_ratio)}: a zero share leaves that source out '
                'of every batch')
        if batch_size % sum(source_ratio):
            raise ValueError(
                f'batch_size={batch_size} is not divisible by '
                f'sum(source_ratio)={sum(source_ratio)} '
                f'(source_ratio={list(source_ratio)})')
        self.rank, self.world_size = get_dist_info()
        self.dataset = dataset
        self.sources = sources
        self.batch_size = batch_size
        self.source_ratio = list(source_ratio)
        self.num_per_source = [
            batch_size // sum(source_ratio) * r for r in source_ratio
        ]
        self.cumulative_sizes = [0] + list(
            getattr(dataset, 'cumulative_sizes', [len(dataset)]))
        for source, (num, sub) in enumerate(zip(self.num_per_source,
                                                sources)):
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
        self.first_batch = first_batch
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
            sizes=[len(d) for d in self.sources],
            first_batch=self.first_batch)

    def resume(self, state: dict, batch: int) -> None:
        """Continue the stream of a checkpoint after ``batch`` batches.

        Args:
            state (dict): :meth:`state_dict` of the interrupted run.
            batch (int): batches (iterations) already trained.
        """
        current = self.state_dict()
        state = dict(state)
        state.setdefault('first_batch', 0)
        changed = [k for k in current if k != 'seed' and
                   state.get(k) != current[k]]
        if changed:
            raise ValueError(
                'cannot resume the sample stream: sampler settings '
                f'{changed} differ from the checkpoint ({state} vs '
                f'{current})')
        if batch < self.first_batch:
            raise ValueError(
                f'cannot resume at iteration {batch}: this sample stream '
                f'starts at iteration {self.first_batch}')
        self.seed = state['seed']
        self.start_batch = batch - self.first_batch

    def _order(self, source: int, size: int, pass_idx: int) -> torch.Tensor:
        if not self.shuffle:
            return torch.arange(size)
        generator = torch.Generator()
        generator.manual_seed(self.seed + 1000003 * source + pass_idx)
        return torch.randperm(size, generator=generator)

    def _source_stream(self, source: int) -> Iterator[int]:
        size = len(self.sources[source])
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
        streams = [
            self._source_stream(s) for s in range(len(self.source_ratio))
        ]
        while True:
            for stream, num in zip(streams, self.num_per_source):
                for _ in range(num):
                    yield next(stream)

    @property
    def iters_per_epoch(self) -> int:
        """Batches of one pass over the last (unlabeled) source by all
        ranks: the length of an epoch of a semi-supervised run."""
        size = len(self.sources[-1])
        per_batch = self.num_per_source[-1] * self.world_size
        return math.ceil(size / per_batch)

    def __len__(self) -> int:
        """Samples of one epoch on this rank (the stream itself is
        endless): ``len(dataloader)`` is :attr:`iters_per_epoch`."""
        return self.iters_per_epoch * self.batch_size

    def set_epoch(self, epoch: int) -> None:
        """Unused: the sampler is infinite (IterBasedTrainLoop)."""


def _refuse_epoch_based_loops(max_depth: int = 16) -> None:
    """Raise when the training loop building this sampler is not
    iteration-based (an ``EpochBasedTrainLoop`` would never end its first
    epoch on an endless stream) or is MMEngine's ``IterBasedTrainLoop``
    (which converts no epoch-based setting and decodes every skipped batch
    on resume). Samplers built outside a loop (tests, hooks) pass."""
    from mmengine.runner import BaseLoop
    frame = sys._getframe(2)
    for _ in range(max_depth):
        if frame is None:
            return
        owner = frame.f_locals.get('self')
        if isinstance(owner, BaseLoop):
            if getattr(owner, 'accepts_semi_sampler', False):
                return
            raise TypeError(
                f'SemiSupervisedSampler draws an endless stream and cannot '
                f'be used by {type(owner).__name__}: set train_cfg = dict('
                "_delete_=True, type='SemiIterBasedTrainLoop', "
                'max_iters=N) (or max_epochs=E, one epoch being one pass '
                'over the unlabeled set)')
        frame = frame.f_back


def fill_sampler_batch_size(dataloader_cfg: dict,
                            name: str = 'train_dataloader') -> dict:
    """Take the batch size of a :class:`SemiSupervisedSampler` from the
    data loader config (one place), in place; a sampler ``batch_size`` that
    differs from the loader's is refused (the ``BatchSampler`` would cut
    the stream into batches of another size and mix the sources)."""
    sampler = dataloader_cfg.get('sampler')
    if not isinstance(sampler, dict) or sampler.get('type') not in (
            'SemiSupervisedSampler', SemiSupervisedSampler):
        return dataloader_cfg
    loader_bs = dataloader_cfg.get('batch_size')
    sampler_bs = sampler.get('batch_size')
    if loader_bs is None:
        raise ValueError(f'{name}.batch_size is not set')
    if sampler_bs is not None and sampler_bs != loader_bs:
        raise ValueError(
            f'{name}.sampler.batch_size={sampler_bs} differs from '
            f'{name}.batch_size={loader_bs}: set the batch size once, as '
            f'{name}.batch_size (the sampler takes it from there)')
    sampler['batch_size'] = loader_bs
    return dataloader_cfg
