"""The mixture-potential Schrödinger-bridge benchmark (Gushchin et al., NeurIPS 2023), exact, in numpy float64.

Construction (default ε convention ``half_cost``: reference process dX = √ε dW). Given an input p0 (a Gaussian
mixture), ε and a potential ψ(y) = Σ_k w_k N(y | μ_k, Σ_k), the conditional plan

    π*(y | x) ∝ N(y | x, ε I) ψ(y) = Σ_k α̃_k(x) N(y | Σ̃_k Σ_k⁻¹ μ_k + Σ̃_k x / ε, Σ̃_k),
    Σ̃_k = (I/ε + Σ_k⁻¹)⁻¹,   log α̃_k(x) = log w_k + log N(x | μ_k, Σ_k + ε I) − logsumexp(·)

is the entropic OT plan between p0 and p1 := ∫ π*(·|x) dp0(x) *by construction* (it has the Gibbs form
exp(⟨x, y⟩/ε) f(x) g(y)). Everything here is exact in distribution (samplers) or in closed form up to float64
rounding (moments, drift, parameters):

- :meth:`MixtureBenchmark.conditional_moments` — mean and covariance of the mixture π*(·|x) (law of total
  covariance over its components);
- :meth:`MixtureBenchmark.drift` — the Schrödinger-bridge drift ε ∇ₓ log Σ_k w_k N(x | μ_k, Σ_k + (1−t) ε I);
- :meth:`MixtureBenchmark.light_sb_parameters` — the Light SB parameters that represent π* exactly:
  S_k = Σ̃_k / ε, r_k = Σ̃_k Σ_k⁻¹ μ_k, log α_k = log w_k + log N(μ_k | 0, Σ_k + ε I) (up to a common constant);
- samplers for p0, π*(·|x), p1 and the pair (x, y).

:func:`mixture_benchmark` generates instances from a seed, following the recipe of the benchmark's construction
code: p0 = N(0, I_D); the potential has 5 components with weights drawn uniformly and normalized, isotropic
covariances std²·I, and centres on a grid — coordinate d of the centres is a random permutation of
{0, …, 4} × spacing, centred at 0. assay's defaults: spacing 1.5, std 0.5 (the official data files are downloaded
from a drive, so their exact numbers are not reproduced; the recipe and the cell grid D × ε are).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from assay.core.conventions import resolve
from assay.reference.bridges.conventions import EPSILON, to_default

__all__ = ["GaussianMixture", "MixtureBenchmark", "mixture_benchmark"]

_LOG_2PI = math.log(2 * math.pi)


def _as_generator(rng: Any) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, (int, np.integer)) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be a numpy Generator, an int seed or None, got {type(rng).__name__}")


def _check_points(x: Any, dim: int, name: str = "x") -> np.ndarray:
    array = np.asarray(x, dtype=np.float64)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or array.shape[1] != dim:
        raise ValueError(f"{name} must have shape (n, {dim}) (the benchmark's dimension), got {np.shape(x)}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite (no NaN or inf samples)")
    return array


def _check_count(n: Any, name: str = "n") -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(n).__name__}")
    if n < 1:
        raise ValueError(f"{name} must be >= 1, got {n}")
    return int(n)


def _gaussian_logpdf(x: np.ndarray, mean: np.ndarray, chol: np.ndarray) -> np.ndarray:
    """log N(x | mean, L Lᵀ) for the rows of x."""
    import scipy.linalg

    z = scipy.linalg.solve_triangular(chol, (x - mean).T, lower=True)
    return -0.5 * np.sum(z * z, axis=0) - np.sum(np.log(np.diag(chol))) - 0.5 * x.shape[1] * _LOG_2PI


def _logsumexp(values: np.ndarray, axis: int) -> np.ndarray:
    top = np.max(values, axis=axis, keepdims=True)
    return np.squeeze(top, axis) + np.log(np.sum(np.exp(values - top), axis=axis))


@dataclass(frozen=True)
class GaussianMixture:
    """Σ_k weights_k N(means_k, covariances_k); weights positive (normalized on construction)."""

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray

    def __post_init__(self) -> None:
        weights = np.asarray(self.weights, dtype=np.float64)
        means = np.asarray(self.means, dtype=np.float64)
        covs = np.asarray(self.covariances, dtype=np.float64)
        if weights.ndim != 1 or weights.size < 1:
            raise ValueError("weights must be a 1-D array with at least one component (K >= 1)")
        if not np.all(np.isfinite(weights)) or np.any(weights <= 0):
            raise ValueError("weights must be finite and > 0")
        if means.ndim != 2 or means.shape[0] != weights.size:
            raise ValueError(f"means must have shape (K, D) with K = {weights.size}, got {means.shape}")
        dim = means.shape[1]
        if covs.shape != (weights.size, dim, dim):
            raise ValueError(f"covariances must have shape ({weights.size}, {dim}, {dim}), got {covs.shape}")
        if not (np.all(np.isfinite(means)) and np.all(np.isfinite(covs))):
            raise ValueError("means and covariances must be finite")
        if not np.allclose(covs, np.swapaxes(covs, 1, 2), rtol=0, atol=1e-12 * max(1.0, float(np.abs(covs).max()))):
            raise ValueError("covariances must be symmetric")
        covs = 0.5 * (covs + np.swapaxes(covs, 1, 2))
        try:
            chol = np.linalg.cholesky(covs)
        except np.linalg.LinAlgError:
            raise ValueError("covariances must be positive definite") from None
        object.__setattr__(self, "weights", weights / weights.sum())
        object.__setattr__(self, "means", means)
        object.__setattr__(self, "covariances", covs)
        object.__setattr__(self, "_chol", chol)

    @property
    def dim(self) -> int:
        return int(self.means.shape[1])

    @property
    def n_components(self) -> int:
        return int(self.weights.size)

    def log_density(self, x: Any) -> np.ndarray:
        x = _check_points(x, self.dim)
        terms = np.stack([np.log(w) + _gaussian_logpdf(x, m, c)
                          for w, m, c in zip(self.weights, self.means, self._chol)], axis=1)
        return _logsumexp(terms, axis=1)

    def sample(self, n: int, rng: Any = None) -> np.ndarray:
        n = _check_count(n)
        rng = _as_generator(rng)
        labels = rng.choice(self.n_components, size=n, p=self.weights)
        noise = rng.standard_normal((n, self.dim))
        return self.means[labels] + np.einsum("nij,nj->ni", self._chol[labels], noise)

    def mean(self) -> np.ndarray:
        return self.weights @ self.means

    def covariance(self) -> np.ndarray:
        mean = self.mean()
        centred = self.means - mean
        return np.einsum("k,kij->ij", self.weights, self.covariances) + np.einsum("k,ki,kj->ij", self.weights,
                                                                                 centred, centred)


@dataclass(frozen=True)
class MixtureBenchmark:
    """One benchmark instance: input ``p0``, ``epsilon`` (default convention) and the potential mixture."""

    p0: GaussianMixture
    epsilon: float
    potential: GaussianMixture

    def __post_init__(self) -> None:
        if not isinstance(self.p0, GaussianMixture) or not isinstance(self.potential, GaussianMixture):
            raise TypeError("p0 and potential must be GaussianMixture instances")
        if self.p0.dim != self.potential.dim:
            raise ValueError(f"p0 has dimension {self.p0.dim} but the potential has dimension {self.potential.dim}")
        eps = float(self.epsilon)
        if not math.isfinite(eps) or eps <= 0:
            raise ValueError(f"epsilon must be finite and > 0, got {self.epsilon!r}")
        dim = self.dim
        eye = np.eye(dim)
        pot = self.potential
        precision = np.linalg.inv(pot.covariances)
        plan_cov = np.linalg.inv(eye / eps + precision)
        plan_cov = 0.5 * (plan_cov + np.swapaxes(plan_cov, 1, 2))
        plan_bias = np.einsum("kij,kjl,kl->ki", plan_cov, precision, pot.means)
        object.__setattr__(self, "epsilon", eps)
        object.__setattr__(self, "_plan_cov", plan_cov)
        object.__setattr__(self, "_plan_chol", np.linalg.cholesky(plan_cov))
        object.__setattr__(self, "_plan_bias", plan_bias)
        object.__setattr__(self, "_smoothed_chol", np.linalg.cholesky(pot.covariances + eps * eye))

    @property
    def dim(self) -> int:
        return self.p0.dim

    # -- the conditional plan -------------------------------------------------------------------------------
    def plan_log_weights(self, x: Any) -> np.ndarray:
        """``log α̃_k(x)`` (normalized over k), shape (n, K)."""
        x = _check_points(x, self.dim)
        pot = self.potential
        logits = np.stack([np.log(w) + _gaussian_logpdf(x, m, c)
                           for w, m, c in zip(pot.weights, pot.means, self._smoothed_chol)], axis=1)
        return logits - _logsumexp(logits, axis=1)[:, None]

    def plan_component_means(self, x: Any) -> np.ndarray:
        """``Σ̃_k Σ_k⁻¹ μ_k + Σ̃_k x / ε``, shape (n, K, D)."""
        x = _check_points(x, self.dim)
        return self._plan_bias[None] + np.einsum("kij,nj->nki", self._plan_cov, x) / self.epsilon

    @property
    def plan_component_covariances(self) -> np.ndarray:
        """``Σ̃_k = (I/ε + Σ_k⁻¹)⁻¹``, shape (K, D, D)."""
        return self._plan_cov.copy()

    def conditional_moments(self, x: Any) -> tuple[np.ndarray, np.ndarray]:
        """Exact mean (n, D) and covariance (n, D, D) of π*(·|x)."""
        weights = np.exp(self.plan_log_weights(x))
        means = self.plan_component_means(x)
        mean = np.einsum("nk,nki->ni", weights, means)
        centred = means - mean[:, None, :]
        cov = np.einsum("nk,kij->nij", weights, self._plan_cov) + np.einsum("nk,nki,nkj->nij", weights, centred,
                                                                           centred)
        return mean, cov

    def sample_plan(self, x: Any, rng: Any = None) -> np.ndarray:
        """One exact draw y ~ π*(·|x) for each row of ``x`` (Gumbel-max over the component log-weights)."""
        x = _check_points(x, self.dim)
        rng = _as_generator(rng)
        log_weights = self.plan_log_weights(x)
        labels = np.argmax(log_weights + rng.gumbel(size=log_weights.shape), axis=1)
        means = self._plan_bias[labels] + np.einsum("nij,nj->ni", self._plan_cov[labels], x) / self.epsilon
        noise = rng.standard_normal(x.shape)
        return means + np.einsum("nij,nj->ni", self._plan_chol[labels], noise)

    def sample_p0(self, n: int, rng: Any = None) -> np.ndarray:
        return self.p0.sample(n, rng)

    def sample_pair(self, n: int, rng: Any = None) -> tuple[np.ndarray, np.ndarray]:
        """``(x, y)`` with x ~ p0 and y ~ π*(·|x): an exact sample of the plan."""
        rng = _as_generator(rng)
        x = self.sample_p0(n, rng)
        return x, self.sample_plan(x, rng)

    def sample_p1(self, n: int, rng: Any = None) -> np.ndarray:
        return self.sample_pair(n, rng)[1]

    def target_moments(self, n: int = 200_000, rng: Any = 0) -> tuple[np.ndarray, np.ndarray]:
        """Mean and covariance of p1, Rao–Blackwellized: averages of the exact conditional moments over n draws of p0.

        p1 has no closed form; the Monte-Carlo error of the covariance is O(1/√n) relative.
        """
        rng = _as_generator(rng)
        n = _check_count(n)
        total_mean = np.zeros(self.dim)
        second = np.zeros((self.dim, self.dim))
        chunk = 20_000
        done = 0
        while done < n:
            m = min(chunk, n - done)
            mean, cov = self.conditional_moments(self.sample_p0(m, rng))
            total_mean += mean.sum(axis=0)
            second += cov.sum(axis=0) + mean.T @ mean
            done += m
        total_mean /= n
        return total_mean, second / n - np.outer(total_mean, total_mean)

    # -- the bridge ---------------------------------------------------------------------------------------------
    def drift(self, x: Any, t: Any) -> np.ndarray:
        """``ε ∇ₓ log Σ_k w_k N(x | μ_k, Σ_k + (1−t) ε I)`` for t ∈ [0, 1], shape (n, D)."""
        x = _check_points(x, self.dim)
        t = float(t)
        if not 0 <= t <= 1:
            raise ValueError(f"t must lie in [0, 1], got {t!r}")
        pot = self.potential
        covs = pot.covariances + (1 - t) * self.epsilon * np.eye(self.dim)
        chols = np.linalg.cholesky(covs)
        logits = np.stack([np.log(w) + _gaussian_logpdf(x, m, c) for w, m, c in zip(pot.weights, pot.means, chols)],
                          axis=1)
        gamma = np.exp(logits - _logsumexp(logits, axis=1)[:, None])
        scores = -np.stack([np.linalg.solve(c, (x - m).T).T for c, m in zip(covs, pot.means)], axis=1)
        return self.epsilon * np.einsum("nk,nki->ni", gamma, scores)

    def light_sb_parameters(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(log_alpha (K,), r (K, D), S (K, D, D))`` — the Light SB model that equals π* (log α normalized)."""
        pot = self.potential
        zero = np.zeros(self.dim)
        log_alpha = np.array([np.log(w) + _gaussian_logpdf(zero[None], m, c)[0]
                              for w, m, c in zip(pot.weights, pot.means, self._smoothed_chol)])
        log_alpha -= _logsumexp(log_alpha, axis=0)
        return log_alpha, self._plan_bias.copy(), self._plan_cov / self.epsilon


#: The largest benchmark dimension, and the most covariance entries (n_components · dim²) one instance holds.
MAX_BENCHMARK_DIM = 4096
MAX_BENCHMARK_ENTRIES = 1 << 26


def mixture_benchmark(
    dim: int,
    epsilon: float,
    seed: int = 0,
    *,
    n_components: int = 5,
    spacing: float = 1.5,
    std: float = 0.5,
    convention: str = "half_cost",
) -> MixtureBenchmark:
    """A benchmark instance for dimension ``dim`` and ``epsilon`` (read in ``convention``) from ``seed``.

    Recipe (see the module docstring): p0 = N(0, I); potential weights uniform(0, 1) normalized; centres: for each
    coordinate an independent random permutation of {0, …, K−1}·spacing, shifted to mean 0; covariances std²·I.
    The same ``(dim, seed)`` gives the same p0 and potential for every ε.
    """
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
        raise TypeError(f"dim must be an int, got {type(dim).__name__}")
    if dim < 1:
        raise ValueError(f"dim must be >= 1, got {dim}")
    if dim > MAX_BENCHMARK_DIM:
        raise ValueError(f"dim must be <= MAX_BENCHMARK_DIM = {MAX_BENCHMARK_DIM}, got {dim}")
    n_components = _check_count(n_components, "n_components")
    if n_components * dim * dim > MAX_BENCHMARK_ENTRIES:
        raise ValueError(f"n_components · dim² = {n_components * dim * dim} covariance entries; at most "
                         f"{MAX_BENCHMARK_ENTRIES}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    name = resolve(EPSILON, convention, "convention")
    values = {}
    for value, label in ((epsilon, "epsilon"), (spacing, "spacing"), (std, "std")):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"{label} must be a real number, got {type(value).__name__}")
        if not (math.isfinite(float(value)) and value > 0):
            raise ValueError(f"{label} must be finite and > 0, got {value!r}")
        values[label] = float(value)
    eps = float(to_default(values["epsilon"], name))
    if not math.isfinite(eps) or eps <= 0:
        raise ValueError(f"epsilon must be finite and > 0 in the default convention, got {eps!r}")
    spacing, std = values["spacing"], values["std"]
    rng = np.random.default_rng([int(seed), int(dim)])
    weights = rng.uniform(size=n_components)
    weights = np.maximum(weights, 1e-3)
    centres = np.stack([rng.permutation(n_components) for _ in range(dim)], axis=1).astype(np.float64) * spacing
    centres -= spacing * (n_components - 1) / 2
    covs = np.broadcast_to(std**2 * np.eye(dim), (n_components, dim, dim)).copy()
    p0 = GaussianMixture(np.ones(1), np.zeros((1, dim)), np.eye(dim)[None])
    return MixtureBenchmark(p0=p0, epsilon=eps, potential=GaussianMixture(weights, centres, covs))
