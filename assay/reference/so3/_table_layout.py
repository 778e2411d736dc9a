"""The layout of the 3j/CG tables, built with numpy, and the symmetries that fill it from a fraction of its values.

Layout (see :mod:`assay.reference.so3.tables`): triples ``(l1, l2, l3)`` in lexicographic order over
``0 ≤ l1, l2 ≤ L``, ``|l1 − l2| ≤ l3 ≤ min(l1 + l2, L)``; within a triple one *row* per ``m1 = −l1..l1`` holding
``m2 = max(−l2, −l3 − m1) .. min(l2, l3 − m1)``, so that ``|m1 + m2| ≤ l3``.

Symmetries: a 3j symbol is unchanged by an even permutation of its columns and picks up ``(−1)^(l1+l2+l3)`` under
an odd one, and again under ``m → −m``. A CG coefficient ``⟨l1 m1; l2 m2 | l3 M⟩`` has the same two rules for
swapping ``(l1, m1) ↔ (l2, m2)`` and for ``m → −m`` (but not for moving ``l3``). A :class:`Symmetry` picks the
canonical entries — columns sorted (``l1 ≥ l2 ≥ l3`` for ``"3j"``, ``l1 ≥ l2`` for ``"cg"``) and
``(m1, m2) ≥ (0, 0)`` lexicographically — which are about a twelfth (``"3j"``) or a quarter (``"cg"``) of the table,
and maps every entry to ``±`` a canonical one.

Canonical values are kept in a *dense* array: canonical triple ``c`` owns the slots ``base[c] + m1·W + m2`` with
``W = 2L + 1``, ``0 ≤ m1 ≤ l1`` (slots outside the selection rules stay unused). An entry whose columns, sorted
by the triple's permutation, read ``(m1', m2')`` has key ``K = m1'·W + m2'``; since ``|m2'| ≤ L < W/2`` the sign of
``K`` is the lexicographic sign of ``(m1', m2')``, so the entry's slot is ``base[c] + |K|`` and it reverses
``m`` exactly when ``K < 0``. ``K`` is affine in ``m2`` along a row (``m3 = −m1 − m2``), which keeps the per-entry
work to a few integer operations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Entries", "Layout", "Symmetry", "table_layout"]


@dataclass(frozen=True)
class Layout:
    """Per-triple and per-row arrays of the table with degrees ≤ ``lmax``."""

    lmax: int
    triples: np.ndarray  # (n_triples, 3) int64: l1, l2, l3
    first_row: np.ndarray  # (n_triples,): index of the triple's first row (m1 = −l1)
    row_triple: np.ndarray  # (n_rows,): the row's triple
    row_m1: np.ndarray  # (n_rows,)
    row_m2_low: np.ndarray  # (n_rows,): the row's first m2
    row_count: np.ndarray  # (n_rows,): entries in the row (0 where no m2 fits)
    row_start: np.ndarray  # (n_rows,): position of the row's first entry
    index_dtype: type  # int32 unless the table has 2^31 entries or more

    @property
    def size(self) -> int:
        return int(self.row_start[-1] + self.row_count[-1])

    def triple_starts(self) -> np.ndarray:
        """Position of each triple's first entry."""
        return self.row_start[self.first_row]

    def m2(self) -> np.ndarray:
        """``m2`` of every entry."""
        dtype = self.index_dtype
        shift = (self.row_start - self.row_m2_low).astype(dtype)
        return np.arange(self.size, dtype=dtype) - np.repeat(shift, self.row_count)


def table_layout(lmax: int) -> Layout:
    """The layout of every triple and row with degrees ≤ ``lmax`` (module doc)."""
    degrees = np.arange(lmax + 1, dtype=np.int64)
    l1, l2, l3 = (grid.ravel() for grid in np.meshgrid(degrees, degrees, degrees, indexing="ij"))
    keep = (l3 >= np.abs(l1 - l2)) & (l3 <= l1 + l2)
    triples = np.stack([l1[keep], l2[keep], l3[keep]], axis=1)  # meshgrid "ij" order is lexicographic
    rows_per_triple = 2 * triples[:, 0] + 1
    first_row = np.cumsum(rows_per_triple) - rows_per_triple
    row_triple = np.repeat(np.arange(len(triples)), rows_per_triple)
    row_l2, row_l3 = triples[row_triple, 1], triples[row_triple, 2]
    row_m1 = np.arange(len(row_triple)) - first_row[row_triple] - triples[row_triple, 0]
    row_m2_low = np.maximum(-row_l2, -row_l3 - row_m1)
    row_count = np.maximum(np.minimum(row_l2, row_l3 - row_m1) - row_m2_low + 1, 0)
    row_start = np.cumsum(row_count) - row_count
    index_dtype = np.int32 if row_start[-1] + row_count[-1] < 2**31 else np.int64
    return Layout(lmax, triples, first_row, row_triple, row_m1, row_m2_low, row_count, row_start, index_dtype)


@dataclass(frozen=True)
class Entries:
    """Some entries of a table, row by row: ``rows`` (row indices), ``counts`` per row, ``m2`` per entry."""

    rows: np.ndarray
    counts: np.ndarray
    m2: np.ndarray

    def per_entry(self, per_row: np.ndarray) -> np.ndarray:
        return np.repeat(per_row, self.counts)


# (coefficient of m1, coefficient of m2) of column 0, 1, 2 of a symbol with m3 = −m1 − m2
_COLUMN_COEFFICIENTS = np.array([[1, 0], [0, 1], [-1, -1]], dtype=np.int64)


class Symmetry:
    """Canonical entries of a table under the 3j (``"3j"``) or CG (``"cg"``) symmetries, and the dense slots."""

    def __init__(self, layout: Layout, group: str) -> None:
        if group not in ("3j", "cg"):
            raise ValueError(f"group must be '3j' or 'cg', got {group!r}")
        self.layout = layout
        triples = layout.triples
        n = layout.lmax + 1
        self.width = 2 * layout.lmax + 1
        if group == "3j":
            order = np.argsort(-triples, axis=1, kind="stable")  # canonical column c = column order[t, c]
        else:
            swap = triples[:, 0] < triples[:, 1]
            order = np.where(swap[:, None], np.array([1, 0, 2]), np.array([0, 1, 2]))
        odd = ((order[:, 0] > order[:, 1]).astype(np.int64) + (order[:, 0] > order[:, 2])
               + (order[:, 1] > order[:, 2])) % 2 == 1
        sorted_l = np.take_along_axis(triples, order, axis=1)
        lookup = np.full(n * n * n, -1, dtype=np.int64)
        lookup[(triples[:, 0] * n + triples[:, 1]) * n + triples[:, 2]] = np.arange(len(triples))
        canonical_of = lookup[(sorted_l[:, 0] * n + sorted_l[:, 1]) * n + sorted_l[:, 2]]
        self.is_canonical = canonical_of == np.arange(len(triples))
        sizes = np.where(self.is_canonical, triples[:, 0] * self.width + triples[:, 1] + 1, 0)
        base = np.cumsum(sizes) - sizes
        self.dense_size = int(sizes.sum())
        self.odd_sum = (triples.sum(axis=1) & 1) == 1
        self.flip_by_permutation = odd & self.odd_sum
        self.dense_base = base[canonical_of]  # per triple: the slots of its canonical triple
        # K = m1'·W + m2' = key_m1·m1 + key_m2·m2 with per-triple coefficients
        first, second = _COLUMN_COEFFICIENTS[order[:, 0]], _COLUMN_COEFFICIENTS[order[:, 1]]
        self.key_m1 = first[:, 0] * self.width + second[:, 0]
        self.key_m2 = first[:, 1] * self.width + second[:, 1]

    def all_entries(self) -> Entries:
        layout = self.layout
        return Entries(np.arange(len(layout.row_count)), layout.row_count, layout.m2())

    def canonical_entries(self) -> Entries:
        """Entries of canonical triples with ``(m1, m2) ≥ (0, 0)``, row by row in table order."""
        layout = self.layout
        rows = np.flatnonzero(self.is_canonical[layout.row_triple] & (layout.row_m1 >= 0) & (layout.row_count > 0))
        low = layout.row_m2_low[rows]
        low = np.where(layout.row_m1[rows] == 0, np.maximum(low, 0), low)
        counts = layout.row_count[rows] - (low - layout.row_m2_low[rows])
        keep = counts > 0
        rows, low, counts = rows[keep], low[keep], counts[keep]
        dtype = layout.index_dtype
        total = int(counts.sum())
        m2 = np.arange(total, dtype=dtype) - np.repeat((np.cumsum(counts) - counts - low).astype(dtype), counts)
        return Entries(rows, counts, m2)

    def slots(self, entries: Entries) -> tuple[np.ndarray, np.ndarray]:
        """``(slot, flip)``: each entry equals ``(−1)^flip`` times the canonical value at ``dense[slot]``."""
        layout = self.layout
        dtype = layout.index_dtype
        triple = layout.row_triple[entries.rows]
        key = entries.per_entry((self.key_m1[triple] * layout.row_m1[entries.rows]).astype(dtype))
        key += entries.per_entry(self.key_m2[triple].astype(dtype)) * entries.m2
        reverse = key < 0
        slot = np.abs(key, out=key)
        slot += entries.per_entry(self.dense_base[triple].astype(dtype))
        flip = entries.per_entry(self.flip_by_permutation[triple])
        flip ^= reverse & entries.per_entry(self.odd_sum[triple])
        return slot, flip
