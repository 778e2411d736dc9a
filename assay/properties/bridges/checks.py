"""Property checks for entropic OT / Schrödinger-bridge implementations; each returns an error size or a p-value.

Convention ``bridges.epsilon`` = ``half_cost`` throughout (convert with :mod:`assay.reference.bridges.conventions`).
Inputs are numpy float64 arrays (convert torch tensors with ``.detach().cpu().numpy()``).

Deterministic checks (error sizes, 0 is perfect):

- :func:`gibbs_error` — the plan N((a, b), [[A, C], [Cᵀ, B]]) is an entropic plan iff the cross block of its
  precision is −I/ε: returns ``ε · max |(Γ⁻¹)_xy + I/ε|`` (relative to 1/ε);
- :func:`cross_covariance_error` — relative error of a cross-covariance against the closed form;
- :func:`coupling_marginal_error` — ``max(|P 1 − a|, |Pᵀ 1 − b|)`` of a discrete plan;
- :func:`k1_parameter_error` — K = 1 Light SB parameters (S, r) against S = CᵀA⁻¹, r = b − S a and ε S = B − CᵀA⁻¹C;
- :func:`plan_moment_error` — conditional moments of an implementation against the exact ones (relative to the
  conditional covariance scale);
- :func:`drift_quadrature_error` — a drift against ε ∇ log of the heat-smoothed potential computed by tensor
  Gauss–Hermite quadrature (dimension ≤ 2), :func:`heat_smoothed_drift`.

Statistical checks (p-values; a correct implementation gives a uniform p-value, so ``p < α`` happens with
probability α — the false-alarm rate — and with fixed seeds the verdict is reproducible):

- :func:`two_sample_projection_pvalue` — Kolmogorov–Smirnov two-sample tests of two samples projected on fixed
  directions, Bonferroni-combined (``min p × #directions``, capped at 1): the SDE at t = 1 against plan samples;
- :func:`bridge_variance_pvalue` — the bridge residual ``x_t − (1−t)x0 − t x1`` divided by √(t(1−t)ε) has
  χ²(n·D) squared norm: a two-sided χ² test of the bridge variance.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = [
    "bridge_variance_pvalue",
    "coupling_marginal_error",
    "cross_covariance_error",
    "drift_quadrature_error",
    "gibbs_error",
    "heat_smoothed_drift",
    "k1_parameter_error",
    "plan_moment_error",
    "two_sample_projection_pvalue",
]


def _f64(value: Any, name: str) -> np.ndarray:
    array = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite")
    return array


def gibbs_error(cross: Any, A: Any, B: Any, epsilon: float) -> float:
    """``ε · max |(Γ⁻¹)_xy + I/ε|`` for Γ = [[A, C], [Cᵀ, B]] (0 for the exact entropic plan)."""
    C, A, B = _f64(cross, "cross"), _f64(A, "A"), _f64(B, "B")
    d = A.shape[0]
    gamma = np.block([[A, C], [C.T, B]])
    precision = np.linalg.inv(gamma)
    return float(epsilon * np.max(np.abs(precision[:d, d:] + np.eye(d) / epsilon)))


def cross_covariance_error(cross: Any, expected: Any) -> float:
    """``max |C − C_ref| / max(|C_ref|_max, 1e-300)``."""
    C, E = _f64(cross, "cross"), _f64(expected, "expected")
    if C.shape != E.shape:
        raise ValueError(f"cross has shape {C.shape} but expected has shape {E.shape}")
    return float(np.max(np.abs(C - E)) / max(np.max(np.abs(E)), 1e-300))


def coupling_marginal_error(plan: Any, a: Any, b: Any) -> float:
    """``max(max|P 1 − a|, max|Pᵀ 1 − b|) / max(a, b)`` for a discrete plan P (n × m) with marginals a, b."""
    P, a, b = _f64(plan, "plan"), _f64(a, "a"), _f64(b, "b")
    if P.shape != (a.size, b.size):
        raise ValueError(f"plan must have shape ({a.size}, {b.size}), got {P.shape}")
    scale = max(a.max(), b.max())
    return float(max(np.max(np.abs(P.sum(1) - a)), np.max(np.abs(P.sum(0) - b))) / scale)


def k1_parameter_error(S: Any, r: Any, a: Any, A: Any, b: Any, B: Any, cross: Any, epsilon: float) -> float:
    """Relative error of K = 1 Light SB parameters (S, r) against the Gaussian closed form with cross-covariance C.

    Checks S = Cᵀ A⁻¹ (relative to |S|), r = b − S a (relative to |b| + |S||a|) and ε S = B − Cᵀ A⁻¹ C (relative to
    |B|); returns the largest.
    """
    S, r, a, A, b, B, C = (_f64(v, n) for v, n in ((S, "S"), (r, "r"), (a, "a"), (A, "A"), (b, "b"), (B, "B"),
                                                    (cross, "cross")))
    if S.ndim == 1:
        S = np.diag(S)
    gain = np.linalg.solve(A, C).T  # Cᵀ A⁻¹ (A symmetric)
    e1 = np.max(np.abs(S - gain)) / np.max(np.abs(gain))
    e2 = np.max(np.abs(r - (b - gain @ a))) / (np.max(np.abs(b)) + np.max(np.abs(gain)) * np.max(np.abs(a)) + 1e-300)
    e3 = np.max(np.abs(epsilon * S - (B - gain @ C))) / np.max(np.abs(B))
    return float(max(e1, e2, e3))


def plan_moment_error(means: Any, covs: Any, true_means: Any, true_covs: Any) -> float:
    """``max_x max(|m − m*|, |Σ − Σ*|_max) / max_x |Σ*|_max^{½}·…``: errors relative to the conditional scale.

    Mean errors are divided by the largest conditional standard deviation, covariance errors by the largest
    conditional covariance entry; the larger of the two is returned.
    """
    m, s, tm, ts = (_f64(v, n) for v, n in ((means, "means"), (covs, "covs"), (true_means, "true_means"),
                                            (true_covs, "true_covs")))
    if m.shape != tm.shape or s.shape != ts.shape:
        raise ValueError(f"shapes differ: means {m.shape} vs {tm.shape}, covs {s.shape} vs {ts.shape}")
    cov_scale = float(np.max(np.abs(ts)))
    return float(max(np.max(np.abs(m - tm)) / math.sqrt(cov_scale), np.max(np.abs(s - ts)) / cov_scale))


def heat_smoothed_drift(log_potential: Callable[[np.ndarray], np.ndarray], x: Any, t: float, epsilon: float,
                        nodes: int = 80) -> np.ndarray:
    """ε ∇ₓ log ∫ N(x' | x, (1−t)εI) ψ(x') dx' by tensor Gauss–Hermite quadrature (dimension 1 or 2).

    ``log_potential`` maps points (m, D) to log ψ (m,). With x' = x + s·z, s = √((1−t)ε):
    ∇ₓ log h = E[z ψ(x + s z)] / (s E[ψ(x + s z)]) for z ~ N(0, I), so the drift is ε/s times a ratio of
    quadratures (log-sum-exp weighted, so ψ may be tiny).
    """
    x = _f64(x, "x")
    if x.ndim == 1:
        x = x[None]
    dim = x.shape[1]
    if dim > 2:
        raise ValueError(f"x must have dimension 1 or 2 for tensor quadrature, got {dim}")
    if not 0 <= t < 1:
        raise ValueError(f"t must lie in [0, 1), got {t!r}")
    z1, w1 = np.polynomial.hermite_e.hermegauss(nodes)  # ∫ f(z) e^{−z²/2} dz
    if dim == 1:
        z, logw = z1[:, None], np.log(w1)
    else:
        zz = np.stack(np.meshgrid(z1, z1, indexing="ij"), -1).reshape(-1, 2)
        z, logw = zz, (np.log(w1)[:, None] + np.log(w1)[None, :]).ravel()
    s = math.sqrt((1 - t) * epsilon)
    out = np.empty_like(x)
    for i, point in enumerate(x):
        log_terms = logw + log_potential(point[None, :] + s * z)
        weights = np.exp(log_terms - log_terms.max())
        out[i] = epsilon / s * (weights @ z) / weights.sum()
    return out


def drift_quadrature_error(drift: Any, log_potential: Callable[[np.ndarray], np.ndarray], x: Any, t: float,
                           epsilon: float, nodes: int = 80) -> float:
    """``max |g − g_quad| / max(|g_quad|_max, √ε)`` against :func:`heat_smoothed_drift`."""
    expected = heat_smoothed_drift(log_potential, x, t, epsilon, nodes)
    g = _f64(drift, "drift").reshape(expected.shape)
    return float(np.max(np.abs(g - expected)) / max(np.max(np.abs(expected)), math.sqrt(epsilon)))


def two_sample_projection_pvalue(first: Any, second: Any, n_directions: int = 8, seed: int = 0) -> float:
    """Bonferroni-combined two-sample KS p-value over the coordinate axes and random unit directions.

    Under the null (same distribution) the returned value is ≤ α with probability ≤ α.
    """
    from scipy.stats import ks_2samp

    x, y = _f64(first, "first"), _f64(second, "second")
    if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[1]:
        raise ValueError(f"samples must be (n, D) and (m, D), got {x.shape} and {y.shape}")
    dim = x.shape[1]
    rng = np.random.default_rng(seed)
    random_dirs = rng.standard_normal((n_directions, dim))
    random_dirs /= np.linalg.norm(random_dirs, axis=1, keepdims=True)
    directions = np.concatenate([np.eye(dim), random_dirs])
    p_values = [ks_2samp(x @ u, y @ u).pvalue for u in directions]
    return float(min(1.0, min(p_values) * len(directions)))


def bridge_variance_pvalue(x_t: Any, x0: Any, x1: Any, t: Any, epsilon: float) -> float:
    """Two-sided χ² p-value of Σ ‖x_t − (1−t)x0 − t x1‖² / (t(1−t)ε) against χ²(n·D) (t may be per row)."""
    from scipy.stats import chi2

    xt, a, b = _f64(x_t, "x_t"), _f64(x0, "x0"), _f64(x1, "x1")
    t = np.broadcast_to(_f64(t, "t"), (xt.shape[0],))[:, None]
    if np.any((t <= 0) | (t >= 1)):
        raise ValueError("t must lie strictly inside (0, 1)")
    residual = (xt - (1 - t) * a - t * b) / np.sqrt(t * (1 - t) * epsilon)
    statistic = float(np.sum(residual**2))
    dof = residual.size
    lower = chi2.cdf(statistic, dof)
    return float(min(1.0, 2 * min(lower, chi2.sf(statistic, dof))))
