"""Exact 3j symbols and Clebsch–Gordan coefficients against sympy, textbook values, symmetries and correct rounding."""

from __future__ import annotations

import random
from fractions import Fraction

import mpmath
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st
from sympy.physics import wigner as sympy_wigner

from assay.core.exact import SqrtRational
from assay.properties.so3.coupling_checks import (
    cg_completeness_error,
    cg_orthogonality_error,
    three_j_symmetry_error,
)
from assay.reference.so3 import coupling
from assay.reference.so3.coupling import clebsch_gordan, wigner_3j

EXACT = 1e-45  # what the 50-digit property checks report for an exact implementation


def random_symbol(rng: random.Random, twice_max: int, integer: bool = False):
    """Doubled (j1, j2, j3, m1, m2, m3) of an allowed 3j symbol (triangle, Σm = 0, |m| ≤ j)."""
    while True:
        step = 2 if integer else 1
        tj1, tj2 = rng.randrange(0, twice_max + 1, step), rng.randrange(0, twice_max + 1, step)
        tj3 = rng.randrange(abs(tj1 - tj2), tj1 + tj2 + 1, 2)
        tm1, tm2 = rng.randrange(-tj1, tj1 + 1, 2), rng.randrange(-tj2, tj2 + 1, 2)
        tm3 = -tm1 - tm2
        if abs(tm3) <= tj3:
            return tj1, tj2, tj3, tm1, tm2, tm3


def halves(values):
    return [sympy.Rational(v, 2) for v in values]


def test_agrees_with_sympy_exactly_integer_and_half_integer():
    rng = random.Random(20261128)
    for _ in range(300):
        args = halves(random_symbol(rng, 14))
        ours = wigner_3j(*args).to_sympy()
        assert sympy.simplify(ours - sympy_wigner.wigner_3j(*args)) == 0, args
        j1, j2, j3, m1, m2, m3 = args
        ours_cg = clebsch_gordan(j1, j2, j3, m1, m2, -m3).to_sympy()
        assert sympy.simplify(ours_cg - sympy_wigner.clebsch_gordan(j1, j2, j3, m1, m2, -m3)) == 0, args


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((1, 1, 1, 0, 0, 0), SqrtRational.zero()),
        ((2, 2, 2, 0, 0, 0), SqrtRational(-1, Fraction(2, 35))),
        ((1, 1, 0, 1, -1, 0), SqrtRational.sqrt(Fraction(1, 3))),
        ((Fraction(1, 2), Fraction(1, 2), 1, Fraction(1, 2), Fraction(-1, 2), 0), SqrtRational.sqrt(Fraction(1, 6))),
    ],
)
def test_textbook_3j_values(args, expected):
    assert wigner_3j(*args) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((Fraction(1, 2), Fraction(1, 2), 1, Fraction(1, 2), Fraction(-1, 2), 0), SqrtRational.sqrt(Fraction(1, 2))),
        ((Fraction(1, 2), Fraction(1, 2), 0, Fraction(1, 2), Fraction(-1, 2), 0), SqrtRational.sqrt(Fraction(1, 2))),
        ((Fraction(1, 2), Fraction(1, 2), 0, Fraction(-1, 2), Fraction(1, 2), 0), SqrtRational(-1, Fraction(1, 2))),
        ((1, 1, 0, 1, -1, 0), SqrtRational.sqrt(Fraction(1, 3))),
        ((1, 1, 2, 1, 1, 2), SqrtRational.from_rational(1)),
    ],
)
def test_textbook_cg_values(args, expected):
    assert clebsch_gordan(*args) == expected


@pytest.mark.parametrize(
    "args",
    [(1, 1, 3, 0, 0, 0), (2, 2, 2, 1, 1, 1), (1, 1, 1, 0, 0, 0), (4, 1, 2, 0, 0, 0), (2, 1, 4, 0, 0, 0)],
)
def test_selection_rules_give_exact_zero(args):
    value = wigner_3j(*args)
    assert value == 0 and value.is_zero() and float(value) == 0.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((-1, 1, 1, 0, 0, 0), "j1 must be non-negative"),
        ((1, 1, 1, 2, 0, -2), r"\|m1\| must be <= j1"),
        ((1, Fraction(1, 2), Fraction(1, 2), 0, 0, 0), "j2 and m2 must both be integers or both half-integers"),
        ((Fraction(1, 3), 1, 1, 0, 0, 0), "j1 must be an integer or a half-integer"),
        ((1, 1, 1, 0.25, 0, 0), "m1 must be an integer or a half-integer"),
    ],
)
def test_invalid_input_names_the_argument(args, message):
    with pytest.raises(ValueError, match=message):
        wigner_3j(*args)
    with pytest.raises(ValueError, match=message):
        clebsch_gordan(*args)


def test_non_numbers_are_type_errors():
    with pytest.raises(TypeError, match="j1"):
        wigner_3j("1", 1, 1, 0, 0, 0)
    with pytest.raises(TypeError, match="m3"):
        clebsch_gordan(1, 1, 1, 0, 0, True)


def nearest_double(value) -> float:
    """The double nearest to an mpmath value, by Python's correctly rounded Fraction → float."""
    negative, mantissa, exponent, _ = mpmath.mpf(value)._mpf_
    exact = Fraction(int(mantissa)) * Fraction(2) ** int(exponent)
    return float(-exact if negative else exact)


def test_float_is_correctly_rounded_for_thousands_of_symbols_up_to_l_60():
    rng = random.Random(60)
    for _ in range(3000):
        tj1, tj2, tj3, tm1, tm2, tm3 = random_symbol(rng, 120, integer=True)
        symbol = coupling.three_j_squared(tj1, tj2, tj3, tm1, tm2, tm3)
        value = wigner_3j(tj1 // 2, tj2 // 2, tj3 // 2, tm1 // 2, tm2 // 2, tm3 // 2)
        sign, numerator, denominator = symbol
        with mpmath.workdps(60):
            reference = sign * mpmath.sqrt(mpmath.mpf(numerator) / denominator) if sign else mpmath.mpf(0)
        assert float(value) == nearest_double(reference)


def test_large_l_values_agree_with_sympy():
    rng = random.Random(61)
    for _ in range(40):
        args = halves(random_symbol(rng, 120, integer=True))
        assert sympy.simplify(wigner_3j(*args).to_sympy() - sympy_wigner.wigner_3j(*args)) == 0


def test_qutip_cancellation_case_is_exact():
    # QuTiP's float CG returned 8986860 here; the exact value is tiny but well defined.
    value = clebsch_gordan(20, 20, 40, 0, 0, 0)
    expected = sympy_wigner.clebsch_gordan(20, 20, 40, 0, 0, 0)
    assert sympy.simplify(value.to_sympy() - expected) == 0
    assert float(value) == nearest_double(mpmath.mpf(str(expected.evalf(60))))
    assert 0 < float(value) < 1


spins = st.integers(min_value=0, max_value=9).map(lambda twice: Fraction(twice, 2))


@given(spins, spins)
def test_cg_orthogonality_and_completeness(j1, j2):
    assert cg_orthogonality_error(clebsch_gordan, j1, j2) < EXACT
    assert cg_completeness_error(clebsch_gordan, j1, j2) < EXACT


@given(st.randoms(use_true_random=False))
def test_all_72_symmetries_hold_exactly(rng):
    doubled = random_symbol(rng, 12)
    args = [Fraction(v, 2) for v in doubled]
    assert three_j_symmetry_error(wigner_3j, *args) == 0.0


def test_checks_catch_a_broken_implementation():
    def wrong_phase_3j(j1, j2, j3, m1, m2, m3):  # drops the (−1)^(j1+j2+j3) of odd permutations
        value = wigner_3j(j1, j2, j3, m1, m2, m3)
        return abs(value) if j1 >= j2 else value

    def wrong_norm_cg(j1, j2, j3, m1, m2, m3):  # forgets √(2J+1) for one J
        value = clebsch_gordan(j1, j2, j3, m1, m2, m3)
        return value * 2 if j3 == 1 else value

    assert three_j_symmetry_error(wrong_phase_3j, 2, 1, 1, 1, 0, -1) > 0.1
    assert cg_orthogonality_error(wrong_norm_cg, 1, 1) > 0.1
