"""Helpers the spectral chapters share: deterministic cases and reference values in the adapter's convention."""

from __future__ import annotations

from typing import Any

import mpmath
import numpy as np

from assay.core.errors import ErrorSummary, summarize

__all__ = [
    "CONTINUITY_LAG",
    "lags",
    "mixture_case",
    "reference_kernel",
    "reference_nd",
    "summarize_scaled",
]

#: a lag small enough that k^(n)(δ) ≈ k^(n)(0) to ≈ 1e-12 relative, large enough that |δ| is not 0
CONTINUITY_LAG = 1e-9


def mixture_case(components: int, seed: int = 0) -> dict[str, list[float]]:
    """Deterministic mixture parameters with ``components`` components (rounded to 4 decimals)."""
    rng = np.random.default_rng(1234 + seed)
    return {
        "weights": [round(float(v), 4) for v in rng.uniform(0.3, 2.0, components)],
        "means": [round(float(v), 4) for v in rng.uniform(0.0, 4.0, components)],
        "scales": [round(float(v), 4) for v in rng.uniform(0.15, 1.2, components)],
    }


def lags(count: int, seed: int = 0) -> np.ndarray:
    """``count`` signed lags in [−2, 2], always including 0 and ±1e-9 (where derivative kernels go wrong)."""
    rng = np.random.default_rng(99 + seed)
    fixed = np.array([0.0, CONTINUITY_LAG, -CONTINUITY_LAG])
    return np.concatenate([fixed, np.round(rng.uniform(-2, 2, max(count - 3, 0)), 6)])


def reference_kernel(kind: str, params: dict, tau: np.ndarray, order: int, nu: int = 5) -> np.ndarray:
    """``k^(order)(τ)`` from :mod:`assay.reference.spectral` (mpmath, 25 digits) for ``kind`` gaussian/student_t."""
    from assay.reference.spectral import GaussianMixture, StudentTMixture, covariance_derivative

    if kind == "gaussian":
        mixture = GaussianMixture(params["weights"], params["means"], params["scales"])
    else:
        mixture = StudentTMixture(params["weights"], params["means"], params["scales"], nu)
    return np.array([float(covariance_derivative(mixture, float(t), order, dps=25)) for t in tau])


def reference_nd(tau: np.ndarray, weights: Any, means: np.ndarray, scales: np.ndarray, convention: str) -> np.ndarray:
    """The d-dimensional spectral mixture kernel at lags ``tau`` (n, d) in the ``spectral.multidim`` convention."""
    from assay.reference.spectral import GaussianMixture, covariance

    q, d = means.shape
    out = []
    with mpmath.workdps(25):
        for row in tau:
            g = [[covariance(GaussianMixture([1.0], [float(means[i, j])], [float(scales[i, j])]), float(row[j]))
                  for j in range(d)] for i in range(q)]
            if convention == "sum_of_products":
                value = mpmath.fsum(mpmath.mpf(float(weights[i])) * mpmath.fprod(g[i]) for i in range(q))
            elif convention in ("shared_weights_product", "product"):
                value = mpmath.fprod(mpmath.fsum(mpmath.mpf(float(weights[i])) * g[i][j] for i in range(q))
                                     for j in range(d))
            else:
                raise ValueError(f"unknown spectral.multidim convention {convention!r}")
            out.append(float(value))
    return np.array(out)


def summarize_scaled(actual: np.ndarray, expected: np.ndarray, scale: float, dtype: str, inputs: list,
                     unit: str = "eps") -> ErrorSummary:
    """``|actual − expected| / scale`` in units of the dtype's ε (``unit="eps"``) or plain (``"rel"``)."""
    from assay.conformance.contracts import EPS

    actual = np.asarray(actual, dtype=np.float64).reshape(-1)
    expected = np.asarray(expected, dtype=np.float64).reshape(-1)
    if actual.shape != expected.shape:
        raise AssertionError(f"got {actual.size} values, expected {expected.size}")
    errors = np.abs(actual - expected) / scale
    errors = np.where(np.isfinite(actual), errors, np.inf)
    if unit == "eps":
        errors = errors / EPS[dtype]
    return summarize(errors, unit, inputs, actual=actual, expected=expected)
