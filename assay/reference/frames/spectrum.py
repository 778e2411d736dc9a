"""Centroid, scatter matrix and its eigen-decomposition at any precision, with the spectrum classified.

For a cloud ``X ∈ ℝ^{n×d}`` (points as rows) the PCA frame rests on

    t = (1/n) Σ_i x_i,     C = (X − 1tᵀ)ᵀ (X − 1tᵀ) = V Λ Vᵀ,   λ1 ≤ λ2 ≤ … ≤ λd,

computed with mpmath's symmetric eigensolver (``mpmath.eigsy``, Jacobi/QL at the working precision). An
eigenvector is determined up to sign only where its eigenvalue is simple; where ``k`` eigenvalues coincide only
the k-dimensional eigenspace is determined, and no finite set of sign frames is equivariant there.

Classification (:class:`Spectrum`). With ``scale = λd`` (the largest eigenvalue) the relative gaps are
``g_i = (λ_(i+1) − λ_i) / scale``. Eigenvalues ``i, i+1`` are *tied* when ``g_i ≤ tie_tol``; the default
``tie_tol = 10^(−dps/2)`` sits far above the rounding of a ``dps``-digit eigensolve (``≈ 10^−dps``) and far below
any gap a float64 cloud can have without being exactly degenerate, so exact symmetries (a regular tetrahedron, a
cube, a square ring) are recognised and generic clouds never are. ``kind``:

- ``"simple"`` — no ties: the 2^d sign frames are an equivariant frame;
- ``"repeated"`` — a tie among non-zero eigenvalues (tetrahedron, cube, octahedron: ``C ∝ I``; axially symmetric
  clouds: a 2-fold pair);
- ``"rank-deficient"`` — a tie that includes zero eigenvalues (``λ ≤ tie_tol·scale``): collinear points, n < d − 1
  distinct points, a single point. A *single* zero eigenvalue (a planar cloud in 3-d) is still ``"simple"``: the
  normal is determined up to sign.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np

from assay.core.validation import check_dps
from assay.reference.frames._mp import as_points

__all__ = ["Spectrum", "centred", "centroid", "scatter_matrix", "spectrum"]


def centroid(points: Any, dps: int = 50) -> np.ndarray:
    """``t = (1/n) Σ_i x_i`` as a ``(d,)`` object array of mpf."""
    with mpmath.workdps(check_dps(dps)):
        X = as_points(points)
        return np.array([mpmath.fsum(X[:, j]) / X.shape[0] for j in range(X.shape[1])], dtype=object)


def centred(points: Any, dps: int = 50) -> np.ndarray:
    """``X − 1tᵀ`` (object array of mpf)."""
    with mpmath.workdps(check_dps(dps)):
        X = as_points(points)
        t = centroid(X, dps)
        return X - t[None, :]


def scatter_matrix(points: Any, dps: int = 50) -> np.ndarray:
    """``C = (X − 1tᵀ)ᵀ (X − 1tᵀ)`` (``d × d`` object array of mpf; the sum over points, not the mean)."""
    with mpmath.workdps(check_dps(dps)):
        Y = centred(points, dps)
        d = Y.shape[1]
        C = np.empty((d, d), dtype=object)
        for a in range(d):
            for b in range(a, d):
                C[a, b] = C[b, a] = mpmath.fsum(Y[:, a] * Y[:, b])
        return C


@dataclass(frozen=True)
class Spectrum:
    """The eigen-decomposition of the scatter matrix and its classification (see the module docstring)."""

    eigenvalues: tuple  # mpf, ascending
    eigenvectors: np.ndarray  # d × d object array, column j belongs to eigenvalues[j]
    relative_gaps: tuple  # mpf, (λ_(i+1) − λ_i) / λ_d, length d − 1
    blocks: tuple  # tuples of consecutive eigenvalue indices that are tied, e.g. ((0,), (1, 2))
    rank: int  # number of eigenvalues > tie_tol · λ_d
    kind: str  # "simple", "repeated" or "rank-deficient"
    tie_tol: Any
    centroid: np.ndarray
    dps: int

    @property
    def simple(self) -> bool:
        return self.kind == "simple"

    @property
    def multiplicities(self) -> tuple[int, ...]:
        return tuple(len(block) for block in self.blocks)

    def min_relative_gap(self) -> float:
        """The smallest relative gap as a float (``inf`` in 1-d, where there is no gap)."""
        return float(min(self.relative_gaps)) if self.relative_gaps else float("inf")


def spectrum(points: Any, dps: int = 50, tie_tol: Any = None) -> Spectrum:
    """Eigenvalues (ascending), eigenvectors and the classification of the scatter matrix of ``points``.

    The eigenvector signs are mpmath's; frames never depend on them (all signs are enumerated).
    """
    dps = check_dps(dps)
    with mpmath.workdps(dps + 10):
        X = as_points(points)
        t = centroid(X, dps + 10)
        C = scatter_matrix(X, dps + 10)
        d = C.shape[0]
        values, vectors = mpmath.eigsy(mpmath.matrix(C.tolist()))
        order = sorted(range(d), key=lambda i: values[i])
        eigenvalues = [values[i] for i in order]
        V = np.empty((d, d), dtype=object)
        for new, old in enumerate(order):
            for row in range(d):
                V[row, new] = vectors[row, old]
        tol = mpmath.mpf(10) ** (-(dps // 2)) if tie_tol is None else mpmath.mpf(tie_tol)
        scale = max(abs(eigenvalues[-1]), mpmath.mpf(0))
        if scale == 0:
            gaps = [mpmath.mpf(0)] * (d - 1)
            zero = [True] * d
        else:
            gaps = [(eigenvalues[i + 1] - eigenvalues[i]) / scale for i in range(d - 1)]
            zero = [abs(lam) <= tol * scale for lam in eigenvalues]
        blocks: list[list[int]] = [[0]]
        for i, gap in enumerate(gaps):
            if gap <= tol:
                blocks[-1].append(i + 1)
            else:
                blocks.append([i + 1])
        rank = d - sum(zero)
        tied = [block for block in blocks if len(block) > 1]
        if not tied:
            kind = "simple"
        elif any(zero[block[0]] for block in tied):
            kind = "rank-deficient"
        else:
            kind = "repeated"
    with mpmath.workdps(dps):
        return Spectrum(
            eigenvalues=tuple(+v for v in eigenvalues),
            eigenvectors=np.vectorize(lambda v: +v, otypes=[object])(V),
            relative_gaps=tuple(+g for g in gaps),
            blocks=tuple(tuple(b) for b in blocks),
            rank=rank,
            kind=kind,
            tie_tol=tol,
            centroid=np.vectorize(lambda v: +v, otypes=[object])(t),
            dps=dps,
        )
