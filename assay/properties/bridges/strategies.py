"""Hypothesis strategies for bridge inputs: SPD covariances with bounded condition number, Gaussian pairs, ε.

Continuous draws come from a drawn 32-bit seed fed to numpy (so every example is reproducible from its seed); the
condition number is capped (``max_condition``) so that a correct float64 implementation is never ill-conditioned
into a false failure.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

__all__ = ["epsilons", "gaussian_pairs", "spd_matrices"]

_SEEDS = st.integers(min_value=0, max_value=2**32 - 1)


def _spd(rng: np.random.Generator, dim: int, max_condition: float, scale: float) -> np.ndarray:
    q, _ = np.linalg.qr(rng.standard_normal((dim, dim)))
    log_eigs = rng.uniform(0, np.log(max_condition), size=dim)
    log_eigs -= log_eigs.mean()
    matrix = (q * (scale * np.exp(log_eigs))) @ q.T
    return 0.5 * (matrix + matrix.T)


def spd_matrices(dim: int, max_condition: float = 20.0, scale: float = 1.0) -> st.SearchStrategy[np.ndarray]:
    """Symmetric positive-definite ``dim × dim`` float64 matrices with condition number ≤ ``max_condition``."""
    return _SEEDS.map(lambda seed: _spd(np.random.default_rng(seed), dim, max_condition, scale))


def gaussian_pairs(max_dim: int = 3, max_condition: float = 20.0) -> st.SearchStrategy[tuple]:
    """``(a, A, b, B)``: two Gaussians of the same dimension 1..max_dim (means of order 1)."""

    def build(args: tuple[int, int]) -> tuple:
        dim, seed = args
        rng = np.random.default_rng(seed)
        return (rng.standard_normal(dim), _spd(rng, dim, max_condition, 1.0), rng.standard_normal(dim),
                _spd(rng, dim, max_condition, float(rng.uniform(0.5, 2.0))))

    return st.tuples(st.integers(1, max_dim), _SEEDS).map(build)


def epsilons(low: float = 0.05, high: float = 20.0) -> st.SearchStrategy[float]:
    """ε log-uniform in [low, high], with the benchmark's 0.1, 1, 10 as explicit examples."""
    return st.one_of(st.sampled_from([0.1, 1.0, 10.0]),
                     st.floats(np.log(low), np.log(high)).map(lambda v: float(np.exp(v))))
