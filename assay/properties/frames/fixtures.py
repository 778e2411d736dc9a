"""Point clouds whose scatter spectrum is known exactly: the degenerate cases frame averaging must handle.

Coordinates are small integers, so the clouds are exactly representable in float32/float64 and their scatter
matrices are computed exactly; each entry records the classification
(:func:`assay.reference.frames.spectrum`) and the eigenvalue multiplicities, derived by hand:

- ``tetrahedron`` (alternate cube vertices), ``cube``, ``octahedron``: cubic symmetry forces ``C ∝ I`` (one 3-fold
  eigenvalue);
- ``square_pyramid``: a square ring plus an apex; the 4-fold axis forces a 2-fold eigenvalue (axially symmetric;
  here the in-plane pair is the larger one, multiplicities (1, 2));
- ``square_antiprism``: two stacked squares rotated by 45° — also 4-fold symmetric about z;
- ``collinear``: points on the line through (1, 2, 3): eigenvalues (0, 0, s|a|²) — rank 1, the zero pair tied;
- ``two_points`` (n < d): rank 1, like a line;
- ``single_point``: rank 0 (C = 0);
- ``planar_generic``: a generic cloud in the plane z = 0 — one zero eigenvalue, still *simple*;
- ``generic``: no symmetry at all (simple).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["DEGENERATE_FIXTURES", "FIXTURES", "SIMPLE_FIXTURES", "CloudFixture", "crossing_cloud", "whitened_cloud"]


@dataclass(frozen=True)
class CloudFixture:
    name: str
    points: tuple  # tuple of integer tuples (exact)
    kind: str  # "simple", "repeated", "rank-deficient"
    multiplicities: tuple[int, ...]

    def array(self, dtype: type = np.float64) -> np.ndarray:
        return np.array(self.points, dtype=dtype)


FIXTURES = {
    fixture.name: fixture
    for fixture in [
        CloudFixture("tetrahedron", ((1, 1, 1), (1, -1, -1), (-1, 1, -1), (-1, -1, 1)), "repeated", (3,)),
        CloudFixture("cube", tuple((x, y, z) for x in (1, -1) for y in (1, -1) for z in (1, -1)), "repeated", (3,)),
        CloudFixture("octahedron", ((1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, -1, 0), (0, 0, 1), (0, 0, -1)),
                     "repeated", (3,)),
        CloudFixture("square_pyramid", ((2, 0, 0), (-2, 0, 0), (0, 2, 0), (0, -2, 0), (0, 0, 3)), "repeated",
                     (1, 2)),
        CloudFixture("square_antiprism", ((2, 0, 1), (-2, 0, 1), (0, 2, 1), (0, -2, 1),
                                          (1, 1, -1), (-1, 1, -1), (1, -1, -1), (-1, -1, -1)), "repeated", (1, 2)),
        CloudFixture("collinear", ((0, 0, 0), (1, 2, 3), (2, 4, 6), (5, 10, 15)), "rank-deficient", (2, 1)),
        CloudFixture("two_points", ((1, 2, 3), (4, 0, -1)), "rank-deficient", (2, 1)),
        CloudFixture("single_point", ((1, 2, 3),), "rank-deficient", (3,)),
        CloudFixture("planar_generic", ((0, 0, 0), (3, 1, 0), (1, 4, 0), (-2, 1, 0), (5, -3, 0)), "simple",
                     (1, 1, 1)),
        CloudFixture("generic", ((0, 0, 0), (3, 1, 2), (1, 4, -1), (-2, 1, 5), (5, -3, 1), (2, 2, -4)), "simple",
                     (1, 1, 1)),
    ]
}
DEGENERATE_FIXTURES = tuple(name for name, f in FIXTURES.items() if f.kind != "simple")
SIMPLE_FIXTURES = tuple(name for name, f in FIXTURES.items() if f.kind == "simple")


def whitened_cloud(n: int = 12, seed: int = 0) -> np.ndarray:
    """A generic ``(n, 3)`` float64 cloud with centroid 0 and scatter ``I`` (to rounding): no symmetry, but every
    direction has the same spread — the base of :func:`crossing_cloud`."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 3))
    X = X - X.mean(axis=0)
    values, vectors = np.linalg.eigh(X.T @ X)
    return X @ vectors @ np.diag(values ** -0.5) @ vectors.T


def crossing_cloud(s: float, n: int = 12, seed: int = 0, third: float = 0.3) -> np.ndarray:
    """The whitened cloud scaled by ``diag(1 + s, 1 − s, third)``: scatter ``diag((1+s)², (1−s)², third²)``,
    whose two largest eigenvalues cross at ``s = 0`` (the eigenvectors swap there)."""
    return whitened_cloud(n, seed) @ np.diag([1 + s, 1 - s, third])
