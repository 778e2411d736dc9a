"""SqrtRational: exact arithmetic, canonical equality, and correctly rounded float conversion."""

from __future__ import annotations

import math
import random
from fractions import Fraction

import mpmath
import pytest
from hypothesis import given
from hypothesis import strategies as st

from assay.core.exact import SqrtRational, correctly_rounded_sqrt


def nearest_double(value: mpmath.mpf) -> float:
    """The double nearest to an mpmath value, via Python's correctly rounded int/int division (no mpmath rounding)."""
    negative, mantissa, exponent, _ = mpmath.mpf(value)._mpf_
    exact = Fraction(int(mantissa)) * Fraction(2) ** int(exponent)
    return float(-exact if negative else exact)


positive_ints = st.integers(min_value=1, max_value=10**80)


@given(positive_ints, positive_ints)
def test_correctly_rounded_sqrt_matches_the_nearest_double_of_a_60_digit_value(numerator, denominator):
    with mpmath.workdps(60):
        reference = mpmath.sqrt(mpmath.mpf(numerator) / denominator)
        assert correctly_rounded_sqrt(numerator, denominator) == nearest_double(reference)


@pytest.mark.parametrize("seed", range(4))
def test_exact_ties_round_half_to_even(seed):
    # √x exactly halfway between two doubles: x = (d + ulp(d)/2)² is rational, so the tie is exact.
    rng = random.Random(seed)
    for _ in range(500):
        double = rng.uniform(0.5, 4.0)
        halfway = Fraction(double) + Fraction(math.ulp(double)) / 2
        square = halfway * halfway
        below, above = double, math.nextafter(double, math.inf)
        even = below if _last_mantissa_bit(below) == 0 else above
        assert correctly_rounded_sqrt(square.numerator, square.denominator) == even


def _last_mantissa_bit(value: float) -> int:
    mantissa, _ = math.frexp(value)
    return int(mantissa * 2**53) & 1


@pytest.mark.parametrize("root", [0, 1, 2, 3, 12345678901234567])
def test_perfect_squares_are_exact(root):
    assert correctly_rounded_sqrt(root * root) == float(root)


def test_float_with_pi_factor_is_correctly_rounded():
    rng = random.Random(7)
    for _ in range(300):
        square = Fraction(rng.randint(1, 10**30), rng.randint(1, 10**30))
        power = rng.choice([-3, -2, -1, 1, 2, 3])
        value = SqrtRational.sqrt(square, power)
        with mpmath.workdps(60):
            root = mpmath.sqrt(mpmath.mpf(square.numerator) / square.denominator)
            reference = root * mpmath.pi ** (mpmath.mpf(power) / 2)
        assert float(value) == nearest_double(reference)
        assert float(-value) == -nearest_double(reference)


def test_arithmetic_is_exact():
    half = SqrtRational.sqrt(Fraction(1, 2))
    assert half * half == Fraction(1, 2)
    assert half + half == SqrtRational.sqrt(2)
    assert half - half == 0
    assert (half + SqrtRational.sqrt(Fraction(9, 2))) == SqrtRational.sqrt(8)
    assert half / half == 1
    assert (half**2) == Fraction(1, 2)
    assert -half < 0 < half
    gaunt_like = SqrtRational.sqrt(Fraction(5, 4), -1)
    assert gaunt_like * SqrtRational.sqrt(1, 1) == SqrtRational.sqrt(Fraction(5, 4))
    assert gaunt_like < half  # 0.6308 < 0.7071, compared exactly across different powers of π
    assert hash(SqrtRational.sqrt(4)) == hash(2)


def test_sum_of_unlike_radicals_is_refused():
    with pytest.raises(ValueError, match="radicals differ"):
        SqrtRational.sqrt(2) + SqrtRational.sqrt(3)
    with pytest.raises(ValueError, match="radicals differ"):
        SqrtRational.sqrt(2) + SqrtRational.sqrt(2, 1)


def test_conversions():
    value = SqrtRational(-1, Fraction(3, 35))
    assert str(value.to_sympy()) == "-sqrt(105)/35"
    with mpmath.workdps(40):
        assert abs(value.to_mpmath(40) + mpmath.sqrt(mpmath.mpf(3) / 35)) < mpmath.mpf(10) ** -39
    assert str(value) == "-√(3/35)"
    assert float(SqrtRational.zero()) == 0.0 and not SqrtRational.zero()


def test_invalid_construction():
    with pytest.raises(ValueError, match="sign"):
        SqrtRational(2, 1)
    with pytest.raises(ValueError, match="square"):
        SqrtRational(1, -1)
    with pytest.raises(ValueError, match="numerator"):
        correctly_rounded_sqrt(-1, 1)
    with pytest.raises(ZeroDivisionError):
        SqrtRational.sqrt(2) / SqrtRational.zero()
