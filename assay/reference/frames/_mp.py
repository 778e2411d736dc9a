"""Private helpers: point clouds as mpmath object arrays, validated with errors that name the argument."""

from __future__ import annotations

from typing import Any

import mpmath
import numpy as np

from assay.reference.so3._mp import to_mpf

__all__ = ["as_mp_matrix", "as_points", "mp_array", "to_mpf"]


def as_points(points: Any, name: str = "points") -> np.ndarray:
    """``points`` as an ``(n, d)`` object array of ``mpmath.mpf`` at the working precision.

    Accepts nested lists, numpy arrays, torch tensors (values are copied without importing torch), and entries that
    are floats, ints, Fractions, mpmath or sympy numbers. Refuses n = 0, d = 0, a wrong rank, NaN or ±inf.
    """
    if hasattr(points, "detach"):  # a torch tensor
        points = points.detach().cpu().numpy()
    if isinstance(points, (str, bytes)):
        raise TypeError(f"{name} must be an (n, d) array of real numbers, got {type(points).__name__}")
    array = np.asarray(points, dtype=object)
    if array.ndim != 2:
        raise ValueError(f"{name} must have shape (n, d) (one point per row), got shape {array.shape}")
    n, d = array.shape
    if n == 0:
        raise ValueError(f"{name} must hold at least one point (n >= 1), got n = 0")
    if d == 0:
        raise ValueError(f"{name} must have dimension d >= 1, got d = 0")
    out = np.empty((n, d), dtype=object)
    for i in range(n):
        for j in range(d):
            out[i, j] = to_mpf(array[i, j], f"{name}[{i}, {j}]")
    return out


def as_mp_matrix(value: Any, name: str) -> np.ndarray:
    """A square matrix as an object array of mpf (validated like :func:`as_points`, must be square)."""
    array = as_points(value, name)
    if array.shape[0] != array.shape[1]:
        raise ValueError(f"{name} must be square, got shape {array.shape}")
    return array


def mp_array(values: Any) -> np.ndarray:
    """An object array of ``+value`` (rounded to the working precision)."""
    return np.vectorize(lambda v: +mpmath.mpf(v) if not isinstance(v, mpmath.mpf) else +v, otypes=[object])(
        np.asarray(values, dtype=object)
    )
