"""The benchmark's metrics, exactly as defined (Korotin et al. 2021; Gushchin et al. 2023), in numpy float64.

With W2² the squared 2-Wasserstein distance for the cost ‖x − y‖² (no ½) and BW2² the same between the Gaussians
that share the compared distributions' first two moments,

    BW2²(N(m1, S1), N(m2, S2)) = ‖m1 − m2‖² + Tr S1 + Tr S2 − 2 Tr (S1^{½} S2 S1^{½})^{½},

- ``BW2²-UVP(p̂, p) = 100 · BW2²(p̂, p) / Tr Cov(p)`` (%). The papers write ``100 · ½BW2² / (½ Var p)`` with the
  ½-cost distance — the same number;
- ``cBW2²-UVP(π̂, π*) = 100 · E_{x∼p0}[BW2²(π̂(·|x), π*(·|x))] / Tr Cov(p1)`` (%), the expectation over test points
  x (1000 in the benchmark), π̂(·|x) summarized by its mean and covariance (fitted to samples in the benchmark, or
  exact when the model provides them) and π*(·|x) by its exact moments.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["bw2_squared", "bw2_uvp", "cbw2_uvp", "gaussian_fit"]


def _sqrt_psd(matrix: np.ndarray) -> np.ndarray:
    values, vectors = np.linalg.eigh(0.5 * (matrix + np.swapaxes(matrix, -1, -2)))
    return (vectors * np.sqrt(np.clip(values, 0, None))[..., None, :]) @ np.swapaxes(vectors, -1, -2)


def _float_array(value: Any, name: str) -> np.ndarray:
    try:
        raw = np.asarray(value)
        if raw.dtype.kind not in "biuf":  # None, strings, objects, complex: not a real array
            raise TypeError
        array = raw.astype(np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a real array, got {type(value).__name__}") from None
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return array


def _check_moments(mean: Any, cov: Any, name: str) -> tuple[np.ndarray, np.ndarray]:
    """``mean`` (..., D) and ``cov`` (..., D, D): finite, ``D >= 1``, ``cov`` symmetric positive semi-definite."""
    mean = _float_array(mean, f"{name} mean")
    cov = _float_array(cov, f"{name} covariance")
    if mean.ndim < 1 or mean.shape[-1] < 1:
        raise ValueError(f"{name} mean must have shape (..., D) with D >= 1, got {mean.shape}")
    if cov.shape != (*mean.shape, mean.shape[-1]):
        raise ValueError(f"{name} covariance must have shape {(*mean.shape, mean.shape[-1])}, got {cov.shape}")
    if mean.size == 0:
        raise ValueError(f"{name} mean must not be empty, got shape {mean.shape}")
    scale = max(float(np.max(np.abs(cov))), np.finfo(np.float64).tiny)
    if np.max(np.abs(cov - np.swapaxes(cov, -1, -2))) > 1e-10 * scale:
        raise ValueError(f"{name} covariance must be symmetric")
    if np.min(np.linalg.eigvalsh(cov)) < -1e-10 * scale:
        raise ValueError(f"{name} covariance must be positive semi-definite (an eigenvalue is negative)")
    return mean, cov


def _trace(cov: Any, name: str, dim: int) -> float:
    """The trace of a finite ``D × D`` covariance, which must be positive (it is a denominator)."""
    matrix = _float_array(cov, name)
    if matrix.shape != (dim, dim):
        raise ValueError(f"{name} must have shape {(dim, dim)}, got {matrix.shape}")
    trace = float(np.trace(matrix))
    if not trace > 0:
        raise ValueError(f"{name} must have a positive trace (the UVP divides by it), got {trace!r}")
    return trace


def bw2_squared(mean_1: Any, cov_1: Any, mean_2: Any, cov_2: Any) -> np.ndarray:
    """BW2² between N(mean_1, cov_1) and N(mean_2, cov_2); batched over leading axes."""
    m1, s1 = _check_moments(mean_1, cov_1, "first")
    m2, s2 = _check_moments(mean_2, cov_2, "second")
    if m1.shape[-1] != m2.shape[-1]:
        raise ValueError(f"dimension mismatch: {m1.shape[-1]} and {m2.shape[-1]}")
    try:
        np.broadcast_shapes(m1.shape, m2.shape)
    except ValueError:
        raise ValueError(f"the batch shapes of the two Gaussians do not broadcast: {m1.shape[:-1]} and "
                         f"{m2.shape[:-1]}") from None
    root = _sqrt_psd(s1)
    cross = _sqrt_psd(root @ s2 @ root)
    value = (np.sum((m1 - m2) ** 2, axis=-1) + np.trace(s1, axis1=-2, axis2=-1) + np.trace(s2, axis1=-2, axis2=-1)
             - 2 * np.trace(cross, axis1=-2, axis2=-1))
    return np.maximum(value, 0.0)


def gaussian_fit(samples: Any) -> tuple[np.ndarray, np.ndarray]:
    """Sample mean and unbiased sample covariance of ``samples`` (n, D) or batched (..., n, D)."""
    x = _float_array(samples, "samples")
    if x.ndim < 2 or x.shape[-2] < 2 or x.shape[-1] < 1:
        raise ValueError(f"samples must have shape (..., n, D) with n >= 2 and D >= 1, got {x.shape}")
    mean = x.mean(axis=-2)
    centred = x - mean[..., None, :]
    return mean, np.swapaxes(centred, -1, -2) @ centred / (x.shape[-2] - 1)


def bw2_uvp(model_mean: Any, model_cov: Any, true_mean: Any, true_cov: Any) -> float:
    """``100 · BW2² / Tr true_cov`` (%), for one pair of Gaussians (``mean`` (D,), ``cov`` (D, D))."""
    value = bw2_squared(model_mean, model_cov, true_mean, true_cov)
    if np.ndim(value) != 0:
        raise ValueError(f"bw2_uvp compares one pair of Gaussians: means must have shape (D,), got batch shape "
                         f"{np.shape(value)}")
    return float(100.0 * value / _trace(true_cov, "true_cov", np.shape(true_mean)[-1]))


def cbw2_uvp(model_means: Any, model_covs: Any, true_means: Any, true_covs: Any, target_cov: Any) -> float:
    """``100 · mean_x BW2²(π̂(·|x), π*(·|x)) / Tr Cov(p1)`` (%) from conditional moments (n, D), (n, D, D)."""
    values = bw2_squared(model_means, model_covs, true_means, true_covs)
    return float(100.0 * np.mean(values) / _trace(target_cov, "target_cov", np.shape(true_means)[-1]))
