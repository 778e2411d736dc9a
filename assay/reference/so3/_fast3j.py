"""Correctly rounded 3j/CG table values at C speed: an exact integer Racah sum, a double-double product with a
rigorous error bound, and an exact fallback for the roundings that bound cannot decide (Ziv's strategy).

Racah's formula with the six factorials of each term paired into three binomials (``J = l1 + l2 + l3``,
``C(n, r) = 0`` outside ``0 ≤ r ≤ n``, ``m3 = −m1 − m2``)::

    (l1 l2 l3; m1 m2 m3) = (−1)^(l1−l2−m3) · T · √G · Π_i C(2l_i, l_i+m_i)^(−1/2)
    T = Σ_k (−1)^k C(l1+l2−l3, k) · C(l1−l2+l3, l1−m1−k) · C(−l1+l2+l3, l2+m2−k)
    G = C(2l2, J−2l1) · C(2l3, J−2l1) / ((J+1) · C(J, 2l1))

The upper entries of the three binomials in ``T`` add up to ``J``, so ``Σ_k |term_k| ≤ 2^J``. Hence:

- ``T`` is an integer computed **exactly**: in ``int64`` when ``J ≤ 62`` (every triple of an ``L ≤ 20`` table),
  else in Python integers (numpy object arrays). There is no cancellation error, and a vanishing symbol —
  selection rule or accidental zero of the Racah sum — is an exact ``0``.
- ``√G`` per triple and ``C(2l, l+m)^(−1/2)`` per ``(l, m)`` are double-doubles from integer square roots
  (relative error ≤ u²(1 + 2⁻⁹) each, ``u = 2⁻⁵³``, :func:`~assay.reference.so3._double_double.sqrt_ratio`);
  ``|T|`` becomes a double-double exactly (``int64``) or with one rounding ≤ u² (Python integers).
- ``|3j| = ((√G · r1) · |T|) · r2 · r3`` takes four double-double products, ≤ 7u² each (Joldes, Muller &
  Popescu 2017), so its relative error is below :data:`ANALYTIC_BOUND_3J` ``= 34u² ≈ 2⁻¹⁰⁰·⁹``; a CG coefficient
  takes one more product with ``√(2l3+1)``, below :data:`ANALYTIC_BOUND_CG` ``= 43u²``.
- The rounding test (:func:`~assay.reference.so3._double_double.round_or_defer`) assumes the far larger
  :data:`ERROR_BOUND` ``= 2⁻⁹⁰``, so the guarantee does not hang on the last constant of that analysis; a value is
  then undecided with probability about ``2⁻³⁶``, and undecided values (ties included) are rounded exactly from
  :func:`assay.reference.so3.coupling.three_j_squared` and :func:`assay.core.exact.correctly_rounded_sqrt`.
  Triples with ``J > 480`` skip the fast path altogether (every value exact), which keeps every intermediate far
  from overflow and underflow.

Only the canonical entries are computed — a twelfth of a 3j table, a quarter of a CG table
(:mod:`assay.reference.so3._table_layout`); the others are sign changes of those doubles (correct rounding
commutes with negation). A CG coefficient is rounded from the unrounded ``|3j|`` times ``√(2l3+1)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from math import comb

import numpy as np

from assay.core.exact import correctly_rounded_sqrt
from assay.reference.so3 import _double_double as dd
from assay.reference.so3._table_layout import Entries, Layout, Symmetry, table_layout
from assay.reference.so3.coupling import three_j_squared

__all__ = [
    "ANALYTIC_BOUND_3J",
    "ANALYTIC_BOUND_CG",
    "ERROR_BOUND",
    "CanonicalSymbols",
    "TableValues",
    "canonical_symbols",
    "coupling_values",
    "racah_sums",
]

_U2 = dd.UNIT_ROUNDOFF**2
#: Proven relative error bound of the double-double |3j| (module doc).
ANALYTIC_BOUND_3J = 34 * _U2
#: Proven relative error bound of the double-double |CG| (module doc).
ANALYTIC_BOUND_CG = 43 * _U2
#: The relative error bound the rounding test assumes (over a thousand times the analytic ones).
ERROR_BOUND = 2.0**-90
_INT64_MAX_J = 62  # Σ|terms| ≤ 2^J < 2^63
_FAST_MAX_J = 480  # beyond: exact values only


@dataclass(frozen=True)
class TableValues:
    """Values and keys of a table in its layout, and how many values the exact fallback rounded."""

    values: np.ndarray
    keys: np.ndarray
    triple_starts: np.ndarray
    triples: np.ndarray
    fallbacks: int


def _binomials(n_max: int, dtype: type) -> np.ndarray:
    """``table[n, r] = C(n, r)`` for ``0 ≤ r ≤ n ≤ n_max`` (0 above the diagonal)."""
    table = np.zeros((n_max + 1, n_max + 1), dtype=dtype)
    for n in range(n_max + 1):
        table[n, : n + 1] = [comb(n, r) for r in range(n + 1)]
    return table


def racah_sums(l1: np.ndarray, l2: np.ndarray, l3: np.ndarray, m1: np.ndarray, m2: np.ndarray) -> np.ndarray:
    """The integer ``T`` of the module doc for each symbol (``int64`` when every ``J ≤ 62``, else Python ints)."""
    l1, l2, l3, m1, m2 = (np.asarray(a, dtype=np.int32) for a in (l1, l2, l3, m1, m2))
    top_a, top_b, top_c = l1 + l2 - l3, l1 - l2 + l3, -l1 + l2 + l3
    low_b, low_c = l1 - m1, l2 + m2
    k_min = np.maximum(np.maximum(low_b - top_b, low_c - top_c), 0)
    span = np.minimum(top_a, np.minimum(low_b, low_c)) - k_min + 1  # number of terms (≥ 1 for a valid symbol)
    dtype = np.int64 if int((l1 + l2 + l3).max(initial=0)) <= _INT64_MAX_J else object
    n_max = int(max(top_a.max(initial=0), top_b.max(initial=0), top_c.max(initial=0)))
    binomials = _binomials(n_max, dtype)
    width = binomials.shape[1]
    flat = binomials.ravel()
    # longest sums first, so that step i works on a prefix (a stable sort of small integers: radix sort)
    order = np.argsort(-np.maximum(span, 0).astype(np.int16), kind="stable")
    span_sorted = span[order]
    index_a = (top_a * width + k_min)[order]
    index_b = (top_b * width + low_b - k_min)[order]
    index_c = (top_c * width + low_c - k_min)[order]
    total = np.zeros(len(order), dtype=dtype)
    steps = int(span_sorted[0]) if len(order) else 0
    active = np.searchsorted(-span_sorted, -np.arange(1, steps + 1), side="right")  # how many have span > i
    for i in range(steps):
        n = int(active[i])
        term = flat[index_a[:n] + i] * flat[index_b[:n] - i] * flat[index_c[:n] - i]
        if i % 2:
            total[:n] -= term
        else:
            total[:n] += term
    result = np.empty_like(total)
    result[order] = total
    odd_start = (k_min & 1) == 1  # the sum above starts at k_min with sign +
    result[odd_start] = -result[odd_start]
    return result


def _racah_double_double(l1, l2, l3, m1, m2) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(hi, lo, negative, zero)``: ``|T|`` as a double-double, its sign and whether it vanishes.

    ``int64`` where ``J ≤ 62`` (exact), Python integers above (``lo`` rounded once). The sign and the zeros are
    always exact; where ``J > 480`` ``hi`` is NaN, which sends the magnitude to the exact path.
    """
    size = len(l1)
    hi, lo = np.full(size, np.nan), np.zeros(size)
    negative, zero = np.zeros(size, dtype=bool), np.zeros(size, dtype=bool)
    big_j = l1 + l2 + l3
    small = np.flatnonzero(big_j <= _INT64_MAX_J)
    if len(small):
        sums = racah_sums(l1[small], l2[small], l3[small], m1[small], m2[small])
        negative[small], zero[small] = sums < 0, sums == 0
        magnitude = np.abs(sums)
        high = magnitude.astype(np.float64)  # |T| < 2^62: high converts back to int64 exactly
        hi[small], lo[small] = high, (magnitude - high.astype(np.int64)).astype(np.float64)
    large = np.flatnonzero(big_j > _INT64_MAX_J)
    if len(large):
        sums = racah_sums(l1[large], l2[large], l3[large], m1[large], m2[large]).tolist()
        negative[large] = [v < 0 for v in sums]
        zero[large] = [v == 0 for v in sums]
        for i, value, j in zip(large.tolist(), sums, big_j[large].tolist()):
            if j <= _FAST_MAX_J:
                high = float(abs(value))
                hi[i], lo[i] = high, float(abs(value) - int(high))
    return hi, lo, negative, zero


def _inverse_sqrt_binomials(lmax: int) -> tuple[np.ndarray, np.ndarray]:
    """``C(2l, l+m)^(−1/2)`` as double-doubles at flat index ``l² + l + m`` (even in ``m``)."""
    hi, lo = np.empty((lmax + 1) ** 2), np.empty((lmax + 1) ** 2)
    for l in range(lmax + 1):
        for m in range(l + 1):
            hi[l * l + l + m], lo[l * l + l + m] = hi[l * l + l - m], lo[l * l + l - m] = dd.sqrt_ratio(
                1, comb(2 * l, l + m))
    return hi, lo


def _triple_roots(triples: np.ndarray, which: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``√G`` of the module doc for the triples ``which`` as double-doubles (zeros elsewhere)."""
    hi, lo = np.zeros(len(triples)), np.zeros(len(triples))
    for t, (l1, l2, l3) in zip(which.tolist(), triples[which].tolist()):
        big_j = l1 + l2 + l3
        free = big_j - 2 * l1
        hi[t], lo[t] = dd.sqrt_ratio(comb(2 * l2, free) * comb(2 * l3, free), (big_j + 1) * comb(big_j, 2 * l1))
    return hi, lo


@dataclass(frozen=True)
class CanonicalSymbols:
    """The canonical 3j symbols ``(l1 l2 l3; m1 m2 −m1−m2)`` of a table: unrounded ``|3j| ≈ hi + lo``, sign, zeros."""

    l1: np.ndarray
    l2: np.ndarray
    l3: np.ndarray
    m1: np.ndarray
    m2: np.ndarray
    hi: np.ndarray
    lo: np.ndarray
    negative: np.ndarray
    zero: np.ndarray


def _entry_columns(layout: Layout, entries: Entries) -> tuple[np.ndarray, ...]:
    """``(l1, l2, l3, m1, m2)`` of some entries, as int32."""
    triple = layout.row_triple[entries.rows]
    per_row = (layout.triples[triple, 0], layout.triples[triple, 1], layout.triples[triple, 2],
               layout.row_m1[entries.rows])
    return (*(entries.per_entry(column.astype(np.int32)) for column in per_row), entries.m2.astype(np.int32))


def _canonical(layout: Layout, symmetry: Symmetry, entries: Entries) -> CanonicalSymbols:
    triple = layout.row_triple[entries.rows]
    g_hi, g_lo = _triple_roots(layout.triples, np.flatnonzero(symmetry.is_canonical))
    r_hi, r_lo = _inverse_sqrt_binomials(layout.lmax)
    row_l1, row_m1 = layout.triples[triple, 0], layout.row_m1[entries.rows]
    flat1 = row_l1 * row_l1 + row_l1 + row_m1
    w_hi, w_lo = dd.mul(g_hi[triple], g_lo[triple], r_hi[flat1], r_lo[flat1])  # per row: √G · r1

    l1, l2, l3, m1, m2 = _entry_columns(layout, entries)
    t_hi, t_lo, negative_sum, zero = _racah_double_double(l1, l2, l3, m1, m2)
    hi, lo = dd.mul(t_hi, t_lo, entries.per_entry(w_hi), entries.per_entry(w_lo))
    flat2 = l2 * l2 + l2 + m2
    hi, lo = dd.mul(hi, lo, r_hi[flat2], r_lo[flat2])
    flat3 = l3 * l3 + l3 - m1 - m2
    hi, lo = dd.mul(hi, lo, r_hi[flat3], r_lo[flat3])
    negative = (((l1 - l2 + m1 + m2) & 1) == 1) ^ negative_sum  # (−1)^(l1−l2−m3) · sign(T)
    return CanonicalSymbols(l1, l2, l3, m1, m2, hi, lo, negative, zero)


def canonical_symbols(lmax: int) -> CanonicalSymbols:
    """The canonical 3j symbols of the degree-``lmax`` table with their unrounded double-double magnitudes."""
    layout = table_layout(lmax)
    symmetry = Symmetry(layout, "3j")
    return _canonical(layout, symmetry, symmetry.canonical_entries())


def _exact_magnitude(l1: int, l2: int, l3: int, m1: int, m2: int, scale: int) -> float:
    """``|3j(l1 l2 l3; m1 m2 −m1−m2)| · √scale``, correctly rounded, from the exact rational square."""
    sign, numerator, denominator = three_j_squared(2 * l1, 2 * l2, 2 * l3, 2 * m1, 2 * m2, -2 * (m1 + m2))
    return correctly_rounded_sqrt(numerator * scale, denominator) if sign else 0.0


def _round(
    hi: np.ndarray, lo: np.ndarray, zero: np.ndarray, bound: float, exact: Callable[[int], float]
) -> tuple[np.ndarray, int]:
    """Correctly rounded ``hi + lo`` (``> 0``): Ziv's test, ``exact(i)`` for the undecided; exact zeros stay 0."""
    rounded = np.where(zero, 0.0, hi)
    undecided = np.flatnonzero(~(zero | dd.round_or_defer(hi, lo, bound)))
    for i in undecided.tolist():
        rounded[i] = exact(i)
    return rounded, len(undecided)


def _expand(symmetry: Symmetry, canonical_slots: np.ndarray, canonical_values: np.ndarray) -> np.ndarray:
    """Every entry of the table from the canonical values: one gather and a sign change."""
    dense = np.zeros(symmetry.dense_size)
    dense[canonical_slots] = canonical_values
    slot, flip = symmetry.slots(symmetry.all_entries())
    values = dense[slot]
    np.negative(values, out=values, where=flip)
    values += 0.0  # −0.0 → +0.0: a vanishing coefficient is an exact (positive) zero
    return values


def coupling_values(lmax: int, kind: str, bound: float = ERROR_BOUND) -> TableValues:
    """Every 3j symbol (``kind="3j"``) or CG coefficient (``"cg"``) with degrees ≤ ``lmax``, correctly rounded.

    ``bound`` is the relative error bound the rounding test assumes; a larger one sends more values to the exact
    fallback (tests use that to exercise it) and never changes the result. It must be a power of two
    ``≥ 2⁻⁹⁰`` (:data:`ERROR_BOUND`).
    """
    if kind not in ("3j", "cg"):
        raise ValueError(f"kind must be '3j' or 'cg', got {kind!r}")
    if not (ERROR_BOUND <= bound < np.inf and np.frexp(bound)[0] == 0.5):
        raise ValueError(f"bound must be a power of two >= 2**-90, got {bound!r}")
    layout = table_layout(lmax)
    sym3 = Symmetry(layout, "3j")
    entries3 = sym3.canonical_entries()
    c = _canonical(layout, sym3, entries3)
    slots3, _ = sym3.slots(entries3)
    if kind == "3j":
        magnitude, fallbacks = _round(
            c.hi, c.lo, c.zero, bound,
            lambda i: _exact_magnitude(int(c.l1[i]), int(c.l2[i]), int(c.l3[i]), int(c.m1[i]), int(c.m2[i]), 1),
        )
        values = _expand(sym3, slots3, np.where(c.negative, -magnitude, magnitude))
    else:
        # the CG-canonical entries: their unrounded |3j| from the 3j-canonical ones, times √(2l3+1), rounded
        where3 = np.zeros(sym3.dense_size, dtype=np.int64)
        where3[slots3] = np.arange(len(slots3))
        sym_cg = Symmetry(layout, "cg")
        entries_cg = sym_cg.canonical_entries()
        slot, flip = sym3.slots(entries_cg)
        at = where3[slot]
        l1, l2, l3, m1, m2 = _entry_columns(layout, entries_cg)
        s_hi, s_lo = (np.array(part) for part in zip(*(dd.sqrt_ratio(2 * l + 1, 1) for l in range(lmax + 1))))
        hi, lo = dd.mul(c.hi[at], c.lo[at], s_hi[l3], s_lo[l3])
        magnitude, fallbacks = _round(
            hi, lo, c.zero[at], bound,
            lambda i: _exact_magnitude(int(l1[i]), int(l2[i]), int(l3[i]), int(m1[i]), int(m2[i]),
                                       2 * int(l3[i]) + 1),
        )
        # ⟨l1 m1; l2 m2 | l3 M⟩ = (−1)^(l1−l2+M) · √(2l3+1) · 3j(l1 l2 l3; m1 m2 −M), M = m1 + m2
        negative = c.negative[at] ^ flip ^ (((l1 - l2 + m1 + m2) & 1) == 1)
        slots_cg, _ = sym_cg.slots(entries_cg)
        values = _expand(sym_cg, slots_cg, np.where(negative, -magnitude, magnitude))
    return TableValues(values, _keys(layout, kind), layout.triple_starts(), layout.triples, fallbacks)


def _keys(layout: Layout, kind: str) -> np.ndarray:
    """``(l1, l2, l3, m1, m2, m3)`` of every entry (``m3 = −m1 − m2`` for 3j, ``m1 + m2`` for CG).

    Each row's first key is repeated along the row, then ``m2`` (and ``m3``) advance by the position in the row.
    """
    first = np.empty((len(layout.row_count), 6), dtype=np.int16 if layout.lmax < 16000 else np.int32)
    first[:, :3] = layout.triples[layout.row_triple]
    first[:, 3] = layout.row_m1
    first[:, 4] = layout.row_m2_low
    first[:, 5] = -(layout.row_m1 + layout.row_m2_low) if kind == "3j" else layout.row_m1 + layout.row_m2_low
    keys = np.repeat(first, layout.row_count, axis=0)
    dtype = layout.index_dtype
    step = (np.arange(layout.size, dtype=dtype) - np.repeat(layout.row_start.astype(dtype), layout.row_count))
    step = step.astype(keys.dtype)
    keys[:, 4] += step
    if kind == "3j":
        keys[:, 5] -= step
    else:
        keys[:, 5] += step
    return keys
