"""3j and CG tables: size, layout, correct rounding (the 0.5-ulp guarantee against exact values), lookups."""

from __future__ import annotations

import math
import random
from fractions import Fraction

import numpy as np
import pytest

from assay.core.exact import correctly_rounded_sqrt
from assay.reference.so3.coupling import clebsch_gordan, three_j_squared, wigner_3j
from assay.reference.so3.tables import clebsch_gordan_table, wigner_3j_table

TABLES = {"3j": wigner_3j_table, "cg": clebsch_gordan_table}


def _exact_square(kind: str, key: tuple[int, ...]) -> tuple[int, int, int]:
    """``(sign, N, D)`` with the exact entry ``sign·√(N/D)``, straight from the integer Racah sum."""
    l1, l2, l3, m1, m2, m3 = key
    if kind == "3j":
        return three_j_squared(2 * l1, 2 * l2, 2 * l3, 2 * m1, 2 * m2, 2 * m3)
    sign, numerator, denominator = three_j_squared(2 * l1, 2 * l2, 2 * l3, 2 * m1, 2 * m2, -2 * m3)
    phase = -1 if (l1 - l2 + m3) % 2 else 1  # ⟨l1 m1; l2 m2 | l3 m3⟩ = (−1)^(l1−l2+m3) √(2l3+1) 3j(…, −m3)
    return sign * phase, numerator * (2 * l3 + 1), denominator


def _assert_correctly_rounded(kind: str, keys: np.ndarray, values: np.ndarray) -> None:
    for key, value in zip(keys.tolist(), values.tolist()):
        sign, numerator, denominator = _exact_square(kind, key)
        expected = sign * correctly_rounded_sqrt(numerator, denominator) if sign else 0.0
        assert value == expected and math.copysign(1.0, value) == math.copysign(1.0, expected + 0.0), key


def _assert_within_half_ulp(kind: str, keys: np.ndarray, values: np.ndarray) -> None:
    """The guarantee itself, checked with rationals: the exact value lies between the midpoints around the double."""
    for key, value in zip(keys.tolist(), values.tolist()):
        sign, numerator, denominator = _exact_square(kind, key)
        if sign == 0:
            assert value == 0.0 and not math.copysign(1.0, value) < 0, key
            continue
        assert (value < 0) == (sign < 0), key
        magnitude = abs(value)
        below = Fraction(magnitude) - Fraction(magnitude - math.nextafter(magnitude, 0.0)) / 2
        above = Fraction(magnitude) + Fraction(math.nextafter(magnitude, math.inf) - magnitude) / 2
        square = Fraction(numerator, denominator)
        assert below * below <= square <= above * above, key
        if square in (below * below, above * above):  # a tie goes to the even significand
            assert math.frexp(magnitude)[0] * 2**53 % 2 == 0, key


@pytest.mark.parametrize(("lmax", "size"), [(0, 1), (6, 7651), (10, 72809)])
def test_table_sizes(lmax, size):
    assert len(wigner_3j_table(lmax)) == size
    assert len(clebsch_gordan_table(lmax)) == size


@pytest.mark.parametrize(
    ("table_of", "exact_of"), [(wigner_3j_table, wigner_3j), (clebsch_gordan_table, clebsch_gordan)]
)
def test_every_entry_is_the_correctly_rounded_exact_value(table_of, exact_of):
    table = table_of(6)
    for key, value in zip(table.keys.tolist(), table.values.tolist()):
        assert value == float(exact_of(*key))


def test_lookups_and_blocks_agree():
    table = wigner_3j_table(8)
    rng = random.Random(8)
    for _ in range(500):
        position = rng.randrange(len(table))
        key = tuple(int(v) for v in table.keys[position])
        assert table.index(*key) == position and table(*key) == table.values[position]
    assert table(2, 2, 2, 1, 1, 1) == 0.0  # m1+m2+m3 != 0
    assert table.index(1, 1, 3, 0, 0, 0) is None  # triangle
    block = table.block(3, 2, 4)
    assert block.shape == (7, 5, 9)
    assert block[3 + 1, 2 - 2, 4 + 1] == float(wigner_3j(3, 2, 4, 1, -2, 1))
    cg = clebsch_gordan_table(4)
    assert cg(2, 1, 3, 1, 1, 2) == float(clebsch_gordan(2, 1, 3, 1, 1, 2))


def test_table_is_read_only_and_cached():
    table = wigner_3j_table(3)
    assert table is wigner_3j_table(3)
    with pytest.raises(ValueError):
        table.values[0] = 1.0


def test_lookup_errors():
    table = wigner_3j_table(4)
    with pytest.raises(ValueError, match="l1 must be <= lmax = 4"):
        table(5, 1, 4, 0, 0, 0)
    with pytest.raises(ValueError, match=r"\|m2\| must be <= l2"):
        table(2, 1, 2, 0, 2, 0)
    with pytest.raises(ValueError, match="lmax must be non-negative"):
        wigner_3j_table(-1)


def test_table_keys_cover_the_selection_rules():
    keys = wigner_3j_table(5).keys.astype(int)
    assert np.all(keys[:, 3] + keys[:, 4] + keys[:, 5] == 0)
    assert np.all(np.abs(keys[:, 3:]) <= keys[:, :3])
    cg_keys = clebsch_gordan_table(5).keys.astype(int)
    assert np.all(cg_keys[:, 3] + cg_keys[:, 4] == cg_keys[:, 5])


@pytest.mark.parametrize("kind", ["3j", "cg"])
def test_complete_table_is_correctly_rounded_at_lmax_10(kind):
    table = TABLES[kind](10)
    _assert_correctly_rounded(kind, table.keys, table.values)


@pytest.mark.parametrize("kind", ["3j", "cg"])
def test_half_ulp_guarantee_on_the_complete_table_at_lmax_6(kind):
    table = TABLES[kind](6)
    _assert_within_half_ulp(kind, table.keys, table.values)


@pytest.mark.parametrize("kind", ["3j", "cg"])
def test_large_sample_at_lmax_20_is_correctly_rounded(kind):
    table = TABLES[kind](20)
    assert len(table) == 1_840_167
    sample = np.random.default_rng(20).choice(len(table), 20_000, replace=False)
    _assert_correctly_rounded(kind, table.keys[sample], table.values[sample])
    _assert_within_half_ulp(kind, table.keys[sample[:2000]], table.values[sample[:2000]])


@pytest.mark.parametrize("kind", ["3j", "cg"])
def test_vanishing_entries_are_exact_positive_zeros(kind):
    table = TABLES[kind](8)
    keys = table.keys.astype(int)
    zero = table.values == 0.0
    assert not np.any(np.signbit(table.values[zero]))
    odd_all_m_zero = (keys[:, :3].sum(axis=1) % 2 == 1) & np.all(keys[:, 3:] == 0, axis=1)
    assert np.all(zero[odd_all_m_zero]) and np.count_nonzero(odd_all_m_zero) > 0
    accidental = np.flatnonzero(zero & ~odd_all_m_zero)  # zeros of the Racah sum itself
    assert len(accidental) > 0
    if kind == "3j":
        assert table(3, 2, 3, 2, 0, -2) == 0.0 and not wigner_3j(3, 2, 3, 2, 0, -2)
    assert all(_exact_square(kind, tuple(keys[i]))[0] == 0 for i in accidental)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda t: t.block(1, 1, 3), "violates the triangle rule"),
        (lambda t: t.block(3, 2, 5), "l3 must be <= lmax = 4"),
        (lambda t: t.block(-1, 1, 1), "l1 must be non-negative"),
        (lambda t: t.block(1.5, 1, 1), "l1 must be an integer degree"),
    ],
)
def test_block_refuses_a_triple_the_table_does_not_hold(call, match):
    with pytest.raises(ValueError, match=match):
        call(wigner_3j_table(4))


@pytest.mark.parametrize("build", [wigner_3j_table, clebsch_gordan_table])
def test_table_degree_is_limited_before_building(build):
    with pytest.raises(ValueError, match=r"lmax must be <= 32 \(a table's size grows like lmax⁶\), got 33"):
        build(33)
