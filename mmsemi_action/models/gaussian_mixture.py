"""Two-component 1-D Gaussian mixtures fitted by EM, many at once."""
import math
from typing import Tuple

import torch
from torch import Tensor


def init_two_gaussians(values: Tensor,
                       mask: Tensor,
                       reg_covar: float = 1e-6
                       ) -> Tuple[Tensor, Tensor, Tensor]:
    """Deterministic start of :func:`fit_two_gaussians`: the components sit
    at each row's smallest and largest value, with equal weights and the
    row's variance (plus ``reg_covar``) as both variances.

    Args:
        values (Tensor): ``(A, K)`` one data set per row.
        mask (Tensor): ``(A, K)`` bool, the valid entries of each row.

    Returns:
        tuple: weights, means, variances, each ``(A, 2)``; component 0 is
        the low one.
    """
    values = values.double()
    mask = mask.bool()
    count = mask.sum(1, keepdim=True).clamp(min=1)
    low = values.masked_fill(~mask, math.inf).min(1, keepdim=True).values
    high = values.masked_fill(~mask, -math.inf).max(1, keepdim=True).values
    empty = ~mask.any(1, keepdim=True)
    low, high = low.masked_fill(empty, 0.0), high.masked_fill(empty, 0.0)
    mean = (values * mask).sum(1, keepdim=True) / count
    var = (((values - mean)**2) * mask).sum(1, keepdim=True) / count
    means = torch.cat([low, high], 1)
    variances = (var + reg_covar).expand(-1, 2).clone()
    weights = torch.full_like(means, 0.5)
    return weights, means, variances


def _log_odds_coefficients(weights: Tensor, means: Tensor,
                           variances: Tensor) -> Tensor:
    """The log-odds of component 1 against component 0 is a quadratic in
    ``x``: ``log(pi_1 N(x | mu_1, var_1)) - log(pi_0 N(x | mu_0, var_0)) =
    c_2 x^2 + c_1 x + c_0``. Returns ``(c_2, c_1, c_0)`` as ``(A, 3, 1)``.
    """
    precision = variances.reciprocal()
    per_component = torch.stack([
        -0.5 * precision, means * precision,
        weights.log() - 0.5 * (variances.log() + means * means * precision)
    ], 1)  # (A, 3, 2)
    return (per_component[..., 1] - per_component[..., 0]).unsqueeze(-1)


def fit_two_gaussians(values: Tensor,
                      mask: Tensor,
                      num_iters: int = 20,
                      reg_covar: float = 1e-6,
                      init=None) -> Tuple[Tensor, Tuple[Tensor, ...]]:
    """Fit a two-component Gaussian mixture to each row of ``values`` by EM
    (vectorised over rows, on the tensor's device, in float64) and return
    every entry's posterior of each component.

    The same computation as ``sklearn.mixture.GaussianMixture(
    n_components=2, covariance_type='full', reg_covar=reg_covar,
    max_iter=num_iters, tol=0)`` started from the same weights, means and
    precisions (``1 / variances``): ``num_iters`` (E, M) steps, then the
    posteriors under the final parameters (``predict_proba``).

    With two components the E-step is a sigmoid of the quadratic log-odds
    (:func:`_log_odds_coefficients`) and the M-step needs only each row's
    responsibility-weighted sums of ``1, x, x^2``: two batched matrix
    products per step over ``(A, K)``, whatever ``K``, so that the EM costs
    a few dozen small operations per step.

    Args:
        values (Tensor): ``(A, K)`` data, one set per row.
        mask (Tensor): ``(A, K)`` bool, valid entries (rows may hold
            different numbers of values).
        num_iters (int): EM iterations.
        reg_covar (float): added to every variance (sklearn's default).
        init (tuple, optional): ``(weights, means, variances)``, each
            ``(A, 2)``; defaults to :func:`init_two_gaussians`.

    Returns:
        tuple: posteriors ``(A, K, 2)`` (0 at masked entries) and the
        fitted ``(weights, means, variances)``.
    """
    dtype = values.dtype
    mask = mask.bool()
    x = values.double().masked_fill(~mask, 0.0)
    weights, means, variances = (t.double() for t in (
        init if init is not None else init_two_gaussians(x, mask, reg_covar)))
    valid = mask.double()
    quadratic = torch.stack([x * x, x, torch.ones_like(x)], -1)  # (A, K, 3)
    moments = quadratic.flip(-1) * valid.unsqueeze(-1)  # valid 1, x, x^2
    totals = moments.sum(1, keepdim=True)  # (A, 1, 3)
    tiny = 10 * torch.finfo(torch.float64).eps

    def high_posterior() -> Tensor:  # E-step, (A, K, 1)
        return torch.sigmoid(
            quadratic @ _log_odds_coefficients(weights, means, variances))

    for _ in range(num_iters):
        high = high_posterior().transpose(1, 2) @ moments  # (A, 1, 3)
        sums = torch.cat([totals - high, high], 1)  # (A, 2, 3): 1, x, x^2
        count, first, second = sums.unbind(-1)  # M-step
        nk = count + tiny
        means = first / nk
        # sum_i r_i (x_i - mu)^2 = S2 - 2 mu S1 + mu^2 S0
        variances = (second - means * (2 * first - means * count)) / nk + \
            reg_covar
        weights = nk / nk.sum(1, keepdim=True)
    high = high_posterior().squeeze(-1)
    resp = torch.stack([1 - high, high], -1) * valid.unsqueeze(-1)
    return resp.to(dtype), (weights, means, variances)
