"""Property checks for frame-averaging implementations; each returns an error size (0 is perfect).

Implementations are plain callables on float64 numpy arrays (torch tensors are accepted where noted and converted):

- ``frames_fn(points) -> (F, d, d)`` frame elements (columns: signed principal axes) — or anything array-like;
- ``average_fn(points) -> value``: a frame-averaged function (invariant, vectors or positions output).

Probes. :class:`PolynomialProbe` is the test function the checks (and the conformance chapter) feed through frame
averaging: a fixed polynomial of degree 4 that is **not odd** under any sign flip of the framed coordinates (an odd
φ averages to exactly zero over the 2^d sign frames and would hide any bug) and contains a chiral term
``y1 y2 y3`` (so mirror-image frames — a left-handed third axis — change its value). It evaluates on torch tensors
``(..., n, d)``, numpy float arrays and numpy object arrays of mpmath numbers alike, so the exact reference and the
implementation under test see the same function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = [
    "PolynomialProbe",
    "VectorProbe",
    "crossing_profile",
    "determinant_error",
    "equivariance_error",
    "frame_set_error",
    "frame_size_error",
    "invariance_error",
    "orthogonality_error",
]


def _numpy(value: Any) -> np.ndarray:
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    array = np.asarray(value)
    return array.astype(np.float64) if array.dtype != object else array


def _coefficients(d: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return tuple(np.round(rng.uniform(-1.0, 1.0, d), 3) for _ in range(3))


class PolynomialProbe:
    """``φ(Y) = Σ_i [ (y_i·a)² (y_i·b)² + κ y_i1 y_i2 y_i3 + (y_i·c)² + y_i·c ] / n`` (invariant probe).

    ``a, b, c`` are coefficients drawn from ``seed`` and rounded to 3 decimals; they enter every arithmetic as the
    same float64 numbers (exact binary values), so the mpmath reference evaluates the very same polynomial. The
    chiral term needs d ≥ 3 (κ = 0.7, dropped for d < 3).
    """

    def __init__(self, d: int = 3, seed: int = 0) -> None:
        self.d = d
        self.a, self.b, self.c = _coefficients(d, seed)
        self.kappa = 0.7 if d >= 3 else 0.0

    def _dot(self, Y: Any, w: np.ndarray) -> Any:
        return sum(Y[..., j] * float(w[j]) for j in range(self.d))

    def __call__(self, Y: Any) -> Any:
        ya, yb, yc = self._dot(Y, self.a), self._dot(Y, self.b), self._dot(Y, self.c)
        terms = ya * ya * yb * yb + yc * yc + yc
        if self.d >= 3:
            terms = terms + self.kappa * Y[..., 0] * Y[..., 1] * Y[..., 2]
        return terms.sum(-1) / Y.shape[-2]


class VectorProbe:
    """``Ψ(Y)_i = ((y_i·a)² + y_i·b + 1) y_i + (y_i·c) e_1`` — one vector per point (``(..., n, d)``); not odd.

    Used for ``vectors`` and ``positions`` outputs.
    """

    def __init__(self, d: int = 3, seed: int = 1) -> None:
        self.d = d
        self.a, self.b, self.c = _coefficients(d, seed)

    def _dot(self, Y: Any, w: np.ndarray) -> Any:
        return sum(Y[..., j] * float(w[j]) for j in range(self.d))

    def __call__(self, Y: Any) -> Any:
        ya, yb, yc = self._dot(Y, self.a), self._dot(Y, self.b), self._dot(Y, self.c)
        weight = ya * ya + yb + 1
        out = Y * weight[..., None]
        if isinstance(out, np.ndarray):
            out = out.copy()
            out[..., 0] = out[..., 0] + yc
            return out
        import torch

        return torch.cat([out[..., :1] + yc[..., None], out[..., 1:]], dim=-1)


def frame_size_error(frames: Any, proper: bool) -> float:
    """``| |F| − expected |`` with expected ``2^(d−1)`` (proper) or ``2^d``."""
    array = _numpy(frames)
    if array.ndim != 3 or array.shape[1] != array.shape[2]:
        raise ValueError(f"frames must have shape (F, d, d), got {array.shape}")
    d = array.shape[1]
    return float(abs(array.shape[0] - 2 ** (d - 1 if proper else d)))


def orthogonality_error(frames: Any) -> float:
    """``max_R max |RᵀR − I|``."""
    array = _numpy(frames)
    eye = np.eye(array.shape[-1])
    return float(np.max(np.abs(np.swapaxes(array, -1, -2) @ array - eye)))


def determinant_error(frames: Any, proper: bool) -> float:
    """``max_R |det R − 1|`` for proper groups; ``max_R ||det R| − 1|`` otherwise."""
    dets = np.linalg.det(_numpy(frames))
    return float(np.max(np.abs(dets - 1.0))) if proper else float(np.max(np.abs(np.abs(dets) - 1.0)))


def frame_set_error(frames_x: Any, frames_gx: Any, rotation: np.ndarray) -> float:
    """Hausdorff distance (entrywise max norm) between the sets ``g·F(X) = {Q R}`` and ``F(gX)``.

    Zero exactly when ``F(gX) = g F(X)`` as sets, whatever order each implementation lists its frames in.
    """
    left = np.asarray(rotation, dtype=np.float64) @ _numpy(frames_x)
    right = _numpy(frames_gx)
    if left.shape[1:] != right.shape[1:]:
        raise ValueError(f"frame shapes differ: {left.shape} and {right.shape}")
    distance = np.max(np.abs(left[:, None] - right[None, :]), axis=(-1, -2))
    return float(max(distance.min(axis=1).max(), distance.min(axis=0).max()))


def invariance_error(average_fn: Callable[[np.ndarray], Any], points: np.ndarray, element: Any) -> float:
    """``|⟨φ⟩(gX) − ⟨φ⟩(X)| / max(1, |⟨φ⟩(X)|)`` (max over components) for ``g = (R, t)``."""
    points = np.asarray(points, dtype=np.float64)
    before = _numpy(average_fn(points))
    after = _numpy(average_fn(element.act(points)))
    return float(np.max(np.abs(after - before)) / max(1.0, float(np.max(np.abs(before)))))


def equivariance_error(average_fn: Callable[[np.ndarray], Any], points: np.ndarray, element: Any,
                       positions: bool) -> float:
    """``|⟨Φ⟩(gX) − g·⟨Φ⟩(X)|_max / max(1, |⟨Φ⟩(X)|_max)`` with ``g·Y = Y Rᵀ (+ 1tᵀ for positions)``."""
    points = np.asarray(points, dtype=np.float64)
    before = _numpy(average_fn(points))
    expected = before @ element.rotation.T + (element.translation if positions else 0.0)
    after = _numpy(average_fn(element.act(points)))
    return float(np.max(np.abs(after - expected)) / max(1.0, float(np.max(np.abs(before)))))


def crossing_profile(average_fn: Callable[[np.ndarray], Any], s_values: Any, n: int = 12,
                     seed: int = 0) -> np.ndarray:
    """``⟨φ⟩`` along the eigenvalue crossing :func:`~assay.properties.frames.fixtures.crossing_cloud` (``s`` values).

    Frame averages are discontinuous where eigenvalues cross — there is no continuous canonicalization for O(d)
    (Dym, Lawrence, Siegel, ICML 2024) — so the profile jumps at ``s = 0``: the expected behaviour, reported, not a
    tolerance failure. Away from ``s = 0`` it is smooth.
    """
    from assay.properties.frames.fixtures import crossing_cloud

    return np.array([float(np.max(_numpy(average_fn(crossing_cloud(float(s), n, seed))))) for s in s_values])
