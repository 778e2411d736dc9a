"""Property checks for spherical-harmonic implementations; each returns an error size (a float, 0 is perfect).

An implementation is any callable ``sh_fn(l, xyz)`` taking a degree and an ``(N, 3)`` float64 numpy array of unit
vectors and returning the ``(N, 2l+1)`` values ordered ``m = −l..l`` (numpy, torch or object arrays are
accepted; complex or real). The checks are basis-agnostic: they hold for complex and real harmonics alike, and
for any polar axis, because they only use integrals and inner products over the sphere.

``normalization`` names the scaling (``"integral"``, ``"component"``, ``"norm"``, or a registered alias); its
constant ``c_l`` is ``∫ |Y_lm|² dΩ``: ``1``, ``4π`` and ``4π/(2l+1)`` respectively.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from assay.core.conventions import resolve
from assay.properties.so3._arrays import as_numpy
from assay.reference.so3.conventions import NORMALIZATION

__all__ = [
    "normalization_constant",
    "sh_addition_theorem_error",
    "sh_orthonormality_error",
    "sphere_quadrature",
]

ShFn = Callable[[int, np.ndarray], Any]


def normalization_constant(l: int, normalization: str = "integral") -> float:
    """``c_l = ∫ |Y_lm|² dΩ``: 1 (integral), 4π (component), 4π/(2l+1) (norm)."""
    name = resolve(NORMALIZATION, normalization, "normalization")
    return {"integral": 1.0, "component": 4 * math.pi, "norm": 4 * math.pi / (2 * l + 1)}[name]


def sphere_quadrature(max_degree: int) -> tuple[np.ndarray, np.ndarray]:
    """Points ``(N, 3)`` and weights ``(N,)`` integrating every polynomial of degree ``≤ max_degree`` on S² exactly.

    Gauss–Legendre in ``cos θ`` with ``⌈(max_degree+1)/2⌉`` nodes (exact to degree ``2n − 1 ≥ max_degree`` in
    ``cos θ``) times ``max_degree + 1`` equally spaced azimuths (exact for ``e^{ikφ}``, ``|k| ≤ max_degree``).
    A product ``conj(Y_lm) Y_l'm'`` has degree ``l + l'``, so ``max_degree = 2 lmax`` makes the Gram matrix exact
    up to float64 rounding of the nodes (≈ 1e-16). The weights sum to ``4π``.
    """
    if max_degree < 0:
        raise ValueError(f"max_degree must be >= 0, got {max_degree}")
    n_theta = max_degree // 2 + 1
    n_phi = max_degree + 1
    cos_theta, theta_weights = np.polynomial.legendre.leggauss(n_theta)
    phi = 2 * math.pi * np.arange(n_phi) / n_phi
    sin_theta = np.sqrt(1 - cos_theta**2)
    points = np.stack(
        [
            np.outer(sin_theta, np.cos(phi)).ravel(),
            np.outer(sin_theta, np.sin(phi)).ravel(),
            np.repeat(cos_theta, n_phi),
        ],
        axis=-1,
    )
    weights = np.repeat(theta_weights, n_phi) * (2 * math.pi / n_phi)
    return points, weights


def _values(sh_fn: ShFn, l: int, points: np.ndarray) -> np.ndarray:
    values = as_numpy(sh_fn(l, points))
    if values.shape != (points.shape[0], 2 * l + 1):
        raise ValueError(f"sh_fn({l}, xyz) must return shape ({points.shape[0]}, {2 * l + 1}), got {values.shape}")
    return values


def sh_orthonormality_error(sh_fn: ShFn, max_l: int, normalization: str = "integral") -> float:
    """``max |G_ab / √(c_a c_b) − δ_ab|`` over all ``(l, m), (l', m')`` with ``l, l' ≤ max_l``.

    ``G_ab = ∫ conj(Y_a) Y_b dΩ`` by :func:`sphere_quadrature` of degree ``2 max_l`` (exact). A float64
    implementation scores a few 1e-16 · (number of nodes)^½; a wrong normalization, sign-insensitive mix-up of m
    or missing orthogonality shows as O(1).
    """
    points, weights = sphere_quadrature(2 * max_l)
    columns = []
    scales = []
    for l in range(max_l + 1):
        values = _values(sh_fn, l, points)
        columns.append(values)
        scales.extend([normalization_constant(l, normalization)] * (2 * l + 1))
    matrix = np.concatenate(columns, axis=1).astype(np.complex128)
    gram = matrix.conj().T @ (weights[:, None] * matrix)
    root = np.sqrt(np.asarray(scales))
    normalized = gram / np.outer(root, root)
    return float(np.max(np.abs(normalized - np.eye(len(scales)))))


def sh_addition_theorem_error(
    sh_fn: ShFn, l: int, points_a: np.ndarray, points_b: np.ndarray, normalization: str = "integral"
) -> float:
    """``max_i |Σ_m conj(Y_lm(a_i)) Y_lm(b_i) − c_l (2l+1)/(4π) P_l(a_i·b_i)| / (c_l (2l+1)/(4π))``.

    The addition theorem, valid in every orthonormal basis (complex or real, any polar axis) because the sum is the
    reproducing kernel of the degree-``l`` space. ``a_i``, ``b_i`` are unit vectors (rows of ``(N, 3)`` arrays).
    """
    from scipy.special import eval_legendre

    points_a = np.asarray(points_a, dtype=np.float64)
    points_b = np.asarray(points_b, dtype=np.float64)
    if points_a.shape != points_b.shape or points_a.ndim != 2 or points_a.shape[1] != 3:
        raise ValueError(f"points_a and points_b must both have shape (N, 3); got {points_a.shape}, {points_b.shape}")
    values_a = _values(sh_fn, l, points_a)
    values_b = _values(sh_fn, l, points_b)
    kernel = np.sum(values_a.conj() * values_b, axis=1)
    scale = normalization_constant(l, normalization) * (2 * l + 1) / (4 * math.pi)
    cosine = np.clip(np.sum(points_a * points_b, axis=1), -1.0, 1.0)
    expected = scale * eval_legendre(l, cosine)
    return float(np.max(np.abs(kernel - expected)) / scale)
