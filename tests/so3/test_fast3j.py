"""The fast table path: double-double building blocks, the error bound it proves, Ziv's test and its exact fallback."""

from __future__ import annotations

import math
import random
from fractions import Fraction

import numpy as np
import pytest

from assay.reference.so3 import _double_double as dd
from assay.reference.so3 import _fast3j as fast
from assay.reference.so3._table_layout import Symmetry, table_layout
from assay.reference.so3.coupling import three_j_squared

U = dd.UNIT_ROUNDOFF


def _exact(x: float, y: float = 0.0) -> Fraction:
    return Fraction(x) + Fraction(y)


# --- double-double building blocks ---------------------------------------------------------------------------------

def _random_doubles(rng: np.random.Generator, size: int) -> np.ndarray:
    return rng.uniform(0.5, 1.0, size) * np.exp2(rng.integers(-60, 60, size)) * rng.choice([-1.0, 1.0], size)


def test_two_prod_is_exact():
    rng = np.random.default_rng(1)
    a, b = _random_doubles(rng, 2000), _random_doubles(rng, 2000)
    p, e = dd.two_prod(a, b)
    for x, y, hi, lo in zip(a.tolist(), b.tolist(), p.tolist(), e.tolist()):
        assert Fraction(x) * Fraction(y) == _exact(hi, lo)


def _random_double_doubles(rng: np.random.Generator, size: int) -> tuple[np.ndarray, np.ndarray]:
    hi = _random_doubles(rng, size)
    lo = hi * rng.uniform(-U, U, size)  # |lo| ≤ ulp(hi)/2
    return hi + lo, lo - ((hi + lo) - hi)  # renormalized


def test_double_double_product_is_within_seven_u_squared():
    rng = np.random.default_rng(2)
    x_hi, x_lo = _random_double_doubles(rng, 3000)
    y_hi, y_lo = _random_double_doubles(rng, 3000)
    z_hi, z_lo = dd.mul(x_hi, x_lo, y_hi, y_lo)
    worst = Fraction(0)
    for xh, xl, yh, yl, zh, zl in zip(*(a.tolist() for a in (x_hi, x_lo, y_hi, y_lo, z_hi, z_lo))):
        exact = _exact(xh, xl) * _exact(yh, yl)
        worst = max(worst, abs((_exact(zh, zl) - exact) / exact))
        assert abs(zl) <= math.ulp(zh) / 2  # normalized output
    assert worst <= 7 * Fraction(U) ** 2
    assert worst > Fraction(U) ** 3  # the check sees the rounding at all


@pytest.mark.parametrize(("numerator", "denominator"), [(1, 3), (2, 1), (7, 137846528820), (10**40 + 7, 3**50), (4, 9)])
def test_sqrt_ratio_bound_and_normalization(numerator, denominator):
    hi, lo = dd.sqrt_ratio(numerator, denominator)
    assert hi == math.sqrt(numerator / denominator) or abs(hi - math.sqrt(numerator / denominator)) <= math.ulp(hi)
    assert abs(lo) <= math.ulp(hi) / 2
    approx = _exact(hi, lo)
    exact_square = Fraction(numerator, denominator)
    bound = Fraction(U) ** 2 * (1 + Fraction(1, 512))
    assert (approx * (1 - bound)) ** 2 <= exact_square <= (approx * (1 + bound)) ** 2
    with pytest.raises(ValueError, match="numerator > 0"):
        dd.sqrt_ratio(0, 1)


def test_round_or_defer_decides_only_provable_roundings():
    half_up = 2.0**-53  # ulp(1)/2 above 1.0
    half_down = 2.0**-54  # below 1.0 the doubles are twice as dense
    hi = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.5, np.inf, np.nan, 0.0])
    lo = np.array([2.0**-60, half_up, half_up - 2.0**-100, -half_down, -(half_down - 2.0**-80), -2.0**-56,
                   -2.0**-53 + 2.0**-80, 0.0, 0.0, 0.0])
    decided = dd.round_or_defer(hi, lo, 2.0**-90)
    assert decided.tolist() == [True, False, False, False, True, True, True, False, False, False]
    # a larger bound defers a value the small one decides
    assert dd.round_or_defer(np.array([1.0]), np.array([2.0**-60]), 2.0**-55)[0]
    assert not dd.round_or_defer(np.array([1.0]), np.array([2.0**-60]), 2.0**-54)[0]


# --- the exact integer sum and the proven bound ---------------------------------------------------------------------

def _racah_reference(l1: int, l2: int, l3: int, m1: int, m2: int) -> int:
    def binomial(n: int, r: int) -> int:
        return math.comb(n, r) if 0 <= r <= n else 0

    return sum((-1) ** k * binomial(l1 + l2 - l3, k) * binomial(l1 - l2 + l3, l1 - m1 - k)
               * binomial(-l1 + l2 + l3, l2 + m2 - k) for k in range(l1 + l2 - l3 + 1))


@pytest.mark.parametrize("lmax", [12, 45])  # int64 (J ≤ 62) and Python integers (J up to 135)
def test_racah_sums_are_exact(lmax):
    rng = random.Random(lmax)
    symbols = []
    while len(symbols) < 400:
        l1, l2 = rng.randint(0, lmax), rng.randint(0, lmax)
        l3 = rng.randint(abs(l1 - l2), min(l1 + l2, lmax))
        m1 = rng.randint(-l1, l1)
        low, high = max(-l2, -l3 - m1), min(l2, l3 - m1)
        if low <= high:
            symbols.append((l1, l2, l3, m1, rng.randint(low, high)))
    columns = [np.array(c, dtype=np.int64) for c in zip(*symbols)]
    sums = fast.racah_sums(*columns)
    assert sums.dtype == (np.int64 if lmax <= 20 else object)
    assert [int(t) for t in sums] == [_racah_reference(*s) for s in symbols]


def test_racah_double_doubles_across_the_int64_limit():
    # J from 30 to 90: exact int64 sums below J = 63, Python integers above (lo rounded once, ≤ u²)
    symbols = [(l, l, l, m, -m) for l in range(10, 31) for m in (0, 1, l // 2)]
    columns = [np.array(c, dtype=np.int64) for c in zip(*symbols)]
    hi, lo, negative, zero = fast._racah_double_double(*columns)
    for (l1, l2, l3, m1, m2), h, low, neg, z in zip(symbols, hi.tolist(), lo.tolist(), negative, zero):
        exact = _racah_reference(l1, l2, l3, m1, m2)
        assert z == (exact == 0) and neg == (exact < 0)
        if exact:
            error = abs(_exact(h, low) - abs(exact))
            assert error == 0 if l1 + l2 + l3 <= 62 else error <= Fraction(U) ** 2 * abs(exact)


@pytest.mark.parametrize("kind", ["3j", "cg"])
def test_all_three_routes_for_the_racah_sum_agree(kind, monkeypatch):
    # lowered limits: int64 for J ≤ 8, Python integers with a double-double for 8 < J ≤ 12, exact-only above
    expected = fast.coupling_values(6, kind).values
    monkeypatch.setattr(fast, "_INT64_MAX_J", 8)
    monkeypatch.setattr(fast, "_FAST_MAX_J", 12)
    built = fast.coupling_values(6, kind)
    assert np.array_equal(built.values, expected)
    assert np.array_equal(np.signbit(built.values), np.signbit(expected))
    symbols = fast.canonical_symbols(6)
    beyond = symbols.l1 + symbols.l2 + symbols.l3 > 12
    assert np.array_equal(np.isnan(symbols.hi), beyond)
    if kind == "3j":  # every nonzero symbol beyond J = 12 went to the exact path, and nothing else did
        assert built.fallbacks == np.count_nonzero(beyond & ~symbols.zero) > 0


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["3j", "cg"])
def test_triples_beyond_the_int64_limit_end_to_end(kind):
    from assay.reference.so3.coupling import clebsch_gordan, wigner_3j

    exact_of = wigner_3j if kind == "3j" else clebsch_gordan
    built = fast.coupling_values(21, kind)
    keys = built.keys.astype(int)
    beyond = np.flatnonzero(keys[:, :3].sum(axis=1) > 62)
    assert len(beyond) > 1000
    for i in beyond.tolist():
        assert built.values[i] == float(exact_of(*keys[i].tolist()))


def _within(approx: Fraction, exact_square: Fraction, bound: Fraction) -> bool:
    return (approx * (1 - bound)) ** 2 <= exact_square <= (approx * (1 + bound)) ** 2


def test_double_double_magnitudes_respect_the_proven_bound():
    symbols = fast.canonical_symbols(12)
    s_hi, s_lo = zip(*(dd.sqrt_ratio(2 * l + 1, 1) for l in range(13)))
    cg_hi, cg_lo = dd.mul(symbols.hi, symbols.lo, np.array(s_hi)[symbols.l3], np.array(s_lo)[symbols.l3])
    bound_3j, bound_cg = Fraction(fast.ANALYTIC_BOUND_3J), Fraction(fast.ANALYTIC_BOUND_CG)
    assert bound_3j * 1000 < fast.ERROR_BOUND and bound_cg * 1000 < fast.ERROR_BOUND
    worst = Fraction(0)
    columns = (symbols.l1, symbols.l2, symbols.l3, symbols.m1, symbols.m2, symbols.hi, symbols.lo, cg_hi, cg_lo,
               symbols.negative, symbols.zero)
    for l1, l2, l3, m1, m2, hi, lo, chi, clo, negative, zero in zip(*(c.tolist() for c in columns)):
        sign, numerator, denominator = three_j_squared(2 * l1, 2 * l2, 2 * l3, 2 * m1, 2 * m2, -2 * (m1 + m2))
        assert zero == (sign == 0)
        if sign == 0:
            continue
        assert negative == (sign < 0)
        square = Fraction(numerator, denominator)
        assert _within(_exact(hi, lo), square, bound_3j)
        assert _within(_exact(chi, clo), square * (2 * l3 + 1), bound_cg)
        worst = max(worst, abs(_exact(hi, lo) ** 2 / square - 1) / 2)
    assert Fraction(U) ** 3 < worst < bound_3j


# --- Ziv's strategy: the fallback ------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["3j", "cg"])
def test_fallback_rounds_exactly_what_a_loose_bound_leaves_undecided(kind):
    normal = fast.coupling_values(10, kind)
    assert normal.fallbacks == 0  # with the real bound the exact path is not needed at this size
    loose = fast.coupling_values(10, kind, bound=2.0**-58)
    assert 50 < loose.fallbacks < len(loose.values) // 4
    assert np.array_equal(loose.values, normal.values)
    assert np.array_equal(np.signbit(loose.values), np.signbit(normal.values))


@pytest.mark.parametrize("kind", ["3j", "cg"])
def test_fallback_alone_gives_the_same_table(kind):
    # bound 1: no double-double value is trusted; every computed value that is not an exact zero is rounded exactly
    everything = fast.coupling_values(6, kind, bound=1.0)
    layout = table_layout(6)
    entries = Symmetry(layout, kind).canonical_entries()
    computed = list(zip(*(c.tolist() for c in fast._entry_columns(layout, entries))))
    nonzero = sum(three_j_squared(2 * l1, 2 * l2, 2 * l3, 2 * m1, 2 * m2, -2 * (m1 + m2))[0] != 0
                  for l1, l2, l3, m1, m2 in computed)
    assert 0 < nonzero < len(computed)  # some zeros (odd l1+l2+l3 with m = 0) are never sent to the fallback
    assert everything.fallbacks == nonzero
    assert np.array_equal(everything.values, fast.coupling_values(6, kind).values)


def test_only_a_fraction_of_the_table_is_computed():
    layout = table_layout(20)
    size = layout.size
    assert size == 1_840_167
    assert len(Symmetry(layout, "3j").canonical_entries().m2) < size / 9  # about a twelfth
    assert len(Symmetry(layout, "cg").canonical_entries().m2) < size / 3.5  # about a quarter


def test_bad_arguments():
    with pytest.raises(ValueError, match="kind must be '3j' or 'cg'"):
        fast.coupling_values(2, "gaunt")
    with pytest.raises(ValueError, match="bound must be a power of two"):
        fast.coupling_values(2, "3j", bound=3e-20)
    with pytest.raises(ValueError, match="bound must be a power of two"):
        fast.coupling_values(2, "3j", bound=2.0**-100)
    with pytest.raises(ValueError, match="group must be '3j' or 'cg'"):
        Symmetry(table_layout(2), "real")
