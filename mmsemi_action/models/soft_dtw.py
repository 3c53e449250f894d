"""Batched, differentiable soft-DTW (Cuturi & Blondel, ICML 2017) and the
cosine alignment cost of FinePseudo (Dave et al., ECCV 2024, Eq. 1).

Forward: the dynamic programme ``R(i, j) = C(i, j) + softmin_gamma(R(i-1,
j-1), R(i-1, j), R(i, j-1))`` with ``softmin_gamma(a) = -gamma log sum
exp(-a / gamma)``, ``R(0, 0) = 0`` and ``inf`` on the other borders, so
``D = R(T, S)``. Cells of one anti-diagonal ``i + j = d`` depend only on the
two previous anti-diagonals, so the programme runs in ``T + S - 1``
vectorised steps over the whole batch (a wavefront).

Backward: Cuturi & Blondel's Algorithm 2, also a wavefront: ``E(i, j) =
dD / dR(i, j)`` from ``E(T, S) = 1`` backwards, and ``dD / dC = E``
(because ``dR(i, j) / dC(i, j) = 1``). Nothing of the programme is kept for
autograd but ``R``: memory is ``O(B T S)``.

Both run in float64 with autocast off (the backward's ``exp(. / gamma)``
multiplies float32 rounding by ``1 / gamma``: 3e-5 at ``gamma = 0.01``),
on ``O(T S)`` cells per pair, which costs little next to the encoders; the
value is returned in float32 (float64 for float64 input), so a
half-precision cost matrix from an autocast region is safe.
"""
import torch
import torch.nn.functional as F
from torch import Tensor


def _diagonal(num_rows: int, num_cols: int, d: int, device):
    """1-based ``(i, j)`` cells of anti-diagonal ``i + j = d``."""
    rows = torch.arange(max(1, d - num_cols), min(num_rows, d - 1) + 1,
                        device=device)
    return rows, d - rows


class _SoftDTW(torch.autograd.Function):

    @staticmethod
    def forward(ctx, cost: Tensor, gamma: float) -> Tensor:
        ctx.dtype = cost.dtype
        cost = cost.double()
        batch, num_rows, num_cols = cost.shape
        inf = torch.finfo(cost.dtype).max
        big = torch.full((batch, num_rows + 2, num_cols + 2), inf,
                         dtype=cost.dtype, device=cost.device)
        big[:, 0, 0] = 0
        for d in range(2, num_rows + num_cols + 1):
            i, j = _diagonal(num_rows, num_cols, d, cost.device)
            prev = torch.stack(
                [big[:, i - 1, j - 1], big[:, i - 1, j], big[:, i, j - 1]])
            softmin = -gamma * torch.logsumexp(-prev / gamma, dim=0)
            big[:, i, j] = cost[:, i - 1, j - 1] + softmin
        ctx.gamma = gamma
        ctx.save_for_backward(cost, big)
        return big[:, num_rows, num_cols].to(ctx.dtype)

    @staticmethod
    def backward(ctx, grad_output: Tensor):
        cost, big = ctx.saved_tensors
        gamma = ctx.gamma
        batch, num_rows, num_cols = cost.shape
        # Algorithm 2: C and R padded by a row and a column, R's border
        # -inf except R(T + 1, S + 1) = R(T, S); E(T + 1, S + 1) = 1
        padded = F.pad(cost, (1, 1, 1, 1))
        r = big.clone()
        r[:, -1, :] = -float('inf')
        r[:, :, -1] = -float('inf')
        r[:, 0, :] = -float('inf')
        r[:, :, 0] = -float('inf')
        r[:, -1, -1] = big[:, num_rows, num_cols]
        e = torch.zeros_like(big)
        e[:, -1, -1] = 1
        for d in range(num_rows + num_cols, 1, -1):
            i, j = _diagonal(num_rows, num_cols, d, cost.device)
            here = r[:, i, j]
            a = torch.exp(
                (r[:, i + 1, j] - here - padded[:, i + 1, j]) / gamma)
            b = torch.exp(
                (r[:, i, j + 1] - here - padded[:, i, j + 1]) / gamma)
            c = torch.exp(
                (r[:, i + 1, j + 1] - here - padded[:, i + 1, j + 1]) / gamma)
            e[:, i, j] = (e[:, i + 1, j] * a + e[:, i, j + 1] * b +
                          e[:, i + 1, j + 1] * c)
        grad = e[:, 1:num_rows + 1, 1:num_cols + 1]
        return (grad * grad_output[:, None, None]).to(ctx.dtype), None


def soft_dtw(cost: Tensor, gamma: float = 0.1) -> Tensor:
    """Soft-DTW value of each cost matrix.

    Args:
        cost (Tensor): ``(B, T, S)`` pairwise costs ``C(i, j)``.
        gamma (float): smoothing (``gamma -> 0`` gives DTW).

    Returns:
        Tensor: ``(B, )``, float64 for float64 costs, else float32;
        differentiable with respect to ``cost``.
    """
    if gamma <= 0:
        raise ValueError(f'soft-DTW needs gamma > 0, got {gamma}')
    if cost.dim() != 3:
        raise ValueError(f'cost must be (B, T, S), got {tuple(cost.shape)}')
    if cost.dtype != torch.float64:
        cost = cost.float()
    with torch.autocast(device_type=cost.device.type, enabled=False):
        return _SoftDTW.apply(cost, float(gamma))


def cosine_cost(x: Tensor, y: Tensor) -> Tensor:
    """FinePseudo's alignment cost ``C(i, j) = 1 - cos(x_i, y_j)``.

    Args:
        x (Tensor): ``(B, T, F)`` frame embeddings.
        y (Tensor): ``(B, S, F)``.

    Returns:
        Tensor: ``(B, T, S)``.
    """
    dtype = torch.float64 if torch.float64 in (x.dtype, y.dtype) else \
        torch.float32
    x = F.normalize(x.to(dtype), dim=-1)
    y = F.normalize(y.to(dtype), dim=-1)
    return 1 - x @ y.transpose(1, 2)


def pairwise_soft_dtw(x: Tensor, y: Tensor, gamma: float = 0.1,
                      normalize: bool = True,
                      divergence: bool = False) -> Tensor:
    """Soft-DTW alignment distance ``D`` (Eq. 1) of every pair.

    Args:
        x (Tensor): ``(N, T, F)``.
        y (Tensor): ``(M, S, F)``, or ``(N, M, S, F)``: a set of its own
            for each row of ``x`` (e.g. gallery samples drawn per video).
        gamma (float): soft-DTW smoothing.
        normalize (bool): divide by ``T`` so that distances (and the margin
            and score that read them) do not scale with the clip length.
        divergence (bool): the soft-DTW divergence (Blondel, Mensch & Vert,
            AISTATS 2021) ``D(x, y) - (D(x, x) + D(y, y)) / 2``, which is 0
            for ``x = y`` and positive otherwise; raw soft-DTW is lowest
            for sequences whose frames are all alike (its entropy term
            counts near-optimal paths), so a metric loss on it can collapse
            every embedding to one vector.

    Returns:
        Tensor: ``(N, M)``.
    """
    n, t, f = x.shape
    shared = y.dim() == 3
    if shared:
        y = y[None].expand(n, *y.shape)
    m = y.shape[1]
    xs = x[:, None].expand(n, m, t, f).reshape(n * m, t, f)
    cost = cosine_cost(xs, y.reshape(n * m, y.shape[2], f))
    dist = soft_dtw(cost, gamma).view(n, m)
    if divergence:
        self_x = soft_dtw(cosine_cost(x, x), gamma)  # (N, )
        if shared:  # each gallery sequence once, not once per row of x
            ys = y[0]
            self_y = soft_dtw(cosine_cost(ys, ys), gamma)[None]
        else:
            ys = y.reshape(n * m, y.shape[2], f)
            self_y = soft_dtw(cosine_cost(ys, ys), gamma).view(n, m)
        dist = dist - (self_x[:, None] + self_y) / 2
    return dist / t if normalize else dist
