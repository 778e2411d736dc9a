"""Property checks for spectral kernels and Kronecker GP algebra; each returns an error size (0 = exact).

An implementation is passed as a callable; its outputs may be numpy, torch or lists. Reference values come from
:mod:`assay.reference.spectral` (mpmath), so a check adds no rounding of its own beyond float64 conversion.

Kernel properties (``kernel(tau) -> k(τ)`` on an array of signed lags; ``derivative(tau, order)`` for
``k^{(order)}``):

- :func:`total_mass_error` — ``|k(0) − ∫S| / ∫S`` with ``∫S`` by quadrature of the spectral density;
- :func:`wiener_khinchin_error` — ``max_τ |k(τ) − ∫S(s)cos(2πsτ)ds| / k(0)`` (the closed form = the inverse
  transform);
- :func:`bochner_violation` — ``max(0, −λ_min(G)) / λ_max(G)`` of a Gram matrix (PSD within a stated tolerance);
- :func:`symmetry_error` — ``max |k(τ) − k(−τ)| / k(0)``; :func:`stationarity_error` —
  ``max |G(x + c, y + c) − G(x, y)| / k(0)``; :func:`bound_violation` — ``max(0, max|k(τ)| − k(0)) / k(0)``;
- :func:`derivative_at_zero_error` — ``|k^{(n)}(0) − ∫(2πis)^n S(s)ds| / scale`` (spectral moments; a port that
  differentiates through ``|τ|`` gets ``k''(0) = 0`` and an error of 1);
  :func:`derivative_continuity_error` — ``|k^{(n)}(δ) − k^{(n)}(0)| / scale`` at a tiny lag ``δ``;
- :func:`derivative_error` — ``max |k^{(n)}(τ) − reference| / scale`` against the closed forms.

Kronecker properties (against dense mpmath algebra on a row-major grid): :func:`kronecker_errors` measures
``solve``, ``logdet``, ``quadratic form`` and ``matvec`` of an implementation; :func:`objective_error` measures a
GP objective in log-weight coordinates against the negative log marginal likelihood (a double-counted Jeffreys prior
shows up as ``|Σ_q log w_q|``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import mpmath
import numpy as np

from assay.properties.spectral._arrays import as_numpy
from assay.reference.spectral import (
    covariance_by_quadrature,
    covariance_derivative,
    density_integral,
    gp_logdet,
    gp_negative_log_likelihood,
    gp_quadratic_form,
    gp_solve,
    grid_covariance,
    spectral_moment,
)
from assay.reference.spectral.mixtures import Mixture

__all__ = [
    "bochner_violation",
    "bound_violation",
    "derivative_at_zero_error",
    "derivative_continuity_error",
    "derivative_error",
    "derivative_scale",
    "kronecker_errors",
    "objective_error",
    "stationarity_error",
    "symmetry_error",
    "total_mass_error",
    "wiener_khinchin_error",
]


def _k0(mixture: Mixture) -> float:
    return float(sum(mixture.parameters()[0]))


def total_mass_error(kernel: Callable[[np.ndarray], Any], mixture: Mixture, dps: int = 20) -> float:
    """``|k(0) − ∫S| / ∫S`` with ``∫S`` by quadrature of ``mixture``'s spectral density (``Σ w_q``)."""
    mass = float(density_integral(mixture, lambda s: 1, dps=dps))
    k0 = float(as_numpy(kernel(np.zeros(1))).reshape(-1)[0])
    return abs(k0 - mass) / mass


def wiener_khinchin_error(
    kernel: Callable[[np.ndarray], Any], mixture: Mixture, taus: Sequence[float], dps: int = 20
) -> float:
    """``max_τ |k(τ) − ∫S(s)cos(2πsτ)ds| / k(0)`` with the integral by mpmath quadrature."""
    taus = np.asarray(taus, dtype=np.float64)
    actual = as_numpy(kernel(taus)).reshape(-1)
    expected = np.array([float(covariance_by_quadrature(mixture, float(t), dps=dps)) for t in taus])
    return float(np.max(np.abs(actual - expected))) / _k0(mixture)


def bochner_violation(gram: Any) -> float:
    """``max(0, −λ_min) / λ_max`` of the symmetrised Gram matrix (0 for a PSD matrix)."""
    g = as_numpy(gram)
    if g.ndim != 2 or g.shape[0] != g.shape[1]:
        raise ValueError(f"gram must be a square matrix, got shape {g.shape}")
    eig = np.linalg.eigvalsh((g + g.T) / 2)
    top = max(float(np.max(np.abs(eig))), np.finfo(np.float64).tiny)
    return max(0.0, -float(eig[0])) / top


def symmetry_error(kernel: Callable[[np.ndarray], Any], taus: Sequence[float], k0: float) -> float:
    """``max |k(τ) − k(−τ)| / k(0)``."""
    taus = np.asarray(taus, dtype=np.float64)
    return float(np.max(np.abs(as_numpy(kernel(taus)) - as_numpy(kernel(-taus))))) / k0


def stationarity_error(
    gram: Callable[[np.ndarray, np.ndarray], Any], x: Sequence[float], y: Sequence[float], shift: float, k0: float
) -> float:
    """``max |G(x + c, y + c) − G(x, y)| / k(0)`` for a Gram-matrix function ``gram(x, y)``."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    return float(np.max(np.abs(as_numpy(gram(x + shift, y + shift)) - as_numpy(gram(x, y))))) / k0


def bound_violation(kernel: Callable[[np.ndarray], Any], taus: Sequence[float]) -> float:
    """``max(0, max_τ |k(τ)| − k(0)) / k(0)`` (a positive-definite stationary kernel has ``|k| ≤ k(0)``)."""
    taus = np.asarray(taus, dtype=np.float64)
    k0 = float(as_numpy(kernel(np.zeros(1))).reshape(-1)[0])
    return max(0.0, float(np.max(np.abs(as_numpy(kernel(taus))))) - k0) / k0


def derivative_scale(mixture: Mixture, order: int) -> float:
    """The natural size of ``k^{(order)}``: ``|k^{(2⌈order/2⌉)}(0)|`` (the largest value it takes)."""
    even = order + (order % 2)
    return abs(float(covariance_derivative(mixture, 0, even, dps=20))) or 1.0


def derivative_at_zero_error(
    derivative: Callable[[np.ndarray, int], Any], mixture: Mixture, order: int, dps: int = 20
) -> float:
    """``|k^{(n)}(0) − ∫(2πis)^n S(s) ds| / scale`` — the spectral-moment identity at ``τ = 0``."""
    expected = float(spectral_moment(mixture, order, dps=dps))
    actual = float(as_numpy(derivative(np.zeros(1), order)).reshape(-1)[0])
    return abs(actual - expected) / derivative_scale(mixture, order)


def derivative_continuity_error(
    derivative: Callable[[np.ndarray, int], Any], mixture: Mixture, order: int, tiny: float = 1e-9
) -> float:
    """``|k^{(n)}(±δ) − k^{(n)}(0)| / scale`` minus the true change (``O(δ)``): continuity at a tiny lag."""
    points = np.array([0.0, tiny, -tiny])
    actual = as_numpy(derivative(points, order)).reshape(-1)
    expected = np.array([float(covariance_derivative(mixture, t, order, dps=20)) for t in points])
    true_change = np.abs(expected[1:] - expected[0])
    return float(np.max(np.abs(np.abs(actual[1:] - actual[0]) - true_change))) / derivative_scale(mixture, order)


def derivative_error(
    derivative: Callable[[np.ndarray, int], Any], mixture: Mixture, order: int, taus: Sequence[float]
) -> float:
    """``max_τ |k^{(n)}(τ) − closed form| / scale`` against the mpmath closed form."""
    taus = np.asarray(taus, dtype=np.float64)
    actual = as_numpy(derivative(taus, order)).reshape(-1)
    expected = np.array([float(covariance_derivative(mixture, float(t), order, dps=20)) for t in taus])
    return float(np.max(np.abs(actual - expected))) / derivative_scale(mixture, order)


def kronecker_errors(
    mixtures: Sequence[Mixture],
    grids: Sequence[Sequence[float]],
    y: Sequence[float],
    noise: float,
    *,
    solve: Callable[[list[np.ndarray], np.ndarray, float], Any] | None = None,
    logdet: Callable[[list[np.ndarray], float], Any] | None = None,
    quadratic_form: Callable[[list[np.ndarray], np.ndarray, float], Any] | None = None,
    matvec: Callable[[list[np.ndarray], np.ndarray], Any] | None = None,
    dps: int = 30,
) -> dict[str, float]:
    """Relative errors of Kronecker ``solve``/``logdet``/``quadratic_form``/``matvec`` against dense mpmath algebra.

    The factors handed to the implementation are the float64 per-dimension covariance matrices
    ``K_d[i, j] = k_d(x_i − x_j)``; the dense reference is built point pair by point pair on the row-major grid
    from the *same float64 factor entries* (so only the algebra is measured). Errors: ``solve`` and ``matvec``
    ``‖a − e‖_∞ / ‖e‖_∞``; ``logdet`` ``|a − e| / max(|e|, N)``; ``quadratic_form`` ``|a − e| / |e|``.
    """
    factors = [
        np.array([[float(covariance_derivative(m, a - b, 0, dps=20)) for b in g] for a in g])
        for m, g in zip(mixtures, grids)
    ]
    y = np.asarray(y, dtype=np.float64)
    dense = _dense_from_factors(factors)
    n = dense.rows
    out: dict[str, float] = {}
    if solve is not None:
        expected = np.array([float(v) for v in gp_solve(dense, y.tolist(), noise, dps=dps)])
        actual = as_numpy(solve(factors, y, noise)).reshape(-1)
        out["solve"] = float(np.max(np.abs(actual - expected)) / np.max(np.abs(expected)))
    if logdet is not None:
        expected_ld = float(gp_logdet(dense, noise, dps=dps))
        actual_ld = float(as_numpy(logdet(factors, noise)).reshape(-1)[0])
        out["logdet"] = abs(actual_ld - expected_ld) / max(abs(expected_ld), n)
    if quadratic_form is not None:
        expected_q = float(gp_quadratic_form(dense, y.tolist(), noise, dps=dps))
        actual_q = float(as_numpy(quadratic_form(factors, y, noise)).reshape(-1)[0])
        out["quadratic_form"] = abs(actual_q - expected_q) / abs(expected_q)
    if matvec is not None:
        with mpmath.workdps(dps):
            expected_mv = np.array([float(mpmath.fsum(dense[i, j] * mpmath.mpf(float(y[j])) for j in range(n)))
                                    for i in range(n)])
        actual_mv = as_numpy(matvec(factors, y)).reshape(-1)
        out["matvec"] = float(np.max(np.abs(actual_mv - expected_mv)) / np.max(np.abs(expected_mv)))
    return out


def _dense_from_factors(factors: Sequence[np.ndarray]) -> mpmath.matrix:
    """The row-major product ``K[I, J] = Π_d K_d[I_d, J_d]`` in mpmath, entry by entry from the grid indices."""
    shape = [f.shape[0] for f in factors]
    indices = list(np.ndindex(*shape))
    n = len(indices)
    dense = mpmath.matrix(n, n)
    for a, ia in enumerate(indices):
        for b, ib in enumerate(indices):
            value = mpmath.mpf(1)
            for f, i, j in zip(factors, ia, ib):
                value *= mpmath.mpf(float(f[i, j]))
            dense[a, b] = value
    return dense


def objective_error(
    objective: Callable[..., Any],
    mixture: Mixture,
    x: Sequence[float],
    y: Sequence[float],
    noise: float,
    dps: int = 30,
) -> float:
    """``|objective − NLML| / max(1, |NLML|)`` for a GP objective in log-weight coordinates.

    ``objective(x, y, log_weights, means, scales, noise)`` must return ``−log N(y | 0, K + noise·I)`` for the
    spectral mixture kernel with ``w = exp(log_weights)`` — the Jeffreys prior ``p(w) ∝ 1/w`` is flat in
    ``log w``, so no prior term appears. A code that adds ``−log p(w) = Σ log w`` on top (double counting the
    prior) is off by ``|Σ_q log w_q|``.
    """
    weights, means, scales = mixture.parameters()
    grid = [float(v) for v in x]
    k = grid_covariance([mixture], [grid], dps=dps)
    expected = float(gp_negative_log_likelihood(k, [float(v) for v in y], noise, dps=dps))
    actual = float(as_numpy(objective(
        np.asarray(grid), np.asarray(y, dtype=np.float64), np.log(np.array([float(w) for w in weights])),
        np.array([float(m) for m in means]), np.array([float(s) for s in scales]), noise,
    )).reshape(-1)[0])
    return abs(actual - expected) / max(1.0, abs(expected))
