"""Test functions for graph frame averaging, and relabelling helpers.

:class:`GraphProbe` is a *pairwise* graph function with position-dependent coefficients,

    φ(A, x) = Σ_k a_k x_k + Σ_k b_k x_k² + Σ_{k,l} C_kl A_kl x_k x_l      (A: (…, n, n), x: (…, n))

so it is not permutation invariant by itself (only its frame average is), not odd in x (the squares), and its
exact frame average has a closed form for any frame size
(:func:`assay.reference.frames.pairwise_frame_average`). :class:`GraphVectorProbe` is the equivariant analogue,

    Ψ(A, x)_k = a_k + b_k x_k² + c_k x_k (A x)_k + Σ_l C_kl A_kl x_l     (one output per position k).

Coefficients are drawn from ``seed`` for each node count ``n`` and rounded to 3 decimals (exact binary values the
mpmath reference and a float64/float32 implementation share). Both evaluate on torch tensors (batched) and numpy
arrays, including object arrays of mpmath numbers.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

__all__ = ["GraphProbe", "GraphVectorProbe", "probe_magnitude", "relabel"]


@lru_cache(maxsize=64)
def _coefficients(n: int, seed: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng([seed, n])
    return tuple(np.round(rng.uniform(-1.0, 1.0, shape), 3) for shape in ((n,), (n,), (n,), (n, n)))


def _like(values: np.ndarray, reference: Any) -> Any:
    if hasattr(reference, "detach"):
        import torch

        return torch.as_tensor(values, dtype=reference.dtype, device=reference.device)
    return values


class GraphProbe:
    """The invariant pairwise probe φ (see the module docstring)."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    def coefficients(self, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(a, b, C)`` for graphs on ``n`` nodes."""
        a, b, _, C = _coefficients(n, self.seed)
        return a, b, C

    def __call__(self, A: Any, x: Any) -> Any:
        n = A.shape[-1]
        a, b, C = (_like(v, x) for v in self.coefficients(n))
        pair = (A * C) * x[..., :, None] * x[..., None, :]
        return (x * a).sum(-1) + (x * x * b).sum(-1) + pair.sum(-1).sum(-1)


class GraphVectorProbe:
    """The equivariant probe Ψ (see the module docstring); returns ``(…, n)``."""

    def __init__(self, seed: int = 1) -> None:
        self.seed = seed

    def __call__(self, A: Any, x: Any) -> Any:
        n = A.shape[-1]
        a, b, c, C = (_like(v, x) for v in _coefficients(n, self.seed))
        neighbours = (A * x[..., None, :]).sum(-1)  # (A x)_k
        return a + b * x * x + c * x * neighbours + (A * C * x[..., None, :]).sum(-1)


def relabel(adjacency: np.ndarray, features: np.ndarray | None, permutation: np.ndarray) -> tuple[np.ndarray, Any]:
    """The graph with node ``k`` of the result being node ``permutation[k]`` of the input:
    ``A' = A[p][:, p]``, ``x' = x[p]``."""
    p = np.asarray(permutation)
    return adjacency[np.ix_(p, p)], None if features is None else np.asarray(features)[p]


def probe_magnitude(probe: GraphProbe | GraphVectorProbe, adjacency: np.ndarray, features: np.ndarray) -> float:
    """An upper bound on the size of the probe's terms for this graph under any relabelling — the scale its
    rounding errors are measured against: with ``M = max(1, max|x|)`` and ``α = max A``,
    ``Σ|a| M + Σ|b| M² + Σ|C| α M²`` for φ and ``max_k (|a_k| + |b_k| M² + |c_k| M² max_i Σ_j A_ij + Σ_l |C_kl| α M)``
    for Ψ."""
    A = np.asarray(adjacency, dtype=np.float64)
    n = A.shape[0]
    M = max(1.0, float(np.max(np.abs(np.asarray(features, dtype=np.float64)))))
    alpha = float(A.max()) if A.size else 0.0
    if isinstance(probe, GraphProbe):
        a, b, C = probe.coefficients(n)
        return float(np.abs(a).sum() * M + np.abs(b).sum() * M * M + np.abs(C).sum() * alpha * M * M)
    a, b, c, C = _coefficients(n, probe.seed)
    degree = float(A.sum(axis=1).max())
    rows = np.abs(a) + np.abs(b) * M * M + np.abs(c) * M * M * degree + np.abs(C).sum(axis=1) * alpha * M
    return float(rows.max())
