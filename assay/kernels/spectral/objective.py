"""The GP training objective in log-weight coordinates (torch), as GP-HM writes it.

``objective = −log N(y | 0, K_θ + σ² I) = ½ yᵀA⁻¹y + ½ log det A + (N/2) log 2π`` with ``w = exp(log_weights)``.
Estimating the weights in log space *is* the Jeffreys prior ``p(w) ∝ 1/w``: that prior is flat in ``log w``, so it
contributes a constant and no term is added. Adding ``−log p(w) = Σ_q log w_q`` as well would count the prior
twice (the conformance suite's ``double-prior`` known bug).

- :func:`log_weight_objective` — 1-D inputs, dense Cholesky;
- :func:`kronecker_objective` — a grid, product kernel, Saatçi's eigendecomposition (``spectral.noise = total``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import torch

from assay.kernels.spectral.covariance import _as_tensor, check_mixture_parameters, spectral_mixture_kernel
from assay.kernels.spectral.kronecker import kron_eigh, kron_logdet, kron_quadratic_form

__all__ = ["kronecker_objective", "log_weight_objective"]


def log_weight_objective(
    x: Any, y: Any, log_weights: Any, means: Any, scales: Any, noise: float
) -> torch.Tensor:
    """``−log N(y | 0, K + noise·I)`` for the spectral mixture kernel with ``w = exp(log_weights)`` (no prior term).

    Differentiable in every tensor argument (autograd), dtype and device of ``x``.
    """
    x = _as_tensor(x, "x", None)
    if x.ndim != 1:
        raise ValueError(f"x must be 1-D (one input per observation), got shape {tuple(x.shape)}")
    y = _as_tensor(y, "y", x)
    if y.shape != x.shape:
        raise ValueError(f"y must have the shape of x {tuple(x.shape)}, got {tuple(y.shape)}")
    log_weights = _as_tensor(log_weights, "log_weights", x)
    if not bool(torch.isfinite(log_weights).all()):
        raise ValueError("log_weights must be finite")
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or not math.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    tau = x[:, None] - x[None, :]
    _, weights, means, scales = check_mixture_parameters(tau, torch.exp(log_weights), means, scales)
    k = spectral_mixture_kernel(tau, weights, means, scales)
    a = k + noise * torch.eye(x.numel(), dtype=x.dtype, device=x.device)
    lower, info = torch.linalg.cholesky_ex(a)
    if int(info) != 0:
        raise ValueError("K + noise·I is not positive definite; raise noise")
    z = torch.linalg.solve_triangular(lower, y[:, None], upper=False)
    n = x.numel()
    return 0.5 * (z**2).sum() + torch.log(torch.diagonal(lower)).sum() + 0.5 * n * math.log(2 * math.pi)


def kronecker_objective(factors: Sequence[torch.Tensor], y: torch.Tensor, noise: float) -> torch.Tensor:
    """``−log N(y | 0, ⊗_d K_d + noise·I)`` on a row-major grid by Saatçi's algorithm."""
    eigen = kron_eigh(factors)
    n = eigen.size
    return 0.5 * kron_quadratic_form(eigen, y, noise) + 0.5 * kron_logdet(eigen, noise) + 0.5 * n * math.log(
        2 * math.pi
    )
