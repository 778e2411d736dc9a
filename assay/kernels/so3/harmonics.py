"""Spherical harmonics of every degree 0..lmax as a batched, differentiable torch kernel.

Method: a Cartesian recurrence on the real harmonics, rescaled so that its coefficients are exact — no
trigonometric function, no square root per point except the one normalization of the point, no division by
sin θ (so the poles are ordinary points). Writing the real (Wikipedia, z-polar) harmonic of a unit vector
``(x, y, z)`` as

    Y_{l,m} = s_{l,m} Q_{l,m},   Q_{l,±l} = Re / Im (x + iy)^l,
    Q_{l,m} = 2z Q_{l−1,m} − β_{l,m} r² Q_{l−2,m}   (|m| ≤ l − 1; the second term for |m| ≤ l − 2),
    β_{l,m} = 4((l−1)² − m²)/(4(l−1)² − 1),

where ``Q_{l,m}/2^{l−|m|}`` is the monic (leading coefficient 1) polynomial in z of the associated Legendre
function times ``Re/Im (x+iy)^{|m|}``, and ``s_{l,m}`` (rounded once, from 113-bit arithmetic) folds in the
normalization and phase; formulas in :mod:`assay.kernels.so3._sh_tables`. The recurrence is the stable three-term
recurrence of normalized Legendre functions with its coefficients moved into one factor per component: the
rounding error grows slowly with l (measured ≤ 6e-15 of the block norm to l = 24 on random points and next to the
poles, where the previous, normalized recurrence measured 8.4e-15). With ``normalize=True`` the point is first
scaled to unit length (robustly: by its largest coordinate, then by the remaining norm, nearly correctly rounded);
with ``normalize=False`` the result is the solid harmonic ``|r|^l Y_l(r/|r|)``, a homogeneous polynomial,
computed with ``r²`` in the recurrence.

Conventions (names resolved with :func:`assay.core.conventions.resolve`):

- ``basis``: ``"real"`` (the Wikipedia form above) or ``"complex"`` (Condon–Shortley; returned in the complex
  dtype matching the input), obtained exactly from the real values: for m > 0
  ``Y_l^m = (−1)^m (Y_{l,m} + i Y_{l,−m})/√2`` and ``Y_l^{−m} = (Y_{l,m} − i Y_{l,−m})/√2``.
- ``normalization``: ``"integral"`` (∫|Y|² dΩ = 1), ``"component"`` (× √(4π)), ``"norm"`` (× √(4π/(2l+1))).
- ``phase``: ``"condon_shortley"`` or ``"none"`` (every component multiplied by (−1)^m).
- ``polar_axis``: ``"z"`` or ``"y"`` (e3nn): ``Y_y(x, y, z) = Y_z(z, x, y)``.

Layout: the e3nn ``mul_ir`` flattening — degrees 0..lmax concatenated, ``m = −l..l`` inside each degree, so the
component ``(l, m)`` is at index ``l² + l + m`` of the last axis (length ``(lmax + 1)²``).

Execution (:mod:`assay.kernels.so3._sh_kernel`): on the CPU (float32/float64, lmax ≤ 100) a C kernel built at
first use with the system compiler (:mod:`assay.kernels._native`; without one, or with ``ASSAY_NATIVE=0``, the
torch route) computes blocks of 16 or 32 points in cache and writes each value once, runs of points shared
among ``torch.get_num_threads()`` threads. The torch route (GPUs, higher degrees) goes through the points in
chunks of about 8 MB of recurrence buffer, one row per component and the points of the chunk along each row, so
every step is one vectorized operation for all orders of a degree; one final operation per chunk transposes into
the ``(N, (lmax+1)²)`` output and applies ``s``. Its CPU chunks are shared among ``torch.get_num_threads()`` pool
threads whose operations never split further. Gradients: a custom autograd function whose backward recomputes
the recurrence per block (C) or chunk (torch route) and forms ``∂Y/∂r`` from degree-``(l−1)`` harmonics (the
derivatives of solid harmonics are such combinations); double backward (``create_graph=True``), ``torch.func``
transforms and forward-mode AD use the same recurrence written out of place. Speed against sphericart:
``docs/so3-harmonics-wigner.md``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch

from assay.core.conventions import resolve
from assay.core.validation import as_float_tensor, as_size_limited_degree
from assay.kernels._memory import empty_output
from assay.kernels.so3._sh_kernel import backward_into, scale_tensor, values_into
from assay.kernels.so3._sh_tables import beta_table
from assay.reference.so3.basis import harmonic_index
from assay.reference.so3.conventions import BASIS, NORMALIZATION, PHASE, POLAR_AXIS

__all__ = ["FLOAT32_MAX_NATIVE_DEGREE", "MAX_DEGREE", "harmonic_index", "spherical_harmonics"]

#: The largest ``lmax`` accepted. The cost is ``(lmax+1)²`` numbers per point (8 MB per float64 point at the
#: limit) plus tables of about ``7 (lmax+1)²`` numbers built once per degree (seconds at the limit); accuracy is
#: tested to l = 100 (float64).
MAX_DEGREE = 1000

#: Above this ``lmax`` a float32 input is computed in float64 and rounded (the rescaled values ``Q`` reach
#: ``2^{−0.32 l}`` of the harmonic, below float32's normal range from about l = 320).
FLOAT32_MAX_NATIVE_DEGREE = 200


def _check_points(xyz: object) -> torch.Tensor:
    xyz = as_float_tensor(xyz, "xyz", allow_meta=False)
    if xyz.ndim == 0 or xyz.shape[-1] != 3:
        raise ValueError(f"xyz must have shape (..., 3), got {tuple(xyz.shape)}")
    return xyz


@lru_cache(maxsize=64)
def _complex_gather(lmax: int, device: torch.device, dtype: torch.dtype) -> tuple[torch.Tensor, ...]:
    """Indices of ``Y_{l,|m|}``, ``Y_{l,−|m|}`` and the signs of the real and imaginary parts of ``Y_l^m``."""
    degrees = np.repeat(np.arange(lmax + 1), 2 * np.arange(lmax + 1) + 1)
    orders = np.concatenate([np.arange(-l, l + 1) for l in range(lmax + 1)])
    parity = np.where(np.abs(orders) % 2 == 1, -1.0, 1.0)
    real_sign = np.where(orders > 0, parity, 1.0)
    imag_sign = np.where(orders > 0, parity, np.where(orders < 0, -1.0, 0.0))
    positive = degrees * degrees + degrees + np.abs(orders)
    negative = degrees * degrees + degrees - np.abs(orders)
    return (torch.as_tensor(positive, device=device), torch.as_tensor(negative, device=device),
            torch.as_tensor(real_sign, dtype=dtype, device=device), torch.as_tensor(imag_sign, dtype=dtype,
                                                                                     device=device))


def _real_functional(lmax: int, points: torch.Tensor, scale: torch.Tensor, normalize: bool,
                     polar_y: bool) -> torch.Tensor:
    """The same recurrence out of place (differentiable to any order, usable under ``torch.func``)."""
    columns = points if polar_y else points[:, (1, 2, 0)]  # (y, z, x) of the z-polar frame
    nonzero = None
    if normalize:
        largest = points.detach().abs().amax(-1, keepdim=True)
        zero = largest == 0
        scaled = columns / torch.where(zero, torch.ones_like(largest), largest)
        safe = torch.where(zero, torch.ones_like(scaled), scaled)  # no 0/0 in the norm's derivative
        length = torch.linalg.vector_norm(safe, dim=-1, keepdim=True)
        columns = scaled / torch.where(zero, torch.ones_like(length), length)
        nonzero = (~zero[:, 0]).to(points.dtype)  # r² of the unit vector; 0 keeps the origin's solid harmonics
    y, z, x = columns.unbind(-1)
    r2 = nonzero if normalize else x * x + y * y + z * z
    blocks = [torch.ones_like(x)[None]]
    if lmax >= 1:
        z2 = 2.0 * z
        blocks.append(torch.stack([y, z2, x]))
        negative, positive = y, x  # Im, Re of (x + iy)^l
        betas = beta_table(lmax)
        for l in range(2, lmax + 1):
            negative, positive = x * negative + y * positive, x * positive - y * negative
            inner = blocks[-1] * z2
            older = blocks[-2] * r2  # r² is 1 on the unit sphere (0 at the origin: the solid harmonics there)
            beta = torch.as_tensor(betas[l][:, None], dtype=x.dtype, device=x.device)
            middle = inner[1:-1] - older * beta
            blocks.append(torch.cat([negative[None], inner[:1], middle, inner[-1:], positive[None]]))
    return torch.cat(blocks).T * scale


class _RealHarmonics(torch.autograd.Function):
    """Real harmonics ``(N, (lmax+1)²)`` with an analytic backward (see :func:`~._sh_kernel.backward_into`)."""

    @staticmethod
    def forward(ctx, points: torch.Tensor, lmax: int, options: tuple) -> torch.Tensor:
        normalization, phase, halve, normalize, polar_y = options
        scale = scale_tensor(lmax, normalization, phase, halve, points.dtype, points.device)
        out = empty_output((points.shape[0], (lmax + 1) ** 2), points.dtype, points.device)
        values_into(out, lmax, points, scale, normalize=normalize, polar_y=polar_y)
        ctx.save_for_backward(points)
        ctx.lmax, ctx.options = lmax, options
        return out

    @staticmethod
    def backward(ctx, grad_out: torch.Tensor) -> tuple:
        (points,) = ctx.saved_tensors
        lmax, (normalization, phase, halve, normalize, polar_y) = ctx.lmax, ctx.options
        if torch.is_grad_enabled():  # create_graph=True: a differentiable recomputation
            scale = scale_tensor(lmax, normalization, phase, halve, points.dtype, points.device)
            values = _real_functional(lmax, points, scale, normalize, polar_y)
            (grad,) = torch.autograd.grad(values, points, grad_out, create_graph=True)
            return grad, None, None
        grad = torch.empty_like(points, memory_format=torch.contiguous_format)
        backward_into(grad, grad_out.contiguous(), lmax, points, normalization=normalization, phase=phase,
                      halve=halve, normalize=normalize, polar_y=polar_y)
        return grad, None, None


def _is_transformed(xyz: torch.Tensor) -> bool:
    """Inside ``torch.func`` transforms or forward-mode AD (where the custom backward does not apply)."""
    functorch = getattr(torch._C, "_functorch", None)
    if functorch is not None and functorch.is_functorch_wrapped_tensor(xyz):
        return True
    return torch.autograd.forward_ad.unpack_dual(xyz).tangent is not None


def spherical_harmonics(
    lmax: int,
    xyz: torch.Tensor,
    *,
    basis: str = "real",
    normalization: str = "integral",
    phase: str = "condon_shortley",
    polar_axis: str = "z",
    normalize: bool = True,
) -> torch.Tensor:
    """All spherical harmonics of degree 0..``lmax`` at the points ``xyz`` (shape ``(..., 3)``).

    Returns a contiguous tensor of shape ``(..., (lmax + 1)²)`` on the device of ``xyz``, in its dtype (or the
    matching complex dtype for ``basis="complex"``); component ``(l, m)`` is at index ``l² + l + m``.
    Differentiable everywhere, the poles included (the harmonics are polynomials in the unit vector), to any order.

    Points: with ``normalize=True`` any non-zero finite point is scaled to unit length without overflow or
    underflow (``[1e-23, 0, 0]`` and ``[1e20, 0, 0]`` in float32 give the harmonics of ``[1, 0, 0]``). The zero
    vector gives ``Y_0`` and zeros for ``l ≥ 1`` — the solid harmonics at the origin — with or without
    ``normalize``, and its gradient is that of the solid harmonics there. A point with a NaN or infinite coordinate
    gives NaN. An empty batch gives an empty result of shape ``(..., (lmax + 1)²)``.

    Accuracy, float64 (``tests/kernels/test_so3_harmonics.py``): for each degree l and each point,
    ``max_m |Y_lm − Y_lm^ref| ≤ 7e-15 · ‖Y_l^ref‖₂`` for ``l ≤ 20`` and ``≤ 1e-12 · ‖Y_l^ref‖₂`` for ``l ≤ 100``
    (``‖·‖₂`` over m of the exact values at the exact input point), exact poles included; every ``m ≠ 0`` value at
    a pole is an exact zero. float32: the same measure ``≤ (l + 1)² · 2⁻²³``, the conditioning of ``Y_l`` near a
    pole (``|∂P_l/∂z| = l(l+1)/2`` at ``z = ±1``) times one rounding of the unit vector; float32 is computed in
    float32 up to ``lmax =`` :data:`FLOAT32_MAX_NATIVE_DEGREE` and in float64 above.

    Limits: ``lmax ≤`` :data:`MAX_DEGREE` (refused before anything is allocated); memory is the output
    (``N · (lmax+1)²`` numbers; from 4 MiB on the CPU allocated through numpy, for transparent huge pages) plus a
    chunk workspace of 5–11 MB per CPU thread (forward or backward; up to 64 MB of workspaces are kept between
    calls) or, on a GPU, about the output's size (backward: about eight times it). Float16/bfloat16, complex,
    integer and meta tensors are refused (TypeError or ValueError naming ``xyz``).
    """
    lmax = as_size_limited_degree(lmax, "lmax", MAX_DEGREE,
                                  "each point gets (lmax+1)² values and the tables ~7·(lmax+1)² numbers")
    xyz = _check_points(xyz)
    basis = resolve(BASIS, basis, "basis")
    normalization = resolve(NORMALIZATION, normalization, "normalization")
    phase = resolve(PHASE, phase, "phase")
    polar_axis = resolve(POLAR_AXIS, polar_axis, "polar_axis")
    if not isinstance(normalize, bool):
        raise TypeError(f"normalize must be a bool, got {type(normalize).__name__}")

    batch_shape = xyz.shape[:-1]
    size = (lmax + 1) ** 2
    points = xyz.reshape(-1, 3)
    compute = torch.float64 if (xyz.dtype == torch.float32 and lmax > FLOAT32_MAX_NATIVE_DEGREE) else xyz.dtype
    points = points.to(compute)
    halve = basis == "complex"
    polar_y = polar_axis == "y"
    if _is_transformed(xyz):
        scale = scale_tensor(lmax, normalization, phase, halve, compute, xyz.device)
        real = _real_functional(lmax, points, scale, normalize, polar_y)
    elif torch.is_grad_enabled() and xyz.requires_grad:
        real = _RealHarmonics.apply(points, lmax, (normalization, phase, halve, normalize, polar_y))
    else:
        scale = scale_tensor(lmax, normalization, phase, halve, compute, xyz.device)
        real = empty_output((points.shape[0], size), compute, xyz.device)
        values_into(real, lmax, points, scale, normalize=normalize, polar_y=polar_y)
    real = real.to(xyz.dtype)
    if basis == "complex":
        positive, negative, real_sign, imag_sign = _complex_gather(lmax, xyz.device, xyz.dtype)
        real = torch.complex(real[:, positive] * real_sign, real[:, negative] * imag_sign)
    return real.reshape(*batch_shape, size)

