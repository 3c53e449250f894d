"""Sample indices that carry their position in the sample stream."""
import random
from typing import Any, Callable

import numpy as np
import torch
from torch.utils.data import get_worker_info

from ..random_state import get_rng_state, set_rng_state


class StreamIndex(int):
    """A dataset index that also knows where it stands in the sample stream.

    :class:`SemiSupervisedSampler` yields these; :class:`SemiDataset` seeds
    the random generators of the process that loads the sample from
    ``(seed, source, position)``. Augmentations then depend on the stream
    position only, not on which data-loader worker loads the sample or on
    what it loaded before, so a resumed run, or one with another
    ``num_workers``, draws exactly the same views.
    """

    def __new__(cls, index: int, seed: int, source: int, position: int):
        obj = super().__new__(cls, index)
        obj.seed, obj.source, obj.position = seed, source, position
        return obj

    def __reduce__(self):
        return (StreamIndex, (int(self), self.seed, self.source,
                              self.position))

    def seed_random_generators(self) -> None:
        """Seed ``random``, ``numpy.random`` and ``torch`` for this sample.
        """
        state = np.random.SeedSequence(
            [self.seed, self.source, self.position]).generate_state(2)
        random.seed(int(state[0]))
        np.random.seed(int(state[0]))
        torch.manual_seed(int(state[1]))


def fetch_at_stream_index(fetch: Callable[[int], Any], idx) -> Any:
    """``fetch(int(idx))``; for a :class:`StreamIndex`, with the random
    generators seeded from its stream position and, in the main process
    (``num_workers=0``), put back afterwards, so that the training
    process's own random stream (dropout) does not depend on where the
    samples were loaded."""
    if not isinstance(idx, StreamIndex):
        return fetch(int(idx))
    state = get_rng_state() if get_worker_info() is None else None
    idx.seed_random_generators()
    try:
        return fetch(int(idx))
    finally:
        if state is not None:
            set_rng_state(state)
