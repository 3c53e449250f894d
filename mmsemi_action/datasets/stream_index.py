"""Sample indices that carry their position in the sample stream."""
import random

import numpy as np
import torch


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
