"""Hypothesis strategies for frame averaging: clouds (generic, near- and exactly degenerate), E(d) elements, graphs.

Continuous draws come from a drawn 32-bit seed fed to numpy (reproducible from the seed, with the intended
distribution). Generic clouds are anisotropic Gaussian clouds with a relative eigenvalue gap of at least
``min_gap`` (so the sign frame is well conditioned: eigenvector error ≈ ε / gap); degenerate ones are the exact
fixtures of :mod:`assay.properties.frames.fixtures`, optionally moved by a random E(3) element.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from assay.properties.frames.fixtures import DEGENERATE_FIXTURES, FIXTURES, crossing_cloud
from assay.properties.so3.strategies import rotation_matrices

__all__ = [
    "EuclideanElement",
    "degenerate_clouds",
    "euclidean_elements",
    "generic_cloud",
    "generic_clouds",
    "graphs",
    "near_degenerate_clouds",
    "orthogonal_matrices",
    "relative_gaps",
]

_SEEDS = st.integers(min_value=0, max_value=2**32 - 1)


def relative_gaps(points: np.ndarray) -> np.ndarray:
    """``(λ_(i+1) − λ_i) / λ_d`` of the scatter of ``points`` (float64, for filtering)."""
    Y = points - points.mean(axis=0)
    values = np.linalg.eigvalsh(Y.T @ Y)
    return np.diff(values) / max(values[-1], np.finfo(np.float64).tiny)


def generic_cloud(seed: int, n: int, d: int) -> np.ndarray:
    """An anisotropic Gaussian ``(n, d)`` cloud (axis scales in [0.5, 3], random orientation and offset)."""
    rng = np.random.default_rng(seed)
    scales = np.sort(rng.uniform(0.5, 3.0, d))
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    return rng.standard_normal((n, d)) * scales @ Q.T + rng.normal(0.0, 2.0, d)


def generic_clouds(min_points: int = 4, max_points: int = 16, d: int = 3,
                   min_gap: float = 0.05) -> st.SearchStrategy[np.ndarray]:
    """``(n, d)`` float64 clouds with every relative scatter gap ≥ ``min_gap`` (simple, well-separated spectrum)."""
    if min_points < d + 1:
        raise ValueError(f"min_points must be >= d + 1 = {d + 1} for a full-rank generic cloud, got {min_points}")
    return st.builds(generic_cloud, _SEEDS, st.integers(min_points, max_points), st.just(d)).filter(
        lambda X: bool(np.all(relative_gaps(X) >= min_gap)))


def orthogonal_matrices(d: int = 3, proper: bool = False) -> st.SearchStrategy[np.ndarray]:
    """``d × d`` orthogonal matrices, Haar on O(d) (SO(d) with ``proper``); for d = 3 with the special rotations
    (identity, half-turns, quarter-turns) of :func:`assay.properties.so3.strategies.rotation_matrices` mixed in."""
    def haar(seed: int) -> np.ndarray:
        rng = np.random.default_rng(seed)
        q, r = np.linalg.qr(rng.standard_normal((d, d)))
        q = q * np.sign(np.diag(r))
        if proper and np.linalg.det(q) < 0:
            q[:, 0] = -q[:, 0]
        return q

    random = _SEEDS.map(haar)
    if d != 3:
        return random
    special = rotation_matrices(special=True)
    if not proper:
        special = st.tuples(special, st.sampled_from([1.0, -1.0])).map(lambda pair: pair[1] * pair[0])
    return st.one_of(random, random, special)


class EuclideanElement(tuple):
    """``(R, t)`` acting by ``X ↦ X Rᵀ + 1 tᵀ``."""

    @property
    def rotation(self) -> np.ndarray:
        return self[0]

    @property
    def translation(self) -> np.ndarray:
        return self[1]

    def act(self, points: np.ndarray) -> np.ndarray:
        return points @ self[0].T + self[1]


def euclidean_elements(d: int = 3, proper: bool = False, translations: bool = True,
                       scale: float = 5.0) -> st.SearchStrategy[EuclideanElement]:
    """Elements of E(d) (SE(d) with ``proper``; O(d)/SO(d) without ``translations``), reflections included."""
    def translation(seed: int) -> np.ndarray:
        return np.random.default_rng(seed).normal(0.0, scale, d) if translations else np.zeros(d)

    return st.tuples(orthogonal_matrices(d, proper), _SEEDS.map(translation)).map(EuclideanElement)


def degenerate_clouds(names: tuple[str, ...] = DEGENERATE_FIXTURES) -> st.SearchStrategy[tuple[str, np.ndarray]]:
    """``(name, points)`` for the exactly degenerate fixtures (float64, exact integer coordinates)."""
    return st.sampled_from(names).map(lambda name: (name, FIXTURES[name].array()))


def near_degenerate_clouds(min_exponent: int = 4,
                           max_exponent: int = 12) -> st.SearchStrategy[tuple[float, np.ndarray]]:
    """``(s, points)``: :func:`~assay.properties.frames.fixtures.crossing_cloud` at ``s = ±10^−k`` — two
    eigenvalues a relative gap of about ``4s`` apart."""
    return st.tuples(st.integers(min_exponent, max_exponent), st.sampled_from([1.0, -1.0])).map(
        lambda pair: (pair[1] * 10.0 ** -pair[0], crossing_cloud(pair[1] * 10.0 ** -pair[0])))


def _petersen() -> np.ndarray:
    A = np.zeros((10, 10), dtype=np.int64)
    edges = [(i, (i + 1) % 5) for i in range(5)] + [(i, i + 5) for i in range(5)]
    edges += [(5 + i, 5 + (i + 2) % 5) for i in range(5)]
    for i, j in edges:
        A[i, j] = A[j, i] = 1
    return A


def _paley9() -> np.ndarray:
    """Paley graph of order 9 (the 3 × 3 rook's graph): strongly regular (9, 4, 1, 2)."""
    A = np.zeros((9, 9), dtype=np.int64)
    for u in range(9):
        for v in range(9):
            if u != v and (u // 3 == v // 3 or u % 3 == v % 3):
                A[u, v] = 1
    return A


def _cycle(n: int) -> np.ndarray:
    A = np.zeros((n, n), dtype=np.int64)
    for i in range(n):
        A[i, (i + 1) % n] = A[(i + 1) % n, i] = 1
    return A


def _random_graph(seed: int, n: int, p: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    upper = np.triu(rng.random((n, n)) < p, k=1)
    return (upper | upper.T).astype(np.int64)


def graphs(min_nodes: int = 3, max_nodes: int = 9) -> st.SearchStrategy[np.ndarray]:
    """Symmetric 0/1 adjacency matrices: Erdős–Rényi graphs, cycles (2-regular), the Petersen graph and the Paley
    graph of order 9 (strongly regular: every node has the same signature, one block)."""
    random = st.builds(_random_graph, _SEEDS, st.integers(min_nodes, max_nodes), st.sampled_from([0.3, 0.5, 0.7]))
    special = st.one_of(st.integers(max(min_nodes, 3), max_nodes).map(_cycle), st.just(_petersen()),
                        st.just(_paley9()))
    return st.one_of(random, random, special)
