"""Property checks for Wigner D implementations; each returns an error size (a float, 0 is perfect).

An implementation is any callable ``d_fn(l, R)`` taking a degree and a 3×3 float64 numpy rotation matrix and
returning the ``(2l+1, 2l+1)`` matrix (numpy, torch or object arrays; real or complex). The spherical-harmonic
callable is ``sh_fn(l, xyz)`` as in :mod:`assay.properties.so3.harmonics_checks`.

Which matrix to pass for the equivariance check ``Y(R r) = D(R) Y(r)``:

- real harmonics (any polar axis): the real D of the same polar axis, e.g.
  ``lambda l, R: wigner_D_from_matrix(l, R, basis="real", polar_axis="y")`` for e3nn's harmonics;
- complex harmonics: the *conjugate* of the standard Wigner D, since ``Y(R r) = conj(D(R)) Y(r)`` for
  ``D_{m'm} = e^{−im'α} d_{m'm}(β) e^{−imγ}`` (see :mod:`assay.reference.so3.wigner`).

For an improper ``R`` (det −1) the implementation's ``d_fn`` must include the parity, ``(−1)^l`` on ``Y_l``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from assay.properties.so3._arrays import as_numpy

__all__ = ["sh_equivariance_error", "wigner_homomorphism_error", "wigner_unitarity_error"]

DFn = Callable[[int, np.ndarray], Any]
ShFn = Callable[[int, np.ndarray], Any]


def _matrix(d_fn: DFn, l: int, rotation: np.ndarray) -> np.ndarray:
    value = as_numpy(d_fn(l, np.asarray(rotation, dtype=np.float64)))
    if value.shape != (2 * l + 1, 2 * l + 1):
        raise ValueError(f"d_fn({l}, R) must return shape ({2 * l + 1}, {2 * l + 1}), got {value.shape}")
    return value


def wigner_unitarity_error(d_fn: DFn, l: int, rotation: np.ndarray) -> float:
    """``max |D D^† − I|`` (entrywise) for ``D = d_fn(l, R)``; a float64 implementation scores O(l · 1e-16)."""
    matrix = _matrix(d_fn, l, rotation).astype(np.complex128)
    return float(np.max(np.abs(matrix @ matrix.conj().T - np.eye(2 * l + 1))))


def wigner_homomorphism_error(d_fn: DFn, l: int, rotation_1: np.ndarray, rotation_2: np.ndarray) -> float:
    """``max |D(R1 R2) − D(R1) D(R2)|`` (entrywise; D is unitary, so this is an absolute error on O(1) entries)."""
    r1 = np.asarray(rotation_1, dtype=np.float64)
    r2 = np.asarray(rotation_2, dtype=np.float64)
    product = _matrix(d_fn, l, r1 @ r2).astype(np.complex128)
    composed = _matrix(d_fn, l, r1).astype(np.complex128) @ _matrix(d_fn, l, r2).astype(np.complex128)
    return float(np.max(np.abs(product - composed)))


def sh_equivariance_error(sh_fn: ShFn, d_fn: DFn, l: int, rotation: np.ndarray, points: np.ndarray) -> float:
    """``max_i |Y(R r_i) − D(R) Y(r_i)|_∞ / max_i |Y(r_i)|_∞`` for the ``(N, 3)`` unit vectors ``points``.

    The denominator is the largest harmonic value seen, so the result is a relative error independent of the
    normalization. (For the complex basis pass ``conj`` of the standard D; see the module docstring.)
    """
    rotation = np.asarray(rotation, dtype=np.float64)
    points = np.atleast_2d(np.asarray(points, dtype=np.float64))
    if points.shape[1:] != (3,):
        raise ValueError(f"points must have shape (N, 3), got {points.shape}")
    matrix = _matrix(d_fn, l, rotation)
    before = as_numpy(sh_fn(l, points))
    after = as_numpy(sh_fn(l, points @ rotation.T))
    expected = before @ matrix.T
    scale = float(np.max(np.abs(before)))
    if scale == 0:
        raise ValueError("sh_fn returned only zeros at these points: the relative error is undefined")
    return float(np.max(np.abs(after - expected)) / scale)
