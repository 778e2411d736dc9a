"""The classic baseline: a sparse real Clebsch–Gordan (or Gaunt) tensor product over all paths.

For real-SH features ``x`` (degrees ≤ L1) and ``y`` (≤ L2) with the same channels::

    z_{l3,m3} = Σ_{paths (l1,l2,l3)} w_{l1 l2 l3} Σ_{m1 m2} C^{l1 l2 l3}_{m1 m2 m3} x_{l1,m1} y_{l2,m2}

with the real-basis coupling tensor ``C`` of the ``coupling`` convention:

- ``"gaunt"``: ``C = G``, the real Gaunt coefficients (orthonormal harmonics); only ``l1+l2+l3`` even is non-zero,
  and with unit path weights this is exactly the Gaunt tensor product.
- ``"cg"``: the real Clebsch–Gordan tensor (``Σ_{m1 m2} C² = 1`` per ``m3``), **all** paths including the odd
  ones (l1+l2+l3 odd, e.g. the (1,1,1) cross product); ``"e3nn"``: ``C/√(2l3+1)`` (``e3nn.o3.wigner_3j``).
  See :mod:`assay.reference.so3.real_coupling` for the exact definition and phase ``i^(l1+l2−l3)``.

The coefficients are built in float64 from the correctly rounded complex 3j / CG tables
(:mod:`assay.reference.so3.tables`) by the exact change of basis (each real entry combines at most two complex
ones per axis), and stored as one sparse matrix with only the entries allowed by the real selection rule
``|m3| ∈ {|m1|+|m2|, ||m1|−|m2||}``. The product forms ``x_{i1} y_{i2}`` for all pairs and multiplies by that
matrix: ``(L1+1)²(L2+1)² + 2·nnz`` operations per channel, with ``nnz = O(L⁵)`` — the O(L⁵)–O(L⁶) baseline
the Fourier and S²-grid routes are measured against.

**Limit.** ``max(L1, L2, Lout) ≤`` :data:`~assay.kernels.so3._product_checks.CG_MAX_DEGREE` = 24, refused before
anything is built: the coupling is built from the 3j (or CG) table of that degree and stores Θ(L⁵) coefficients
(0.29 M for the Gaunt coupling at (12, 12, 24), 1.07 M for the CG coupling; building them peaks about 170 MB and
260 MB above the process's baseline). Couplings are cached for the 8 most recent arguments.
:func:`gaunt_coupling_count` only counts (no table) and takes degrees up to :data:`COUNT_MAX_DEGREE` = 256
(O(L⁴) small array operations).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from assay.core.validation import as_int
from assay.kernels.so3._product_checks import (
    CG_MAX_DEGREE,
    check_degrees,
    check_operands,
    check_path_weights,
    empty_product,
    plan_dtype_device,
)
from assay.kernels.so3._sh_layout import check_product, finish_product, prepare_product

__all__ = [
    "CG_MAX_DEGREE",
    "COUNT_MAX_DEGREE",
    "COUPLINGS",
    "SparseCoupling",
    "coupling_tensor_product",
    "gaunt_coupling",
    "gaunt_coupling_count",
    "sparse_coupling",
    "sparse_coupling_stacked",
]

COUPLINGS = ("gaunt", "cg", "e3nn")

#: the largest degree :func:`gaunt_coupling_count` accepts (it allocates nothing large, but its time grows as L⁴)
COUNT_MAX_DEGREE = 256

#: rows of the pair product formed at once: about this many numbers, cache-sized (as the grid routes' chunks)
_CHUNK_ELEMENTS = 1 << 18


def _change_of_basis_parts(l: int, conjugate: bool) -> tuple[np.ndarray, np.ndarray]:
    """``d, e`` with ``(U A)[m] = d[m] A[m] + e[m] A[−m]`` for the complex → real matrix ``U`` (or ``conj U``)."""
    root = np.sqrt(0.5)
    d = np.zeros(2 * l + 1, dtype=np.complex128)
    e = np.zeros(2 * l + 1, dtype=np.complex128)
    d[l] = 1.0
    for m in range(1, l + 1):
        sign = -1.0 if m % 2 else 1.0
        d[l + m], e[l + m] = sign * root, root  # U[m, m], U[m, −m]
        d[l - m], e[l - m] = 1j * root, -1j * sign * root  # U[−m, −m], U[−m, m]
    if conjugate:
        d, e = d.conj(), e.conj()
    return d, e


def _apply_change_of_basis(block: np.ndarray, axis: int, l: int, conjugate: bool) -> np.ndarray:
    d, e = _change_of_basis_parts(l, conjugate)
    shape = [1, 1, 1]
    shape[axis] = 2 * l + 1
    return d.reshape(shape) * block + e.reshape(shape) * np.flip(block, axis=axis)


def _real_selection(l1: int, l2: int, l3: int, even_sines: bool) -> np.ndarray:
    """The real selection rule: some signed sum ``±|m1| ± |m2| ± |m3|`` vanishes and (for the Gaunt coupling, an
    integral of cos/sin factors) an even number of the orders is negative (an odd number of sines integrates to 0)."""
    m1 = np.arange(-l1, l1 + 1)[:, None, None]
    m2 = np.arange(-l2, l2 + 1)[None, :, None]
    m3 = np.arange(-l3, l3 + 1)[None, None, :]
    a1, a2, a3 = np.abs(m1), np.abs(m2), np.abs(m3)
    allowed = (a3 == a1 + a2) | (a3 == np.abs(a1 - a2))
    if even_sines:
        allowed = allowed & ((((m1 < 0).astype(int) + (m2 < 0) + (m3 < 0)) % 2) == 0)
    return allowed


def gaunt_coupling_count(lmax1: int, lmax2: int, lmax_out: int) -> int:
    """The number of coefficients the sparse Gaunt coupling stores: every ``(l1 m1, l2 m2, l3 m3)`` with
    ``l1+l2+l3`` even, the triangle rule, and the real selection rule (:func:`_real_selection`), counted in closed
    form over ``|m|`` (a triple of orders with ``p`` non-zero entries has ``2^(p−1)`` sign patterns with an even
    number of negatives). Accidental zeros of the 3j symbols are stored too, so this is exact. Degrees ``≤``
    :data:`COUNT_MAX_DEGREE`."""
    lmax1, lmax2, lmax_out = check_degrees(lmax1, lmax2, lmax_out, "none")
    for value, name in ((lmax1, "lmax1"), (lmax2, "lmax2"), (lmax_out, "lmax_out")):
        as_int(value, name, maximum=COUNT_MAX_DEGREE, reason="the count loops over O(L⁴) orders")
    total = 0
    for l1 in range(lmax1 + 1):
        for l2 in range(lmax2 + 1):
            a1 = np.arange(l1 + 1)[:, None]
            a2 = np.arange(l2 + 1)[None, :]
            histogram = np.zeros(l1 + l2 + 1, dtype=np.int64)
            nonzero_12 = (a1 > 0).astype(np.int64) + (a2 > 0)
            for a3 in (a1 + a2, np.abs(a1 - a2)):
                nonzero = nonzero_12 + (a3 > 0)
                patterns = np.where(nonzero > 0, 2 ** np.maximum(nonzero - 1, 0), 1)
                np.add.at(histogram, a3.ravel(), patterns.ravel())
            # a1 + a2 = |a1 − a2| when a1 or a2 is 0: that triple was added twice
            duplicate = (a1 == 0) | (a2 == 0)
            a3 = (a1 + a2) * duplicate
            nonzero = nonzero_12 + (a3 > 0)
            patterns = np.where(nonzero > 0, 2 ** np.maximum(nonzero - 1, 0), 1) * duplicate
            np.add.at(histogram, a3.ravel(), -patterns.ravel())
            cumulative = np.cumsum(histogram)
            for l3 in range(abs(l1 - l2), min(l1 + l2, lmax_out) + 1, 2):
                total += int(cumulative[l3])
    return total


def real_coupling_block(l1: int, l2: int, l3: int, coupling: str, table) -> np.ndarray:
    """The dense real coupling tensor ``(2l1+1, 2l2+1, 2l3+1)`` of one path, float64 (entries off the real
    selection rule are exact zeros). ``table`` is a 3j table (``gaunt``) or a CG table (``cg``/``e3nn``)."""
    block = table.block(l1, l2, l3).astype(np.complex128)
    if coupling == "gaunt":
        if (l1 + l2 + l3) % 2:
            return np.zeros((2 * l1 + 1, 2 * l2 + 1, 2 * l3 + 1))
        prefactor = np.sqrt((2 * l1 + 1) * (2 * l2 + 1) * (2 * l3 + 1) / (4 * np.pi)) * table(l1, l2, l3, 0, 0, 0)
        block = prefactor * block
        conjugate_third, phase = False, 1.0
    else:
        conjugate_third, phase = True, 1j ** ((l1 + l2 - l3) % 4)
        if coupling == "e3nn":
            block = block / np.sqrt(2 * l3 + 1)
    block = _apply_change_of_basis(block, 0, l1, False)
    block = _apply_change_of_basis(block, 1, l2, False)
    block = _apply_change_of_basis(block, 2, l3, conjugate_third) * phase
    scale = np.abs(block).max(initial=0.0)
    if np.abs(block.imag).max(initial=0.0) > 1e-12 * max(scale, 1e-300):
        raise ArithmeticError(f"real coupling block ({l1}, {l2}, {l3}) has an imaginary part")
    return np.where(_real_selection(l1, l2, l3, coupling == "gaunt"), block.real, 0.0)


@dataclass(frozen=True)
class SparseCoupling:
    """One sparse coupling: ``matrix`` (CSR, ``(Lout+1)² × (L1+1)²(L2+1)²``) with ``nnz`` stored coefficients."""

    lmax1: int
    lmax2: int
    lmax_out: int
    coupling: str
    nnz: int
    matrix: torch.Tensor | None

    def operation_count(self, rows: int = 1) -> int:
        """Exact multiply and add count for ``rows`` channel-rows: the pair products plus one multiply-add per
        stored coefficient."""
        return rows * ((self.lmax1 + 1) ** 2 * (self.lmax2 + 1) ** 2 + 2 * self.nnz)


def _check_coupling(coupling: str) -> str:
    if not isinstance(coupling, str):
        raise TypeError(f"coupling must be a str, one of {', '.join(repr(c) for c in COUPLINGS)}; "
                        f"got {type(coupling).__name__}")
    if coupling not in COUPLINGS:
        raise ValueError(f"coupling must be one of {', '.join(repr(c) for c in COUPLINGS)}; got {coupling!r}")
    return coupling


@lru_cache(maxsize=8)
def _coupling_entries(lmax1: int, lmax2: int, lmax_out: int, coupling: str, path_weights: tuple | None):
    from assay.reference.so3.tables import clebsch_gordan_table, wigner_3j_table

    table_lmax = max(lmax1, lmax2, lmax_out)
    table = wigner_3j_table(table_lmax) if coupling == "gaunt" else clebsch_gordan_table(table_lmax)
    weights = dict(path_weights) if path_weights is not None else None
    n2 = (lmax2 + 1) ** 2
    rows, columns, values = [], [], []
    for l1 in range(lmax1 + 1):
        for l2 in range(lmax2 + 1):
            step = 2 if coupling == "gaunt" else 1
            for l3 in range(abs(l1 - l2), min(l1 + l2, lmax_out) + 1, step):
                weight = 1.0 if weights is None else weights.get((l1, l2, l3), 0.0)
                if weight == 0.0:
                    continue
                block = real_coupling_block(l1, l2, l3, coupling, table) * weight
                # keep every entry the selection rule allows (accidental zeros too), so nnz has a closed form
                i1, i2, i3 = np.nonzero(_real_selection(l1, l2, l3, coupling == "gaunt"))
                rows.append((l3 * l3 + i3).astype(np.int64))
                columns.append(((l1 * l1 + i1) * n2 + (l2 * l2 + i2)).astype(np.int64))
                values.append(block[i1, i2, i3])
    if not values:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    return np.concatenate(rows), np.concatenate(columns), np.concatenate(values)


@lru_cache(maxsize=8)
def _sparse_coupling(lmax1, lmax2, lmax_out, coupling, path_weights, dtype, device) -> SparseCoupling:
    rows, columns, values = _coupling_entries(lmax1, lmax2, lmax_out, coupling, path_weights)
    target = torch.device(device)
    matrix = None
    if target.type != "meta":
        shape = ((lmax_out + 1) ** 2, (lmax1 + 1) ** 2 * (lmax2 + 1) ** 2)
        coo = torch.sparse_coo_tensor(
            torch.from_numpy(np.stack([rows, columns])), torch.from_numpy(values), shape, check_invariants=True
        ).coalesce()
        with warnings.catch_warnings():  # "sparse CSR support is in beta"
            warnings.simplefilter("ignore", UserWarning)
            matrix = coo.to(dtype).to_sparse_csr().to(target)
    return SparseCoupling(lmax1, lmax2, lmax_out, coupling, int(values.size), matrix)


def sparse_coupling(
    lmax1: int,
    lmax2: int,
    lmax_out: int,
    coupling: str = "gaunt",
    path_weights: dict[tuple[int, int, int], float] | None = None,
    dtype: torch.dtype = torch.float64,
    device: torch.device | str = "cpu",
) -> SparseCoupling:
    """The cached sparse coupling for the given degrees, convention and optional per-path weights
    (``{(l1, l2, l3): w}``; paths not listed are dropped, keys that are not paths of the product are refused).
    ``max(L1, L2, Lout) ≤`` :data:`CG_MAX_DEGREE`; ``dtype`` float32 or float64."""
    coupling = _check_coupling(coupling)
    lmax1, lmax2, lmax_out = check_degrees(lmax1, lmax2, lmax_out, "cg")
    dtype, device = plan_dtype_device(dtype, device)
    checked = check_path_weights(path_weights, lmax1, lmax2, lmax_out, coupling)
    frozen = None if checked is None else tuple(sorted(checked.items()))
    return _sparse_coupling(lmax1, lmax2, lmax_out, coupling, frozen, dtype, str(device))


def gaunt_coupling(lmax1: int, lmax2: int, lmax_out: int, dtype: torch.dtype = torch.float64,
                   device: torch.device | str = "cpu") -> SparseCoupling:
    """The sparse real Gaunt coupling (unit path weights): the Gaunt tensor product as a CG-style contraction
    (``max(L1, L2, Lout) ≤`` :data:`CG_MAX_DEGREE`)."""
    return sparse_coupling(lmax1, lmax2, lmax_out, "gaunt", None, dtype, device)


def sparse_coupling_stacked(x: torch.Tensor, y: torch.Tensor, coupling: SparseCoupling) -> torch.Tensor:
    """``z = (x ⊗ y) Cᵀ`` on stacked rows: ``x`` (N, (L1+1)²), ``y`` (N, (L2+1)²) → (N, (Lout+1)²).

    On the ``meta`` device (no coupling matrix is built there) only the shape of the result is produced.
    """
    from assay.kernels.so3.gaunt_tensor_product import check_stacked

    check_stacked(x, y, coupling)
    rows = x.shape[0]
    if rows == 0 or coupling.matrix is None:
        return x.new_zeros((rows, (coupling.lmax_out + 1) ** 2))
    pairs = x.shape[1] * y.shape[1]
    chunk = max(1, _CHUNK_ELEMENTS // max(pairs, 1))
    outputs = []
    for start in range(0, rows, chunk):
        xs, ys = x[start:start + chunk], y[start:start + chunk]
        outer = (xs[:, :, None] * ys[:, None, :]).reshape(xs.shape[0], pairs)
        outputs.append(torch.sparse.mm(coupling.matrix, outer.transpose(0, 1)).transpose(0, 1))
    return torch.cat(outputs) if len(outputs) > 1 else outputs[0]


def coupling_tensor_product(
    x: torch.Tensor,
    y: torch.Tensor,
    lmax1: int,
    lmax2: int,
    lmax_out: int | None = None,
    *,
    coupling: str = "gaunt",
    path_weights: dict[tuple[int, int, int], float] | None = None,
    layout: str = "mul_ir",
    channels: int | None = None,
) -> torch.Tensor:
    """The sparse coupling tensor product (module docstring) of flat SH features.

    Arguments as :func:`assay.kernels.so3.gaunt_tensor_product.gaunt_tensor_product` (``channels`` included);
    ``coupling`` is ``"gaunt"``, ``"cg"`` or ``"e3nn"`` and ``path_weights`` optionally weights (or, by omission,
    drops) paths — every key must be a path ``(l1, l2, l3)`` of the product. ``max(L1, L2, Lout) ≤``
    :data:`CG_MAX_DEGREE`.
    """
    coupling = _check_coupling(coupling)
    lmax1, lmax2, lmax_out, channels = check_operands(x, y, lmax1, lmax2, lmax_out, channels, "cg")
    check_path_weights(path_weights, lmax1, lmax2, lmax_out, coupling)
    *_, batch_shape = check_product(x, y, lmax1, lmax2, lmax_out, layout)
    if math.prod(batch_shape) == 0:
        return empty_product(x, y, batch_shape, channels * (lmax_out + 1) ** 2, ())
    inputs = prepare_product(x, y, lmax1, lmax2, lmax_out, layout)
    rows = inputs.x.shape[0] * inputs.channels
    sparse = sparse_coupling(inputs.lmax1, inputs.lmax2, inputs.lmax_out, coupling, path_weights,
                             inputs.x.dtype, inputs.x.device)
    z = sparse_coupling_stacked(inputs.x.reshape(rows, (lmax1 + 1) ** 2), inputs.y.reshape(rows, (lmax2 + 1) ** 2),
                                sparse)
    return finish_product(z.reshape(inputs.x.shape[0], inputs.channels, (lmax_out + 1) ** 2), inputs)
