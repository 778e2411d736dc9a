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


def _check_moments(mean: Any, cov: Any, name: str) -> tuple[np.ndarray, np.ndarray]:
    mean = np.asarray(mean, dtype=np.float64)
    cov = np.asarray(cov, dtype=np.float64)
    if cov.shape != (*mean.shape, mean.shape[-1]):
        raise ValueError(f"{name} covariance must have shape {(*mean.shape, mean.shape[-1])}, got {cov.shape}")
    if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(cov))):
        raise ValueError(f"{name} mean and covariance must be finite")
    return mean, cov


def bw2_squared(mean_1: Any, cov_1: Any, mean_2: Any, cov_2: Any) -> np.ndarray:
    """BW2² between N(mean_1, cov_1) and N(mean_2, cov_2); batched over leading axes."""
    m1, s1 = _check_moments(mean_1, cov_1, "first")
    m2, s2 = _check_moments(mean_2, cov_2, "second")
    if m1.shape[-1] != m2.shape[-1]:
        raise ValueError(f"dimension mismatch: {m1.shape[-1]} and {m2.shape[-1]}")
    root = _sqrt_psd(s1)
    cross = _sqrt_psd(root @ s2 @ root)
    value = (np.sum((m1 - m2) ** 2, axis=-1) + np.trace(s1, axis1=-2, axis2=-1) + np.trace(s2, axis1=-2, axis2=-1)
             - 2 * np.trace(cross, axis1=-2, axis2=-1))
    return np.maximum(value, 0.0)


def gaussian_fit(samples: Any) -> tuple[np.ndarray, np.ndarray]:
    """Sample mean and unbiased sample covariance of ``samples`` (n, D) or batched (..., n, D)."""
    x = np.asarray(samples, dtype=np.float64)
    if x.ndim < 2 or x.shape[-2] < 2:
        raise ValueError(f"samples must have shape (..., n, D) with n >= 2, got {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("samples must be finite (no NaN or inf)")
    mean = x.mean(axis=-2)
    centred = x - mean[..., None, :]
    return mean, np.swapaxes(centred, -1, -2) @ centred / (x.shape[-2] - 1)


def bw2_uvp(model_mean: Any, model_cov: Any, true_mean: Any, true_cov: Any) -> float:
    """``100 · BW2² / Tr true_cov`` (%)."""
    value = bw2_squared(model_mean, model_cov, true_mean, true_cov)
    return float(100.0 * value / np.trace(np.asarray(true_cov, dtype=np.float64)))


def cbw2_uvp(model_means: Any, model_covs: Any, true_means: Any, true_covs: Any, target_cov: Any) -> float:
    """``100 · mean_x BW2²(π̂(·|x), π*(·|x)) / Tr Cov(p1)`` (%) from conditional moments (n, D), (n, D, D)."""
    values = bw2_squared(model_means, model_covs, true_means, true_covs)
    return float(100.0 * np.mean(values) / np.trace(np.asarray(target_cov, dtype=np.float64)))
