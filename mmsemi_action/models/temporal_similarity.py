"""TimeBalance's temporal similarity score of a video (Eq. 5-6)."""
import torch.nn.functional as F
from torch import Tensor


def temporal_similarity_score(z_invariant: Tensor,
                              z_distinctive: Tensor) -> Tensor:
    """``s = 1 / (2 n (n - 1)) sum_{t1 != t2} (C_I + C_D)``, with ``C`` the
    ``n x n`` cosine similarities between the projections of the ``n``
    clips of a video by each teacher (Eq. 5-6): the mean off-diagonal
    similarity of both matrices.

    Args:
        z_invariant (Tensor): ``(B, n, D)`` projections by ``f_I``.
        z_distinctive (Tensor): ``(B, n, D)`` projections by ``f_D``.

    Returns:
        Tensor: ``(B, )`` scores in ``[-1, 1]``.
    """
    n = z_invariant.shape[1]
    if n < 2 or z_distinctive.shape[:2] != z_invariant.shape[:2]:
        raise ValueError('temporal_similarity_score needs (B, n, D) '
                         'projections of n >= 2 clips from both teachers, '
                         f'got {tuple(z_invariant.shape)} and '
                         f'{tuple(z_distinctive.shape)}')

    def off_diagonal_sum(z: Tensor) -> Tensor:
        z = F.normalize(z, dim=2)
        sim = z @ z.transpose(1, 2)  # (B, n, n), Eq. 5
        return sim.sum((1, 2)) - sim.diagonal(dim1=1, dim2=2).sum(1)

    return (off_diagonal_sum(z_invariant) +
            off_diagonal_sum(z_distinctive)) / (2 * n * (n - 1))
