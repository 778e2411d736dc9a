"""Property checks for Gaunt tensor product implementations and for SH → torus Fourier transforms.

Each check returns an :class:`~assay.core.errors.ErrorSummary` (max, mean, worst input); 0 is perfect.

**Products.** An implementation is any callable ``product(x, y, lmax1, lmax2, lmax_out)`` taking float64 numpy
arrays ``x`` of shape ``(S, (L1+1)²)`` and ``y`` of shape ``(S, (L2+1)²)`` — single-channel real SH coefficients in
the order ``l² + l + m`` (Wikipedia real basis, or e3nn's, which gives the same product) — and returning
``(S, (Lout+1)²)`` (numpy, torch, lists). The product is ``z_{l3 m3} = Σ G(l1 m1, l2 m2, l3 m3) x y`` with real Gaunt
coefficients of orthonormal harmonics (:mod:`assay.reference.so3.tensor_product`). All product errors are
measured relative to ``‖x‖₂ ‖y‖₂`` of the sample — the natural scale of a bilinear map — so a bound reads
"``max |z − z_ref| ≤ bound · ‖x‖‖y‖``".

**Transforms.** ``fourier_coefficients(l, m)`` returns the torus series of one harmonic as a mapping
``{(u, v): complex}`` with ``Y_{l,m}(θ, φ) = Σ c_{u,v} e^{iuθ} e^{ivφ}`` (θ, φ the angles of the declared polar axis,
see :func:`assay.reference.so3.fourier.torus_angles`). :func:`transform_sh_error` sums it at random points and
compares with the declared basis' harmonics. This is the check that catches a basis whose ``m < 0`` components are
sign-flipped: the flip is invisible to the Gaunt product and its equivariance (every non-zero real Gaunt
coefficient has an even number of negative orders), but not to the values.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from assay.core.errors import ErrorSummary, summarize
from assay.properties.so3._arrays import as_numpy

__all__ = [
    "equivariance_error",
    "parity_selection_error",
    "random_rotations",
    "reference_agreement",
    "transform_sh_error",
]

ProductFn = Callable[[np.ndarray, np.ndarray, int, int, int], Any]
DFn = Callable[[int, np.ndarray], Any]
CoefficientsFn = Callable[[int, int], Mapping[tuple[int, int], complex]]


def _lmax_out(lmax1: int, lmax2: int, lmax_out: int | None) -> int:
    return lmax1 + lmax2 if lmax_out is None else lmax_out


def _run(product: ProductFn, x: np.ndarray, y: np.ndarray, lmax1: int, lmax2: int, lmax_out: int) -> np.ndarray:
    z = as_numpy(product(x, y, lmax1, lmax2, lmax_out))
    expected = (x.shape[0], (lmax_out + 1) ** 2)
    if z.shape != expected:
        raise ValueError(f"product returned shape {z.shape}, expected {expected}")
    return z


def _scales(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.linalg.norm(x, axis=1) * np.linalg.norm(y, axis=1)


def reference_agreement(
    product: ProductFn,
    lmax1: int,
    lmax2: int,
    lmax_out: int | None = None,
    *,
    samples: int = 3,
    seed: int = 0,
) -> ErrorSummary:
    """``max_i |z_i − z_ref,i| / (‖x‖‖y‖)`` per random sample against the exact-coefficient reference (25 digits).

    The reference sums every non-zero Gaunt coefficient (Θ(L⁵) of them) in mpmath for each sample, and builds
    them exactly on first use (about 2 s for L1 = L2 = 4): keep ``L1, L2 ≲ 6`` here and compare larger degrees
    with a trusted route (e.g. the sparse CG kernel in float64).
    """
    from assay.reference.so3.tensor_product import gaunt_tensor_product

    lmax_out = _lmax_out(lmax1, lmax2, lmax_out)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((samples, (lmax1 + 1) ** 2))
    y = rng.standard_normal((samples, (lmax2 + 1) ** 2))
    z = _run(product, x, y, lmax1, lmax2, lmax_out)
    expected = np.stack([gaunt_tensor_product(x[i], y[i], lmax1, lmax2, lmax_out) for i in range(samples)])
    errors = np.abs(z - expected).max(axis=1) / _scales(x, y)
    worst = np.abs(z - expected).argmax(axis=1)
    summary = summarize(errors, "relative to ‖x‖‖y‖", inputs=[f"sample {i}, seed {seed}" for i in range(samples)],
                        actual=z[np.arange(samples), worst], expected=expected[np.arange(samples), worst])
    return summary


def random_rotations(count: int, seed: int = 0) -> np.ndarray:
    """``count`` uniformly random proper rotation matrices (from normalized Gaussian quaternions), float64."""
    rng = np.random.default_rng(seed)
    q = rng.standard_normal((count, 4))
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    w, x, y, z = q.T
    return np.stack([
        np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)], axis=-1),
        np.stack([2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)], axis=-1),
        np.stack([2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)], axis=-1),
    ], axis=1)


def _reference_d(polar_axis: str) -> DFn:
    from assay.reference.so3.wigner import wigner_D_from_matrix

    def d_fn(l: int, R: np.ndarray) -> np.ndarray:
        return np.asarray(wigner_D_from_matrix(l, R, basis="real", polar_axis=polar_axis, dps=20), dtype=np.float64)

    return d_fn


def _block_diagonal(d_fn: DFn, lmax: int, R: np.ndarray) -> np.ndarray:
    size = (lmax + 1) ** 2
    out = np.zeros((size, size))
    for l in range(lmax + 1):
        out[l * l:(l + 1) ** 2, l * l:(l + 1) ** 2] = as_numpy(d_fn(l, R)).real
    return out


def equivariance_error(
    product: ProductFn,
    lmax1: int,
    lmax2: int,
    lmax_out: int | None = None,
    *,
    rotations: int = 3,
    seed: int = 0,
    d_fn: DFn | None = None,
    polar_axis: str = "z",
) -> ErrorSummary:
    """``max |P(D x, D y) − D P(x, y)| / (‖x‖‖y‖)`` for random rotations R and random x, y.

    ``d_fn(l, R)`` gives the real Wigner matrix of the implementation's basis (default: the reference
    :func:`~assay.reference.so3.wigner.wigner_D_from_matrix` with ``polar_axis``; both polar axes give the same
    Gaunt product, so either is a valid test of it).
    """
    lmax_out = _lmax_out(lmax1, lmax2, lmax_out)
    d_fn = _reference_d(polar_axis) if d_fn is None else d_fn
    matrices = random_rotations(rotations, seed)
    rng = np.random.default_rng(seed + 1)
    x = rng.standard_normal((rotations, (lmax1 + 1) ** 2))
    y = rng.standard_normal((rotations, (lmax2 + 1) ** 2))
    top = max(lmax1, lmax2, lmax_out)
    blocks = [_block_diagonal(d_fn, top, R) for R in matrices]
    d1 = np.stack([b[: (lmax1 + 1) ** 2, : (lmax1 + 1) ** 2] for b in blocks])
    d2 = np.stack([b[: (lmax2 + 1) ** 2, : (lmax2 + 1) ** 2] for b in blocks])
    d3 = np.stack([b[: (lmax_out + 1) ** 2, : (lmax_out + 1) ** 2] for b in blocks])
    rotated_inputs = _run(product, np.einsum("sij,sj->si", d1, x), np.einsum("sij,sj->si", d2, y),
                          lmax1, lmax2, lmax_out)
    rotated_output = np.einsum("sij,sj->si", d3, _run(product, x, y, lmax1, lmax2, lmax_out))
    errors = np.abs(rotated_inputs - rotated_output).max(axis=1) / _scales(x, y)
    return summarize(errors, "relative to ‖x‖‖y‖", inputs=[f"rotation {i}, seed {seed}" for i in range(rotations)])


def parity_selection_error(product: ProductFn, lmax1: int, lmax2: int, lmax_out: int | None = None,
                           *, seed: int = 0) -> ErrorSummary:
    """``max |z_{l3}| / (‖x‖‖y‖)`` over every odd path: ``x`` only in degree l1, ``y`` only in degree l2, and l3 in
    the triangle with ``l1 + l2 + l3`` odd (e.g. (1, 1, 1), the cross product). A Gaunt product has no such path, so
    every one of these outputs is zero; an exact zero is expected from a route that never forms them."""
    lmax_out = _lmax_out(lmax1, lmax2, lmax_out)
    rng = np.random.default_rng(seed)
    pairs = [(l1, l2) for l1 in range(1, lmax1 + 1) for l2 in range(1, lmax2 + 1)
             if any((l1 + l2 + l3) % 2 for l3 in range(abs(l1 - l2), min(l1 + l2, lmax_out) + 1))]
    if not pairs:
        raise ValueError("no odd path exists for these degrees: need lmax1, lmax2 >= 1 and lmax_out >= 1")
    x = np.zeros((len(pairs), (lmax1 + 1) ** 2))
    y = np.zeros((len(pairs), (lmax2 + 1) ** 2))
    for i, (l1, l2) in enumerate(pairs):
        x[i, l1 * l1:(l1 + 1) ** 2] = rng.standard_normal(2 * l1 + 1)
        y[i, l2 * l2:(l2 + 1) ** 2] = rng.standard_normal(2 * l2 + 1)
    z = _run(product, x, y, lmax1, lmax2, lmax_out)
    errors, inputs = [], []
    for i, (l1, l2) in enumerate(pairs):
        for l3 in range(abs(l1 - l2), min(l1 + l2, lmax_out) + 1):
            if (l1 + l2 + l3) % 2:
                errors.append(np.abs(z[i, l3 * l3:(l3 + 1) ** 2]).max() / (np.linalg.norm(x[i]) * np.linalg.norm(y[i])))
                inputs.append((l1, l2, l3))
    return summarize(np.array(errors), "relative to ‖x‖‖y‖", inputs=inputs)


def transform_sh_error(
    fourier_coefficients: CoefficientsFn,
    lmax: int,
    *,
    basis: str = "real",
    normalization: str = "integral",
    polar_axis: str = "z",
    points: int = 32,
    seed: int = 0,
    sh_fn: Callable[[int, np.ndarray], Any] | None = None,
) -> ErrorSummary:
    """``max_m |Σ_{u,v} c^{l,m}_{u,v} e^{iuθ} e^{ivφ} − Y_{l,m}(r)| / √((2l+1)/4π)`` over random points r, l ≤ lmax.

    ``√((2l+1)/4π)`` is the root-mean-square size of an orthonormal degree-l harmonic. The angles are those of
    ``polar_axis``; ``sh_fn(l, xyz)`` gives the declared basis' harmonics at points ``(P, 3)`` as ``(P, 2l+1)``
    (default: :func:`assay.reference.so3.harmonics.spherical_harmonics_numpy` with ``basis``, ``normalization``
    and ``polar_axis``).
    """
    from assay.reference.so3.fourier import torus_angles

    if sh_fn is None:
        from assay.reference.so3.harmonics import spherical_harmonics_numpy

        def sh_fn(l: int, xyz: np.ndarray) -> np.ndarray:
            return spherical_harmonics_numpy(l, xyz, basis=basis, normalization=normalization, polar_axis=polar_axis)

    rng = np.random.default_rng(seed)
    xyz = rng.standard_normal((points, 3))
    theta, phi = torus_angles(xyz, polar_axis)
    errors, inputs = [], []
    for l in range(lmax + 1):
        expected = as_numpy(sh_fn(l, xyz))
        for m in range(-l, l + 1):
            total = np.zeros(points, dtype=np.complex128)
            for (u, v), c in fourier_coefficients(l, m).items():
                total += complex(c) * np.exp(1j * (u * theta + v * phi))
            # for a real basis an imaginary part left in the sum counts as error too
            error = np.abs(total - expected[:, l + m]).max() / math.sqrt((2 * l + 1) / (4 * math.pi))
            errors.append(error)
            inputs.append((l, m))
    return summarize(np.array(errors), "relative to √((2l+1)/4π)", inputs=inputs)
