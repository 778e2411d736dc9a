"""The Gaunt tensor product (Luo et al., ICLR 2024) by the 2D Fourier route, and the choice of route per size.

**What it computes.** For real-SH features ``x`` (degrees ≤ L1) and ``y`` (≤ L2) with the same channels,

    z_{l3,m3} = Σ_{l1 m1 l2 m2} G(l1 m1, l2 m2, l3 m3) · x_{l1,m1} · y_{l2,m2},   l3 ≤ Lout ≤ L1 + L2,

with the real Gaunt coefficient ``G = ∫ Y_{l1,m1} Y_{l2,m2} Y_{l3,m3} dΩ`` of orthonormal (``integral``) real
harmonics. That is the SH expansion of the pointwise product of the two functions ``Σ x Y`` and ``Σ y Y`` on the
sphere. ``G`` vanishes unless ``l1 + l2 + l3`` is even, so there is no odd-parity path (no (1,1,1) cross product).
The basis is the Wikipedia real form, which is also e3nn's basis (polar axis +y): ``G`` is the same in both.
Optional per-degree weights scale ``x_{l1}``, ``y_{l2}`` and ``z_{l3}`` (shape ``(L+1,)`` or ``(C, L+1)``).

**Fourier route** (this module). Each input becomes its torus Fourier series (degree ≤ L in θ and φ; see
:mod:`assay.reference.so3.fourier`) by one small real matrix per ``|m|`` — O(L³) per channel —, is brought to a
torus grid of ``Nθ ≥ 2(L1+L2)+1`` by ``Nφ ≥ L1+L2+Lout+1`` points by inverse FFTs (complex in θ, real in φ; the
zero padding makes the pointwise product the *linear* convolution of the two spectra, with no wrap-around),
multiplied pointwise, transformed back by FFTs, and projected onto the output harmonics by one real matrix per
``|m|`` — O(L³). The matrices are built once per
``(L1, L2, Lout, dtype, device)`` from the exact sqrt-rational coefficients (each float64 entry correctly rounded;
float32 entries rounded from those), never loaded from files.

**Routes.** ``method="fourier"`` (this module), ``"s2grid"`` (:mod:`assay.kernels.so3.s2grid`: Gauss–Legendre ×
uniform grid on the sphere), ``"cg"`` (:mod:`assay.kernels.so3.cg_tensor_product`: sparse real Gaunt contraction).
``"auto"`` picks by measured speed, see :func:`select_method`.

Layout: flat ``(…, C·(L+1)²)`` in e3nn's ``mul_ir`` order by default (``"ir_mul"`` also accepted); see
:mod:`assay.kernels.so3._sh_layout`. Leading dimensions broadcast; an empty batch gives an empty result.

**Limits** (refused before any plan is built; :mod:`assay.kernels.so3._product_checks`): the Fourier and S²-grid
routes take ``L1, L2 ≤ 32`` (``Lout ≤ 64``; their plans are built from exact tables, 23 s and about 70 MB for the
Fourier plan at the limit), the sparse CG route ``max(L1, L2, Lout) ≤ 24`` (Θ(L⁵) stored coefficients, about
170 MB while building at (12, 12, 24)). Plans are cached for the 8 most recent ``(L1, L2, Lout, dtype, device)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import numpy as np
import torch

from assay.core.exact import SqrtRational
from assay.core.validation import as_int
from assay.kernels.so3._fourier_tables import forward_matrices, i_power, to_device
from assay.kernels.so3._product_checks import (
    CG_MAX_DEGREE,
    GRID_MAX_DEGREE,
    check_degrees,
    check_operands,
    check_weights,
    empty_product,
    plan_dtype_device,
)
from assay.kernels.so3._sh_layout import (
    ProductInputs,
    check_product,
    component_index,
    finish_product,
    flat_weights,
    prepare_product,
)

__all__ = [
    "CG_MAX_DEGREE",
    "GRID_CHUNK_ELEMENTS",
    "GRID_MAX_DEGREE",
    "METHODS",
    "FourierPlan",
    "chunked_rows",
    "fourier_gaunt_stacked",
    "fourier_grid_size",
    "fourier_plan",
    "gaunt_tensor_product",
    "select_method",
]

METHODS = ("auto", "fourier", "s2grid", "cg")

_ROOT_HALF = SqrtRational.sqrt(Fraction(1, 2))
_PI = SqrtRational.sqrt(1, pi_power=2)


def _next_fast_size(n: int) -> int:
    """Smallest ``m ≥ n`` of the form 2^a 3^b 5^c (fast FFT lengths)."""
    m = max(n, 1)
    while True:
        rest = m
        for prime in (2, 3, 5):
            while rest % prime == 0:
                rest //= prime
        if rest == 1:
            return m
        m += 1


def fourier_grid_size(lmax1: int, lmax2: int, lmax_out: int) -> tuple[int, int]:
    """``(Nθ, Nφ)`` of the torus grid: ``Nθ ≥ 2(L1+L2)+1`` (the projection reads every θ frequency of the product)
    and ``Nφ ≥ L1+L2+Lout+1`` (φ frequencies above Lout may alias, but only onto frequencies above Lout)."""
    lmax1, lmax2, lmax_out = check_degrees(lmax1, lmax2, lmax_out, "none")
    total = lmax1 + lmax2
    return _next_fast_size(2 * total + 1), _next_fast_size(total + lmax_out + 1)


@lru_cache(maxsize=16)
def _projection_matrices(lmax_out: int, umax: int) -> np.ndarray:
    """``P[k, (u, part), col]`` (float64): ``[Re, Im] of H[u, k] ↦ [z_{l,k} | z_{l,−k}]`` for ``u = −umax..umax``.

    With ``W = i^{−k} H`` and ``B = c_k N_{l,k} ρ_{l,k}[u]`` (``c_0 = 2π``, ``c_k = 2√2π``):
    ``z_{l,k} = Σ_u Re(W) B`` and ``z_{l,−k} = −Σ_u Im(W) B``.
    """
    from assay.reference.so3.fourier import normalization_constant, projection_integrals

    size = lmax_out + 1
    matrices = np.zeros((size, 2 * (2 * umax + 1), 2 * size))
    for k in range(size):
        omega_re, omega_im = i_power(-k)
        factor = _PI * 2 * (SqrtRational.sqrt(2) if k else 1)
        for l in range(k, size):
            scale = factor * normalization_constant(l, k)
            for u, rho in projection_integrals(l, k, umax).items():
                if not rho:
                    continue
                b = float(scale * rho)
                row = 2 * (u + umax)
                matrices[k, row, l] = omega_re * b
                matrices[k, row + 1, l] = -omega_im * b
                if k:
                    matrices[k, row, size + l] = -omega_im * b
                    matrices[k, row + 1, size + l] = -omega_re * b
    return matrices


def _gather_index(lmax: int) -> np.ndarray:
    """``index[k, row]``: the component ``l² + l ± k`` feeding row ``row`` of :func:`_forward_matrices`, or the pad
    slot ``(L+1)²`` (a zero) where ``l < k`` or (k = 0) for the sin rows."""
    size = lmax + 1
    pad = size * size
    index = np.full((size, 2 * size), pad, dtype=np.int64)
    for k in range(size):
        for l in range(k, size):
            index[k, l] = component_index(l, k)
            if k:
                index[k, size + l] = component_index(l, -k)
    return index


def _scatter_index(lmax_out: int) -> np.ndarray:
    """For each output component ``l² + l + m``, its position in the flattened ``(k, [cos | sin], l)`` result."""
    size = lmax_out + 1
    index = np.zeros(size * size, dtype=np.int64)
    for l in range(size):
        for m in range(-l, l + 1):
            k = abs(m)
            index[component_index(l, m)] = k * 2 * size + (size if m < 0 else 0) + l
    return index


@dataclass(frozen=True)
class FourierPlan:
    """Matrices and sizes of one Fourier-route Gaunt product; built by :func:`fourier_plan`."""

    lmax1: int
    lmax2: int
    lmax_out: int
    n_theta: int
    n_phi: int
    forward1: torch.Tensor
    forward2: torch.Tensor
    gather1: torch.Tensor
    gather2: torch.Tensor
    projection: torch.Tensor
    scatter: torch.Tensor


@lru_cache(maxsize=8)
def _fourier_plan(lmax1: int, lmax2: int, lmax_out: int, dtype: torch.dtype, device: str) -> FourierPlan:
    target = torch.device(device)
    n_theta, n_phi = fourier_grid_size(lmax1, lmax2, lmax_out)
    total = lmax1 + lmax2
    if target.type == "meta":  # only the shapes matter
        def forward(lmax):
            return np.empty((lmax + 1, 2 * (lmax + 1), 2 * (2 * lmax + 1)))
        projection = np.empty((lmax_out + 1, 2 * (2 * total + 1), 2 * (lmax_out + 1)))
    else:
        forward = forward_matrices
        projection = _projection_matrices(lmax_out, total)
    return FourierPlan(
        lmax1=lmax1,
        lmax2=lmax2,
        lmax_out=lmax_out,
        n_theta=n_theta,
        n_phi=n_phi,
        forward1=to_device(forward(lmax1), dtype, target),
        forward2=to_device(forward(lmax2), dtype, target),
        gather1=torch.from_numpy(_gather_index(lmax1)).to(target if target.type != "meta" else "cpu"),
        gather2=torch.from_numpy(_gather_index(lmax2)).to(target if target.type != "meta" else "cpu"),
        projection=to_device(projection, dtype, target),
        scatter=torch.from_numpy(_scatter_index(lmax_out)).to(target if target.type != "meta" else "cpu"),
    )


def fourier_plan(lmax1: int, lmax2: int, lmax_out: int, dtype: torch.dtype = torch.float64,
                 device: torch.device | str = "cpu") -> FourierPlan:
    """The cached plan for ``(L1, L2, Lout, dtype, device)``; ``device="meta"`` gives shapes only (FLOP counts).

    ``L1, L2 ≤`` :data:`GRID_MAX_DEGREE`, ``Lout ≤ L1 + L2``; ``dtype`` float32 or float64.
    """
    lmax1, lmax2, lmax_out = check_degrees(lmax1, lmax2, lmax_out, "grid")
    dtype, device = plan_dtype_device(dtype, device)
    return _fourier_plan(lmax1, lmax2, lmax_out, dtype, str(device))


def _to_torus_spectrum(x: torch.Tensor, forward: torch.Tensor, gather: torch.Tensor, lmax: int, n_theta: int):
    """``(N, n)`` SH coefficients → ``(N, Nθ, L+1)`` complex half-spectrum (u in FFT order, k = 0..L)."""
    rows = x.shape[0]
    padded = torch.nn.functional.pad(x, (0, 1))  # the pad slot is a zero
    size = lmax + 1
    gathered = torch.index_select(padded, 1, gather.to(x.device).reshape(-1)).reshape(rows, size, 2 * size)
    spectrum = torch.bmm(gathered.transpose(0, 1), forward)  # (K, N, 2(2L+1))
    spectrum = torch.view_as_complex(spectrum.reshape(lmax + 1, rows, 2 * lmax + 1, 2))  # u = −L..L
    spectrum = spectrum.permute(1, 2, 0)  # (N, u, k)
    gap = spectrum.new_zeros(rows, n_theta - (2 * lmax + 1), lmax + 1)
    return torch.cat([spectrum[:, lmax:], gap, spectrum[:, :lmax]], dim=1)  # FFT order: u = 0..L, pad, −L..−1


def _to_torus_grid(spectrum: torch.Tensor, n_phi: int) -> torch.Tensor:
    """``(N, Nθ, K)`` half-spectrum → real grid values ``(N, Nθ, Nφ)``."""
    values = torch.fft.ifft(spectrum, dim=1, norm="forward")  # θ first: only K columns are non-zero
    return torch.fft.irfft(values, n=n_phi, dim=2, norm="forward")


def fourier_gaunt_stacked(x: torch.Tensor, y: torch.Tensor, plan: FourierPlan) -> torch.Tensor:
    """The Fourier-route product on stacked rows: ``x`` (N, (L1+1)²), ``y`` (N, (L2+1)²) → (N, (Lout+1)²)."""
    check_stacked(x, y, plan)
    n_theta, n_phi, total = plan.n_theta, plan.n_phi, plan.lmax1 + plan.lmax2
    rows = x.shape[0]
    if rows == 0:
        return x.new_zeros((0, (plan.lmax_out + 1) ** 2))
    spectrum_x = _to_torus_spectrum(x, plan.forward1, plan.gather1, plan.lmax1, n_theta)
    spectrum_y = _to_torus_spectrum(y, plan.forward2, plan.gather2, plan.lmax2, n_theta)
    # zero-padded inverse FFTs put both functions on the same torus grid (θ: complex, only the k columns that
    # carry data; φ: real, half spectrum); the product there is the linear convolution of the two spectra, with no
    # wrap-around onto the frequencies the projection reads
    grid = _to_torus_grid(spectrum_x, n_phi) * _to_torus_grid(spectrum_y, n_phi)
    product = torch.fft.rfft(grid, dim=2, norm="forward")[..., : plan.lmax_out + 1]  # (N, Nθ, Kout)
    product = torch.fft.fft(product, dim=1, norm="forward")
    product = torch.cat([product[:, n_theta - total:], product[:, : total + 1]], dim=1)  # u = −total..total
    product = torch.view_as_real(product.permute(2, 0, 1).contiguous())  # (Kout, N, u, 2)
    z = torch.bmm(product.reshape(plan.lmax_out + 1, rows, -1), plan.projection)  # (Kout, N, 2(Lout+1))
    z = z.transpose(0, 1).reshape(rows, -1)
    return torch.index_select(z, 1, plan.scatter.to(z.device))


def check_stacked(x: object, y: object, plan: object) -> None:
    """Stacked operands of a route's plan: ``x`` (N, (L1+1)²) and ``y`` (N, (L2+1)²), one dtype and device."""
    if not all(hasattr(plan, name) for name in ("lmax1", "lmax2", "lmax_out")):
        raise TypeError(f"plan must be a FourierPlan, S2GridPlan or SparseCoupling, got {type(plan).__name__}")
    from assay.core.validation import as_float_tensor

    x = as_float_tensor(x, "x")
    y = as_float_tensor(y, "y", like=x, like_name="x")
    for value, name, lmax in ((x, "x", plan.lmax1), (y, "y", plan.lmax2)):
        if value.dim() != 2 or value.shape[1] != (lmax + 1) ** 2:
            raise ValueError(f"{name} must have shape (N, {(lmax + 1) ** 2}) for this plan, got {tuple(value.shape)}")
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"x and y must have the same number of rows, got {x.shape[0]} and {y.shape[0]}")


def select_method(lmax1: int, lmax2: int, lmax_out: int, channels: int, device: torch.device | str = "cpu") -> str:
    """The route ``method="auto"`` takes: the fastest in ``benchmarks/gaunt_table.py`` (2 CPU threads, float32,
    batch 4096, 1 and 32 channels): the sparse CG contraction while ``max(L1, L2) ≤ 2`` (a few hundred
    coefficients), the S² grid above. The Fourier route was never the fastest on the CPU up to L = 16 (its torus
    grid has about 2.7× the points of the Gauss–Legendre grid, and FFTs of 20–70 points do not beat small GEMMs);
    it stays available as ``method="fourier"``. The same rule is used on other devices (not measured here).
    See docs/gaunt-tensor-product.md for the numbers.
    """
    lmax1, lmax2, lmax_out = check_degrees(lmax1, lmax2, lmax_out, "none")
    as_int(channels, "channels", minimum=1)
    if not isinstance(device, (str, torch.device)):
        raise TypeError(f"device must be a torch.device or a str, got {type(device).__name__}")
    return "cg" if max(lmax1, lmax2) <= _CG_UP_TO else "s2grid"


#: the largest input degree for which the sparse CG route was the fastest (measured, see select_method)
_CG_UP_TO = 2


#: rows are processed in chunks whose torus / sphere grids hold about this many numbers: small enough to stay in
#: the CPU caches (measured 3–5× faster than one pass over 131072 rows at L = 8–12), large enough for good GEMMs
GRID_CHUNK_ELEMENTS = 1 << 18


def chunked_rows(function, x: torch.Tensor, y: torch.Tensor, plan, grid_points: int) -> torch.Tensor:
    """``function(x, y, plan)`` over row chunks of about :data:`GRID_CHUNK_ELEMENTS` / ``grid_points`` rows (CPU;
    one pass on other devices)."""
    rows = x.shape[0]
    chunk = rows if x.device.type != "cpu" else max(64, GRID_CHUNK_ELEMENTS // max(grid_points, 1))
    if chunk >= rows or rows == 0:
        return function(x, y, plan)
    return torch.cat([function(x[i:i + chunk], y[i:i + chunk], plan) for i in range(0, rows, chunk)])


def _run(method: str, inputs: ProductInputs) -> torch.Tensor:
    rows = inputs.x.shape[0] * inputs.channels
    x = inputs.x.reshape(rows, (inputs.lmax1 + 1) ** 2)
    y = inputs.y.reshape(rows, (inputs.lmax2 + 1) ** 2)
    if method == "fourier":
        plan = fourier_plan(inputs.lmax1, inputs.lmax2, inputs.lmax_out, x.dtype, x.device)
        z = chunked_rows(fourier_gaunt_stacked, x, y, plan, plan.n_theta * plan.n_phi)
    elif method == "s2grid":
        from assay.kernels.so3.s2grid import s2grid_gaunt_stacked, s2grid_plan

        plan = s2grid_plan(inputs.lmax1, inputs.lmax2, inputs.lmax_out, x.dtype, x.device)
        z = s2grid_gaunt_stacked(x, y, plan)  # chunks internally
    else:
        from assay.kernels.so3.cg_tensor_product import gaunt_coupling, sparse_coupling_stacked

        if max(inputs.lmax1, inputs.lmax2, inputs.lmax_out) > CG_MAX_DEGREE:  # "auto" picks cg only for L ≤ 2
            raise ValueError(f"the cg route needs max(lmax1, lmax2, lmax_out) <= {CG_MAX_DEGREE}")
        coupling = gaunt_coupling(inputs.lmax1, inputs.lmax2, inputs.lmax_out, x.dtype, x.device)
        z = sparse_coupling_stacked(x, y, coupling)
    return z.reshape(inputs.x.shape[0], inputs.channels, (inputs.lmax_out + 1) ** 2)


def gaunt_tensor_product(
    x: torch.Tensor,
    y: torch.Tensor,
    lmax1: int,
    lmax2: int,
    lmax_out: int | None = None,
    *,
    weights1: torch.Tensor | None = None,
    weights2: torch.Tensor | None = None,
    weights_out: torch.Tensor | None = None,
    layout: str = "mul_ir",
    method: str = "auto",
    channels: int | None = None,
) -> torch.Tensor:
    """The Gaunt tensor product ``z = Σ G x y`` (module docstring) of flat SH features, differentiable.

    ``x``: ``(…, C·(L1+1)²)``, ``y``: ``(…, C·(L2+1)²)`` (float32 or float64, same device), leading dimensions
    broadcast; returns ``(…, C·(Lout+1)²)`` with ``Lout = L1 + L2`` unless given. ``method``: ``"auto"``,
    ``"fourier"``, ``"s2grid"`` or ``"cg"`` — the same numbers up to rounding. ``channels``: ``C``; when omitted it
    is inferred from the last dimensions, and a ``C > 1`` that is a perfect square is refused as ambiguous (``C·(L+1)²``
    numbers are also one vector of a higher degree — pass ``channels=C``). Degree limits: ``L1, L2 ≤ 32`` for
    ``"fourier"``/``"s2grid"``/``"auto"``, ``max(L1, L2, Lout) ≤ 24`` for ``"cg"`` (module docstring).
    """
    if not isinstance(method, str):
        raise TypeError(f"method must be a str, one of {', '.join(repr(name) for name in METHODS)}; "
                        f"got {type(method).__name__}")
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(repr(name) for name in METHODS)}; got {method!r}")
    lmax1, lmax2, lmax_out, channels = check_operands(x, y, lmax1, lmax2, lmax_out, channels,
                                                      "cg" if method == "cg" else "grid")
    for weights, name in ((weights1, "weights1"), (weights2, "weights2"), (weights_out, "weights_out")):
        check_weights(weights, name, x)
    lmax1, lmax2, lmax_out, layout, channels, batch_shape = check_product(x, y, lmax1, lmax2, lmax_out, layout)
    if math.prod(batch_shape) == 0:  # an empty batch: the right shape, no plan built
        prepare_product(x, y, lmax1, lmax2, lmax_out, layout, weights1, weights2)  # checks the weights' shapes
        z = empty_product(x, y, batch_shape, channels * (lmax_out + 1) ** 2, (weights1, weights2, weights_out))
        flat_weights(weights_out, lmax_out, channels, layout, z, "weights_out")
        return z
    if method == "auto":
        method = select_method(lmax1, lmax2, lmax_out, channels, x.device)
    if method == "s2grid" and x.shape[:-1] == y.shape[:-1]:
        z = _s2grid_flat(x, y, lmax1, lmax2, lmax_out, layout, channels, (weights1, weights2, weights_out))
        if z is not None:
            return z.reshape(*batch_shape, z.shape[-1])
    inputs = prepare_product(x, y, lmax1, lmax2, lmax_out, layout, weights1, weights2)
    return finish_product(_run(method, inputs), inputs, weights_out)


def _s2grid_flat(x: torch.Tensor, y: torch.Tensor, lmax1: int, lmax2: int, lmax_out: int, layout: str,
                 channels: int, weights: tuple) -> torch.Tensor | None:
    """The separable S²-grid product straight on the flat layout (no stacked copies), or None where the plan is
    dense (small degrees: the stacked route)."""
    from assay.kernels.so3.s2grid import s2grid_gaunt_flat, s2grid_plan

    plan = s2grid_plan(lmax1, lmax2, lmax_out, x.dtype, x.device)
    if plan.dense:
        return None
    x, y = x.reshape(-1, x.shape[-1]), y.reshape(-1, y.shape[-1])
    w1, w2, w_out = (flat_weights(w, lmax, channels, layout, x, name) for w, lmax, name in
                     zip(weights, (lmax1, lmax2, lmax_out), ("weights1", "weights2", "weights_out")))
    if w1 is not None:
        x = x * w1
    if w2 is not None:
        y = y * w2
    z = s2grid_gaunt_flat(x, y, plan, channels, layout)
    return z if w_out is None else z * w_out
