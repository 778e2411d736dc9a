"""Tables of every Wigner 3j symbol (or Clebsch–Gordan coefficient) with integer degrees ≤ L, as float64.

Every value is the correctly rounded double of the exact symbol (round to nearest, ties to even; a vanishing
symbol is ``+0.0``). The values come from :mod:`assay.reference.so3._fast3j`: an exact integer Racah sum, a
double-double product with a proven error bound (< 34u² for 3j, < 43u² for CG, ``u = 2⁻⁵³``) and Ziv's rounding
test, which hands the values it cannot decide to the exact rational path
(:func:`assay.reference.so3.coupling.three_j_squared`, integer square roots). Only the canonical entries under the
column-permutation and ``m → −m`` symmetries are computed; the rest are sign changes. Tables are cached in memory
per ``(L, kind)`` (``_build.cache_clear()`` empties the cache; nothing else is cached).

Layout — the table is read like a book:

- triples ``(l1, l2, l3)`` in lexicographic order over ``0 ≤ l1, l2 ≤ L`` and ``|l1 − l2| ≤ l3 ≤ min(l1 + l2, L)``;
- within a triple, ``m1 = −l1..l1``, then ``m2 = −l2..l2``, keeping only the pairs with ``|m3| ≤ l3`` where
  ``m3 = −m1 − m2`` (3j) or ``m3 = m1 + m2`` (CG).

``table.keys[i]`` is ``(l1, l2, l3, m1, m2, m3)`` for ``table.values[i]``; ``table(l1, l2, l3, m1, m2, m3)`` looks a
value up (0.0 where a selection rule vanishes it); ``table.block(l1, l2, l3)`` is the dense
``(2l1+1, 2l2+1, 2l3+1)`` array. For L = 10 the 3j table has 72,809 entries; for L = 20, 1,840,167.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from assay.core.validation import as_degree, as_order, as_size_limited_degree
from assay.reference.so3._fast3j import coupling_values

__all__ = ["MAX_TABLE_DEGREE", "CouplingTable", "clebsch_gordan_table", "wigner_3j_table"]

#: The largest ``lmax`` a table is built for: L = 32 holds about 19 million entries (≈ 0.4 GB with the keys), and
#: symbols with l1 + l2 + l3 > 62 leave the 64-bit integer path (seconds per thousand entries).
MAX_TABLE_DEGREE = 32


@dataclass(frozen=True)
class CouplingTable:
    """All 3j symbols (``kind="3j"``) or CG coefficients (``kind="cg"``) with degrees ≤ ``lmax``; see module doc."""

    kind: str
    lmax: int
    values: np.ndarray
    keys: np.ndarray
    offsets: dict[tuple[int, int, int], int] = field(repr=False)

    def __len__(self) -> int:
        return int(self.values.shape[0])

    def _start(self, l1: int, l2: int, l3: int) -> int | None:
        return self.offsets.get((l1, l2, l3))

    def index(self, l1: int, l2: int, l3: int, m1: int, m2: int, m3: int) -> int | None:
        """Position of the entry in :attr:`values`, or ``None`` when a selection rule makes it vanish."""
        degrees = [as_degree(v, n) for v, n in ((l1, "l1"), (l2, "l2"), (l3, "l3"))]
        for value, name in zip(degrees, ("l1", "l2", "l3")):
            if value > self.lmax:
                raise ValueError(f"{name} must be <= lmax = {self.lmax} of this table, got {value}")
        l1, l2, l3 = degrees
        m1, m2, m3 = (as_order(m, l, n, d) for m, l, n, d in
                      ((m1, l1, "m1", "l1"), (m2, l2, "m2", "l2"), (m3, l3, "m3", "l3")))
        expected_m3 = -m1 - m2 if self.kind == "3j" else m1 + m2
        start = self._start(l1, l2, l3)
        if start is None or m3 != expected_m3:
            return None
        position = start
        for earlier_m1 in range(-l1, m1):
            position += _count_m2(l2, l3, earlier_m1)
        allowed = _m2_range(l2, l3, m1)
        if m2 not in allowed:
            return None
        return position + (m2 - allowed.start)

    def __call__(self, l1: int, l2: int, l3: int, m1: int, m2: int, m3: int) -> float:
        position = self.index(l1, l2, l3, m1, m2, m3)
        return 0.0 if position is None else float(self.values[position])

    def block(self, l1: int, l2: int, l3: int) -> np.ndarray:
        """The dense array ``T[m1 + l1, m2 + l2, m3 + l3]`` for one triple the table holds (zeros where the ``m``
        selection rule vanishes an entry). Degrees above ``lmax`` and triples outside the triangle
        ``|l1 − l2| ≤ l3 ≤ l1 + l2`` are refused: the table holds no block for them."""
        degrees = [as_degree(v, n) for v, n in ((l1, "l1"), (l2, "l2"), (l3, "l3"))]
        for value, name in zip(degrees, ("l1", "l2", "l3")):
            if value > self.lmax:
                raise ValueError(f"{name} must be <= lmax = {self.lmax} of this table, got {value}")
        l1, l2, l3 = degrees
        start = self._start(l1, l2, l3)
        if start is None:
            raise ValueError(f"(l1, l2, l3) = ({l1}, {l2}, {l3}) violates the triangle rule "
                             "|l1 − l2| <= l3 <= l1 + l2: all its symbols are zero and the table holds no block for it")
        dense = np.zeros((2 * l1 + 1, 2 * l2 + 1, 2 * l3 + 1))
        stop = start + _block_size(l1, l2, l3)
        keys = self.keys[start:stop]
        dense[keys[:, 3] + l1, keys[:, 4] + l2, keys[:, 5] + l3] = self.values[start:stop]
        return dense


def _m2_range(l2: int, l3: int, m1: int) -> range:
    # |m1 + m2| <= l3 (the same range for 3j, m3 = −m1 − m2, and CG, m3 = m1 + m2)
    return range(max(-l2, -l3 - m1), min(l2, l3 - m1) + 1)


def _count_m2(l2: int, l3: int, m1: int) -> int:
    return max(0, len(_m2_range(l2, l3, m1)))


def _block_size(l1: int, l2: int, l3: int) -> int:
    return sum(_count_m2(l2, l3, m1) for m1 in range(-l1, l1 + 1))


@lru_cache(maxsize=8)
def _build(lmax: int, kind: str) -> CouplingTable:
    built = coupling_values(lmax, kind)
    offsets = dict(zip(map(tuple, built.triples.tolist()), built.triple_starts.tolist()))
    built.values.setflags(write=False)
    built.keys.setflags(write=False)
    return CouplingTable(kind=kind, lmax=lmax, values=built.values, keys=built.keys, offsets=offsets)


def wigner_3j_table(lmax: int) -> CouplingTable:
    """Every 3j symbol ``(l1 l2 l3; m1 m2 m3)`` with integer ``l1, l2, l3 ≤ lmax``, correctly rounded float64."""
    return _build(as_size_limited_degree(lmax, "lmax", MAX_TABLE_DEGREE, "a table's size grows like lmax⁶"), "3j")


def clebsch_gordan_table(lmax: int) -> CouplingTable:
    """Every CG coefficient ``⟨l1 m1; l2 m2 | l3 m3⟩`` with integer degrees ≤ ``lmax``, correctly rounded float64."""
    return _build(as_size_limited_degree(lmax, "lmax", MAX_TABLE_DEGREE, "a table's size grows like lmax⁶"), "cg")
