"""Real Wigner D matrices for batches of rotations, any degree, as a differentiable torch kernel.

Convention: ``D^l(R)`` acts on the real spherical harmonics of the same polar axis
(:func:`assay.kernels.so3.harmonics.spherical_harmonics`, ``basis="real"``) so that

    Y_l(R r) = D^l(R) Y_l(r),   D^l(R1 R2) = D^l(R1) D^l(R2),   rows and columns ordered m = −l..l.

Method — recursion through the coupling ``1 ⊗ (l−1) → l``. With ``C`` the real-basis Clebsch–Gordan isometry
(``3(2l−1) × (2l+1)``, ``CᵀC = I``, built once per degree from the stretched coefficients
``⟨1 μ; l−1 ν | l μ+ν⟩ = √(C(2, 1+μ) C(2l−2, l−1+ν) / C(2l, l+μ+ν))`` and the exact complex → real change of
basis),

    D^0 = 1,   D^1 = R restricted to the axes (y, z, x),   D^l = Cᵀ (D^1 ⊗ D^{l−1}) C.

Why this method: no matrix exponential, no Euler angles, no trigonometric function — ``D^l`` is a polynomial of
degree ``l`` in the entries of ``R`` — so it is differentiable everywhere (gimbal lock included). It is stable
because ``C`` is an isometry: an error ``E`` in ``D^{l−1}`` reaches ``D^l`` as ``Cᵀ (D^1 ⊗ E) C``, no larger in
spectral norm, so the error grows only additively — measured ``‖D Dᵀ − I‖_max ≈ l · 1e-15`` in float64 (1.9e-14
at l = 20, 1.0e-13 at l = 100). The Ivanic–Ruedenberg recursion (J. Phys. Chem. 100, 6342 (1996)) has the same
row step but replaces the column projection by one term divided by its coefficient; that map is not
norm-preserving and its rounding error grows geometrically, about ×1.26 per degree (measured here:
‖D Dᵀ − I‖ = 6e-15 at l = 20, 1.6e-13 at l = 40, 7e-8 at l = 100), so it was not kept. Cost: up to degree 32 the
two products are dense batched matmuls (BLAS; ``O(l³)`` per degree and rotation, fastest in practice); above,
each column of ``C`` has at most five non-zero entries and the products are five gathered multiply-adds
(``O(l²)`` per degree).

**Limits** (refused before anything is allocated): :func:`wigner_D_from_matrix` and :func:`wigner_D_from_angles`
take ``l ≤`` :data:`MAX_DEGREE` = 500 (without autograd one workspace of about ``28 l²`` numbers per rotation; the
coupling tables are built sparse, ``O(l)`` per degree, and the dense ones only for ``l ≤ 32``);
:func:`wigner_D_blocks` ``lmax ≤`` :data:`BLOCKS_MAX_DEGREE` = 256 (all blocks, ``(4/3) lmax³`` numbers per
rotation); :func:`wigner_D_block_diagonal` ``lmax ≤`` :data:`BLOCK_DIAGONAL_MAX_DEGREE` = 64 (``(lmax+1)⁴`` numbers
per rotation). ``R`` must be float32 or float64; an empty batch gives an empty result.

``polar_axis="y"`` (e3nn) uses ``D_y(R) = D_z(Π R Πᵀ)`` with ``Π (x, y, z) = (z, x, y)``, because
``Y_y(r) = Y_z(Π r)``; then ``D^1_y = R`` itself, and the result equals e3nn's ``D_from_matrix``.
"""

from __future__ import annotations

import math
import numbers
from collections import deque
from functools import lru_cache

import numpy as np
import torch

from assay.core.conventions import resolve
from assay.core.validation import as_float_tensor, as_size_limited_degree
from assay.kernels._memory import zeros_output
from assay.reference.so3.conventions import EULER, POLAR_AXIS

__all__ = [
    "BLOCKS_MAX_DEGREE",
    "BLOCK_DIAGONAL_MAX_DEGREE",
    "MAX_DEGREE",
    "rotation_from_angles",
    "wigner_D_block_diagonal",
    "wigner_D_blocks",
    "wigner_D_from_angles",
    "wigner_D_from_matrix",
]

# D^1 in the real basis (m = −1, 0, 1) is R restricted to the axes (y, z, x) for the z-polar harmonics
# (Y_{1,−1}, Y_{1,0}, Y_{1,1} ∝ y, z, x), and R itself (x, y, z) for the y-polar (e3nn) ones.
_DEGREE_ONE_AXES = {"z": [1, 2, 0], "y": [0, 1, 2]}


def _unitary_parts(lmax: int) -> tuple[np.ndarray, np.ndarray]:
    """``same[m + lmax] = U_{m,m}`` and ``flip[m + lmax] = U_{m,−m}`` (0 at m = 0) of the complex → real change of
    basis ``U`` (:func:`assay.reference.so3.basis.complex_to_real_entries`; its entries do not depend on the degree,
    so one table serves every ``l ≤ lmax``)."""
    from assay.reference.so3.basis import complex_to_real_entries

    same = np.zeros(2 * lmax + 1, dtype=np.complex128)
    flip = np.zeros(2 * lmax + 1, dtype=np.complex128)
    rounded: dict = {}  # each distinct exact entry is rounded once
    for (m, mu), (re, im) in complex_to_real_entries(lmax).items():
        if (re, im) not in rounded:
            rounded[(re, im)] = complex(float(re), float(im))
        (same if mu == m else flip)[m + lmax] = rounded[(re, im)]
    return same, flip


#: ``(lmax, same, flip)``: the one table of :func:`_unitary_parts`, regrown geometrically when a higher degree comes
_UNITARY: list = [-1, None, None]


def _unitary(l: int) -> tuple[np.ndarray, np.ndarray]:
    """``same`` and ``flip`` of :func:`_unitary_parts` for degree ``l``, indexed ``m + l``."""
    if _UNITARY[0] < l:
        top = min(max(l, 2 * _UNITARY[0], 8), max(l, MAX_DEGREE))
        _UNITARY[:] = [top, *_unitary_parts(top)]
    top, same, flip = _UNITARY
    return same[top - l: top + l + 1], flip[top - l: top + l + 1]


def _stretched_square(l: int, mu: int, nu: np.ndarray) -> np.ndarray:
    """``⟨1 μ; l−1 ν | l μ+ν⟩² = C(2, 1+μ) C(2l−2, l−1+ν) / C(2l, l+μ+ν)`` in closed form (float64, each value one
    correctly rounded quotient of small integers): with ``a = l − 1 + ν`` it is ``(2l−a)(2l−1−a)``,
    ``2(a+1)(2l−1−a)`` or ``(a+1)(a+2)`` for ``μ = −1, 0, 1``, over ``2l(2l−1)``."""
    a = l - 1 + nu
    if mu == -1:
        numerator = (2 * l - a) * (2 * l - 1 - a)
    elif mu == 0:
        numerator = 2 * (a + 1) * (2 * l - 1 - a)
    else:
        numerator = (a + 1) * (a + 2)
    return numerator / float(2 * l * (2 * l - 1))


@lru_cache(maxsize=64)
def _coupling_entries(l: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The non-zero entries of the real coupling of ``1 ⊗ (l−1) → l`` (``l ≥ 2``) as ``(row, column, value)``:
    row ``(j+1)(2l−1) + b + l − 1``, column ``n + l``, sorted by column, then row.

    ``C[(j, b), n] = Σ conj(U¹_{jμ}) conj(U^{l−1}_{bν}) ⟨1 μ; l−1 ν | l μ+ν⟩ U^l_{n,μ+ν}`` over ``μ ∈ {±j}``,
    ``ν ∈ {±b}``, ``n ∈ {±(μ+ν)}`` (the only non-zero entries of ``U`` are ``U_{m,±m}``), vectorized over ``b``:
    O(l) work and memory per degree, never a dense tensor. The sum is real; entries below 1e-9 are rounding noise
    around exact zeros (the smallest non-zero ``|C|`` is ``≥ 1/(√2 l)``).
    """
    same, flip = _unitary(l)  # indexed m + l
    b = np.arange(-(l - 1), l)
    rows, columns, values = [], [], []
    for j in (-1, 0, 1):
        for mu in sorted({j, -j}):
            u_one = np.conj(same[j + l] if mu == j else flip[j + l])
            for nu_sign in (1, -1):
                keep = np.ones(b.shape, dtype=bool) if nu_sign == 1 else b != 0
                nu = nu_sign * b
                u_previous = np.conj(same[b + l] if nu_sign == 1 else flip[b + l])
                total = mu + nu
                factor = u_one * u_previous * np.sqrt(_stretched_square(l, mu, nu))
                for n_sign in (1, -1):
                    live = keep if n_sign == 1 else keep & (total != 0)
                    n = n_sign * total
                    u_current = same[n + l] if n_sign == 1 else flip[n + l]
                    rows.append(((j + 1) * (2 * l - 1) + b + l - 1)[live])
                    columns.append((n + l)[live])
                    values.append((factor * u_current)[live])
    row, column, value = np.concatenate(rows), np.concatenate(columns), np.concatenate(values)
    flat = column * (3 * (2 * l - 1)) + row  # column-major, so the unique keys come out sorted by column, then row
    keys, inverse = np.unique(flat, return_inverse=True)
    summed = np.bincount(inverse, weights=value.real, minlength=keys.size)
    nonzero = np.abs(summed) >= 1e-9
    keys, summed = keys[nonzero], summed[nonzero]
    return keys % (3 * (2 * l - 1)), keys // (3 * (2 * l - 1)), summed


def _coupling(l: int) -> np.ndarray:
    """The dense real coupling tensor ``C[j+1, b+l−1, n+l]`` of ``1 ⊗ (l−1) → l`` (float64, ``l ≥ 2``), built from
    :func:`_coupling_entries`: a real isometry (``CᵀC = I``) that intertwines, ``D^l = Cᵀ (D^1 ⊗ D^{l−1}) C``.
    The dense steps (``l ≤ 32``) use it; the sparse steps never build it."""
    row, column, value = _coupling_entries(l)
    dense = np.zeros((3 * (2 * l - 1), 2 * l + 1))
    dense[row, column] = value
    return dense.reshape(3, 2 * l - 1, 2 * l + 1)


_SLOTS = 5  # non-zero entries per column of C (selection rule: |m| ∈ {|b| − 1, |b|, |b| + 1}, signs fixed)
_DENSE_UP_TO = 32  # dense products (BLAS) up to this degree, sparse gathers above (O(l²) instead of O(l³))


def _coupling_slots(l: int) -> tuple[np.ndarray, np.ndarray]:
    """Column ``n`` of ``C`` as ``_SLOTS`` pairs (flat row ``(j+1)(2l−1) + b + l − 1``, value); unused: (0, 0)."""
    row, column, value = _coupling_entries(l)
    counts = np.bincount(column, minlength=2 * l + 1)
    if counts.max(initial=0) > _SLOTS:  # pragma: no cover - the selection rule allows at most five
        raise AssertionError(f"coupling 1 x {l - 1} -> {l} has {counts.max()} terms in a column")
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    slot = np.arange(column.size) - starts[column]  # entries are sorted by column
    rows = np.zeros((_SLOTS, 2 * l + 1), dtype=np.int64)
    values = np.zeros((_SLOTS, 2 * l + 1))
    rows[slot, column] = row
    values[slot, column] = value
    return rows, values


@lru_cache(maxsize=2 * (_DENSE_UP_TO + 1))
def _device_coupling(l: int, dtype: torch.dtype, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    coupling = torch.as_tensor(_coupling(l), dtype=dtype, device=device)
    return coupling, coupling.reshape(3 * (2 * l - 1), 2 * l + 1).T.contiguous()


@lru_cache(maxsize=2048)
def _device_slots(l: int, dtype: torch.dtype, device: torch.device):
    rows, values = _coupling_slots(l)
    previous = 2 * l - 1
    return ([torch.as_tensor(r // previous, device=device) for r in rows],  # j + 1
            [torch.as_tensor(r % previous, device=device) for r in rows],  # b + l − 1
            [torch.as_tensor(r, device=device) for r in rows],
            [torch.as_tensor(v, dtype=dtype, device=device) for v in values])


def _step_dense(l: int, degree_one: torch.Tensor, previous: torch.Tensor) -> torch.Tensor:
    """``D^l = Cᵀ (D^1 ⊗ D^{l−1}) C`` with dense products: ``T_i = Σ_j D^1_ij (D^{l−1} C_j)``, then ``Cᵀ T``."""
    batch, size = previous.shape[0], 2 * l + 1
    coupling, transposed = _device_coupling(l, previous.dtype, previous.device)
    columns = torch.matmul(previous[:, None], coupling)  # (B, 3, 2l−1, 2l+1): D^{l−1} C_j
    table = torch.bmm(degree_one, columns.reshape(batch, 3, (2 * l - 1) * size))
    return torch.matmul(transposed, table.reshape(batch, 3 * (2 * l - 1), size))


def _step_sparse(l: int, degree_one: torch.Tensor, previous: torch.Tensor, work: _Workspace | None = None
                 ) -> torch.Tensor:
    """The same product with the ≤ 5 non-zero entries per column of ``C`` gathered: O(l²) per rotation.

    Columns: ``T[(i, a), n] = Σ_t C_t(n) D^1[i, j_t(n)] D^{l−1}[a, b_t(n)]``; rows: ``D^l[m, n] = Σ_s C_s(m)
    T[(j_s(m), b_s(m)), n]``. With a workspace (no autograd) every intermediate is written into preallocated
    buffers and the result is a view of one of them (valid until the step after next).
    """
    batch, size = previous.shape[0], 2 * l + 1
    outer, inner, flat, values = _device_slots(l, previous.dtype, previous.device)
    if work is not None:
        return work.step(l, degree_one, previous, outer, inner, flat, values)
    table = None
    for slot in range(_SLOTS):
        weights = (torch.index_select(degree_one, 2, outer[slot]) * values[slot])[:, :, None]  # (B, 3, 1, 2l+1)
        factors = torch.index_select(previous, 2, inner[slot])[:, None]  # (B, 1, 2l−1, 2l+1)
        table = weights * factors if table is None else table.addcmul_(weights, factors)
    table = table.reshape(batch, 3 * (2 * l - 1), size)
    out = None
    for slot in range(_SLOTS):
        rows = torch.index_select(table, 1, flat[slot])  # (B, 2l+1, 2l+1): row m is T[(j_s(m), b_s(m)), ·]
        weight = values[slot][:, None]
        out = rows * weight if out is None else out.addcmul_(rows, weight)
    return out


class _Workspace:
    """Preallocated buffers for the sparse steps up to degree ``lmax`` without autograd: one allocation per call
    instead of a dozen growing ones per degree (which fragment the heap: the process kept 1.6 GB at l = 400 without
    it). Holds ``(3(2L−1)(2L+1) + (2L−1)(2L+1) + 3(2L+1) + 3(2L+1)²)`` numbers per rotation, about ``28 L²``."""

    def __init__(self, lmax: int, batch: int, like: torch.Tensor) -> None:
        size, inner = 2 * lmax + 1, 2 * lmax - 1
        self.table = like.new_empty(batch * 3 * inner * size)
        self.factors = like.new_empty(batch * inner * size)
        self.weights = like.new_empty(batch * 3 * size)
        self.rows = like.new_empty(batch * size * size)
        self.outputs = (like.new_empty(batch * size * size), like.new_empty(batch * size * size))

    def step(self, l: int, degree_one, previous, outer, inner, flat, values) -> torch.Tensor:
        batch, size, width = previous.shape[0], 2 * l + 1, 2 * l - 1
        table = self.table[: batch * 3 * width * size].view(batch, 3, width, size)
        weights = self.weights[: batch * 3 * size].view(batch, 3, size)
        factors = self.factors[: batch * width * size].view(batch, width, size)
        for slot in range(_SLOTS):
            torch.index_select(degree_one, 2, outer[slot], out=weights)
            weights.mul_(values[slot])
            torch.index_select(previous, 2, inner[slot], out=factors)
            if slot == 0:
                torch.mul(weights[:, :, None], factors[:, None], out=table)
            else:
                table.addcmul_(weights[:, :, None], factors[:, None])
        table = table.view(batch, 3 * width, size)
        rows = self.rows[: batch * size * size].view(batch, size, size)
        out = self.outputs[l % 2][: batch * size * size].view(batch, size, size)
        for slot in range(_SLOTS):
            torch.index_select(table, 1, flat[slot], out=rows)
            if slot == 0:
                torch.mul(rows, values[slot][:, None], out=out)
            else:
                out.addcmul_(rows, values[slot][:, None])
        return out


def _recursion_step(l: int, degree_one: torch.Tensor, previous: torch.Tensor,
                    work: _Workspace | None = None) -> torch.Tensor:
    """``D^l`` from ``D^1`` (``(B, 3, 3)``) and ``D^{l−1}`` (``(B, 2l−1, 2l−1)``)."""
    if l <= _DENSE_UP_TO:
        return _step_dense(l, degree_one, previous)
    return _step_sparse(l, degree_one, previous, work)


#: ``wigner_D_from_matrix`` / ``wigner_D_from_angles``: the largest degree. Without autograd the recursion works in
#: one workspace of about ``28 l²`` numbers per rotation (56 MB per float64 rotation at l = 500); its cost is
#: ``O(l³)`` per rotation over all degrees (one float64 rotation at l = 500: 135 s and 360 MB peak RSS, of which
#: about 240 MB is torch itself, on the 2 loaded cores this was measured on). With autograd every step is kept for
#: the backward pass, ``O(l³)`` numbers.
MAX_DEGREE = 500
#: ``wigner_D_blocks``: the largest ``lmax``: all blocks together hold ``Σ (2l+1)² ≈ (4/3) lmax³`` numbers per
#: rotation (180 MB per float64 rotation at lmax = 256).
BLOCKS_MAX_DEGREE = 256
#: ``wigner_D_block_diagonal``: the largest ``lmax``: the matrix has ``(lmax+1)⁴`` entries per rotation (143 MB per
#: float64 rotation at lmax = 64).
BLOCK_DIAGONAL_MAX_DEGREE = 64


def _check_rotations(R: object) -> torch.Tensor:
    R = as_float_tensor(R, "R")
    if R.ndim < 2 or R.shape[-2:] != (3, 3):
        raise ValueError(f"R must have shape (..., 3, 3), got {tuple(R.shape)}")
    return R


def _iterate_blocks(lmax: int, R: torch.Tensor, polar_axis: str, transient: bool = False):
    """Yield ``D^0, D^1, …, D^lmax`` of the flattened rotations ``(N, 3, 3)`` one at a time (only the previous
    block is kept alive by the recursion itself). With ``transient=True`` and no autograd the sparse steps write
    into one workspace: each yielded block is then valid only until the next one is requested."""
    polar_axis = resolve(POLAR_AXIS, polar_axis, "polar_axis")
    matrices = R.reshape(-1, 3, 3)
    axes = _DEGREE_ONE_AXES[polar_axis]
    degree_one = matrices[:, axes][:, :, axes] if axes != [0, 1, 2] else matrices
    work = None
    if transient and lmax > _DENSE_UP_TO and not (torch.is_grad_enabled() and R.requires_grad):
        work = _Workspace(lmax, matrices.shape[0], matrices)
    block = torch.ones_like(matrices[:, :1, :1])
    yield block
    if lmax >= 1:
        block = degree_one
        yield block
    for l in range(2, lmax + 1):
        block = _recursion_step(l, degree_one, block, work)
        yield block


def wigner_D_blocks(lmax: int, R: torch.Tensor, *, polar_axis: str = "z") -> list[torch.Tensor]:
    """``[D^0(R), …, D^lmax(R)]``, each of shape ``(..., 2l+1, 2l+1)``, in the real basis of ``polar_axis``.

    ``R`` holds rotation matrices (shape ``(..., 3, 3)``, float32 or float64, proper and orthogonal — not checked:
    for other matrices the result is the same degree-``l`` polynomial in the entries, which is no representation).
    Device and dtype follow ``R``; differentiable everywhere; an empty batch gives empty blocks.
    ``lmax ≤`` :data:`BLOCKS_MAX_DEGREE` (all blocks hold about ``(4/3) lmax³`` numbers per rotation).
    """
    lmax = as_size_limited_degree(lmax, "lmax", BLOCKS_MAX_DEGREE, "all blocks hold about (4/3)·lmax³ numbers "
                                                                    "per rotation")
    R = _check_rotations(R)
    batch_shape = R.shape[:-2]
    return [block.reshape(*batch_shape, 2 * l + 1, 2 * l + 1)
            for l, block in enumerate(_iterate_blocks(lmax, R, polar_axis))]


def wigner_D_from_matrix(l: int, R: torch.Tensor, *, polar_axis: str = "z") -> torch.Tensor:
    """The real Wigner matrix ``D^l(R)`` of shape ``(..., 2l+1, 2l+1)``: ``Y_l(R r) = D^l(R) Y_l(r)``.

    Computed by the coupling recursion through all degrees ``≤ l`` (see the module docstring), keeping only the
    previous block (without autograd, memory is ``O(l²)`` per rotation). ``l ≤`` :data:`MAX_DEGREE`.
    """
    l = as_size_limited_degree(l, "l", MAX_DEGREE, "the recursion costs O(l³) per rotation and holds about 28·l² "
                                                  "numbers per rotation")
    R = _check_rotations(R)
    last = deque(_iterate_blocks(l, R, polar_axis, transient=True), maxlen=1)[0]
    if l > _DENSE_UP_TO and not last.requires_grad:
        last = last.clone()  # a view of the workspace: copy it out so that the workspace can go
    return last.reshape(*R.shape[:-2], 2 * l + 1, 2 * l + 1)


def wigner_D_block_diagonal(lmax: int, R: torch.Tensor, *, polar_axis: str = "z") -> torch.Tensor:
    """The block-diagonal matrix ``⊕_{l=0..lmax} D^l(R)`` of shape ``(..., (lmax+1)², (lmax+1)²)``.

    It acts on the flattened output of :func:`~assay.kernels.so3.harmonics.spherical_harmonics` (same polar axis,
    real basis, any normalization): ``Y(R r) = D(R) Y(r)``. ``lmax ≤`` :data:`BLOCK_DIAGONAL_MAX_DEGREE` (the
    matrix has ``(lmax+1)⁴`` entries per rotation).
    """
    lmax = as_size_limited_degree(lmax, "lmax", BLOCK_DIAGONAL_MAX_DEGREE,
                                  "the matrix has (lmax+1)⁴ entries per rotation")
    R = _check_rotations(R)
    size = (lmax + 1) ** 2
    out = zeros_output((*R.shape[:-2], size, size), R.dtype, R.device)  # huge pages when large
    for l, block in enumerate(_iterate_blocks(lmax, R, polar_axis, transient=True)):
        out[..., l * l : (l + 1) ** 2, l * l : (l + 1) ** 2] = block.reshape(*R.shape[:-2], 2 * l + 1, 2 * l + 1)
    return out


def _axis_rotation(angle: torch.Tensor, axis: int) -> torch.Tensor:
    """Active rotation by ``angle`` about the coordinate axis ``axis`` (0 = x, 1 = y, 2 = z)."""
    c, s = torch.cos(angle), torch.sin(angle)
    one, zero = torch.ones_like(angle), torch.zeros_like(angle)
    if axis == 0:
        entries = [one, zero, zero, zero, c, -s, zero, s, c]
    elif axis == 1:
        entries = [c, zero, s, zero, one, zero, -s, zero, c]
    else:
        entries = [c, -s, zero, s, c, zero, zero, zero, one]
    return torch.stack(entries, dim=-1).reshape(*angle.shape, 3, 3)


def _angle_tensors(values: tuple, names: tuple[str, ...]) -> list[torch.Tensor]:
    """The three angles as tensors of one float dtype and device: tensors must be float32/float64 and agree;
    Python/numpy real numbers (and real numpy arrays) take the tensors' dtype and device (else the default dtype)."""
    tensors = [(value, name) for value, name in zip(values, names) if isinstance(value, torch.Tensor)]
    for value, name in tensors:
        as_float_tensor(value, name)
    if tensors:
        first, first_name = tensors[0]
        for value, name in tensors[1:]:
            as_float_tensor(value, name, like=first, like_name=first_name)
        dtype, device = first.dtype, first.device
    else:
        dtype, device = torch.get_default_dtype(), torch.device("cpu")
    out = []
    for value, name in zip(values, names):
        if isinstance(value, torch.Tensor) or (isinstance(value, np.ndarray) and value.dtype.kind in "fiu"):
            angle = value if isinstance(value, torch.Tensor) else torch.as_tensor(value, dtype=dtype, device=device)
            # scanned on the CPU only: on an accelerator the test would synchronize (there a non-finite angle gives
            # NaN entries, as torch.cos does)
            if angle.device.type == "cpu" and angle.numel() and not bool(torch.isfinite(angle).all()):
                raise ValueError(f"{name} must hold finite angles, got a non-finite value")
            out.append(angle)
            continue
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"{name} must be a real number or a float tensor, got {type(value).__name__}")
        angle = torch.as_tensor(float(value), dtype=dtype, device=device)
        if not math.isfinite(float(value)) or not math.isfinite(angle.item() if device.type != "meta" else 0.0):
            raise ValueError(f"{name} must be finite in {str(dtype).replace('torch.', '')}, got {value!r}")
        out.append(angle)
    return out


def rotation_from_angles(alpha, beta, gamma, *, euler: str = "zyz") -> torch.Tensor:
    """Rotation matrices from Euler angles (broadcast together), shape ``(..., 3, 3)``.

    ``euler="zyz"`` (Edmonds): ``R = R_z(α) R_y(β) R_z(γ)``; ``euler="e3nn_yxy"``: ``R = R_y(α) R_x(β) R_y(γ)``
    (e3nn's ``angles_to_matrix``). Tensor angles must be float32/float64 on one device with one dtype; Python
    numbers take their dtype and device (or the default dtype when no angle is a tensor) and must be finite there.
    Non-finite angles are refused; on an accelerator tensor values are not scanned (that would synchronize), and a
    non-finite angle there gives NaN entries, as ``torch.cos`` does.
    """
    euler = resolve(EULER, euler, "euler")
    angles = _angle_tensors((alpha, beta, gamma), ("alpha", "beta", "gamma"))
    try:
        alpha, beta, gamma = torch.broadcast_tensors(*angles)
    except RuntimeError:
        raise ValueError("alpha, beta and gamma must broadcast together, got shapes "
                         f"{', '.join(str(tuple(a.shape)) for a in angles)}") from None
    outer, middle = (2, 1) if euler == "zyz" else (1, 0)
    return _axis_rotation(alpha, outer) @ _axis_rotation(beta, middle) @ _axis_rotation(gamma, outer)


def wigner_D_from_angles(l: int, alpha, beta, gamma, *, euler: str = "zyz", polar_axis: str = "z") -> torch.Tensor:
    """``D^l`` of the rotation with Euler angles ``(α, β, γ)`` in the convention ``euler`` (see
    :func:`rotation_from_angles`); equal to e3nn's ``o3.wigner_D(l, α, β, γ)`` for ``euler="e3nn_yxy"``,
    ``polar_axis="y"``. The angles go through the rotation matrix (well conditioned) and the polynomial
    recursion, so there is no gimbal-lock special case.
    """
    return wigner_D_from_matrix(l, rotation_from_angles(alpha, beta, gamma, euler=euler), polar_axis=polar_axis)
