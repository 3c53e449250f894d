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


def _log_joint(values: Tensor, weights: Tensor, means: Tensor,
               variances: Tensor) -> Tensor:
    """``log pi_k + log N(x | mu_k, var_k)``, ``(A, K, 2)``."""
    x = values.unsqueeze(-1)
    mu, var = means.unsqueeze(1), variances.unsqueeze(1)
    log_pdf = -0.5 * (math.log(2 * math.pi) + var.log() + (x - mu)**2 / var)
    return log_pdf + weights.clamp(min=1e-300).log().unsqueeze(1)


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
    values = values.double().masked_fill(~mask, 0.0)
    weights, means, variances = (t.double() for t in (
        init if init is not None else init_two_gaussians(
            values, mask, reg_covar)))
    valid = mask.double().unsqueeze(-1)

    def posteriors():
        log_joint = _log_joint(values, weights, means, variances)
        return (log_joint - log_joint.logsumexp(-1, keepdim=True)).exp() * \
            valid

    for _ in range(num_iters):
        resp = posteriors()  # E-step
        nk = resp.sum(1) + 10 * torch.finfo(torch.float64).eps  # M-step
        means = (resp * values.unsqueeze(-1)).sum(1) / nk
        variances = (resp * (values.unsqueeze(-1) - means.unsqueeze(1))**2
                     ).sum(1) / nk + reg_covar
        weights = nk / nk.sum(1, keepdim=True)
    resp = posteriors()
    return resp.to(dtype), (weights, means, variances)
