"""Exact complex and real Gaunt coefficients against sympy and the 3j closed form."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import pytest
import sympy
from sympy.physics import wigner as sympy_wigner

from assay.core.exact import SqrtRational
from assay.properties.so3.coupling_checks import gaunt_quadrature_error
from assay.reference.so3.coupling import wigner_3j
from assay.reference.so3.gaunt import gaunt, real_gaunt
from assay.reference.so3.harmonics import spherical_harmonics_numpy


def orders(l):
    return range(-l, l + 1)


def all_arguments(lmax):
    for l1, l2, l3 in itertools.product(range(lmax + 1), repeat=3):
        for m1, m2, m3 in itertools.product(orders(l1), orders(l2), orders(l3)):
            yield l1, l2, l3, m1, m2, m3


def test_gaunt_matches_sympy_for_every_argument_up_to_l_3():
    for args in all_arguments(3):
        expected = sympy_wigner.gaunt(*args)
        assert sympy.simplify(gaunt(*args).to_sympy() - expected) == 0, args


def test_real_gaunt_matches_sympy_for_every_argument_up_to_l_3():
    # sympy >= 1.13.3 carries the sign fix of sympy issue 25321
    for args in all_arguments(3):
        expected = sympy_wigner.real_gaunt(*args)
        assert sympy.simplify(real_gaunt(*args).to_sympy() - expected) == 0, args


def test_gaunt_closed_form_and_form_of_the_value():
    rng = random.Random(3)
    for _ in range(200):
        l1, l2 = rng.randint(0, 12), rng.randint(0, 12)
        l3 = rng.randrange(abs(l1 - l2), l1 + l2 + 1)
        m1, m2 = rng.randint(-l1, l1), rng.randint(-l2, l2)
        m3 = -m1 - m2
        if abs(m3) > l3:
            continue
        value = gaunt(l1, l2, l3, m1, m2, m3)
        expected = (SqrtRational.sqrt(Fraction((2 * l1 + 1) * (2 * l2 + 1) * (2 * l3 + 1), 4), -1)
                    * wigner_3j(l1, l2, l3, 0, 0, 0) * wigner_3j(l1, l2, l3, m1, m2, m3))
        assert value == expected
        assert value.pi_power in (0, -1)  # ±√(p/q)/√π, or exact zero


def test_selection_rules_give_exact_zero():
    assert gaunt(1, 1, 1, 0, 0, 0).is_zero()  # odd l1+l2+l3
    assert gaunt(1, 1, 4, 0, 0, 0).is_zero()  # triangle
    assert gaunt(2, 2, 2, 1, 1, 0).is_zero()  # m1+m2+m3 != 0
    assert real_gaunt(1, 1, 1, 1, -1, 0).is_zero()  # odd: no (1,1,1) path
    assert real_gaunt(2, 2, 2, 1, 1, 1).is_zero()  # |m| cannot be signed to sum to zero
    assert float(real_gaunt(2, 2, 2, -2, 1, 1)) == 0.0


QUADRATURE = 4e-15  # float64 nodes and harmonics: the quadrature itself is exact for these degrees


@pytest.mark.parametrize("triple", [(2, 2, 4), (1, 2, 3), (3, 3, 2), (4, 3, 5), (2, 2, 2), (5, 5, 6)])
def test_gaunt_equals_the_integral_of_three_harmonics(triple):
    # independent of sympy: catches the negative-m sign error sympy's real_gaunt had until late 2024
    def real_z(l, xyz):
        return spherical_harmonics_numpy(l, xyz, basis="real")

    def real_y(l, xyz):
        return spherical_harmonics_numpy(l, xyz, basis="real", polar_axis="y")

    def complex_z(l, xyz):
        return spherical_harmonics_numpy(l, xyz, basis="complex")

    assert gaunt_quadrature_error(real_gaunt, real_z, *triple) < QUADRATURE
    assert gaunt_quadrature_error(real_gaunt, real_y, *triple) < QUADRATURE  # same coefficients in e3nn's basis
    assert gaunt_quadrature_error(gaunt, complex_z, *triple) < QUADRATURE

    def sign_flipped(l1, l2, l3, m1, m2, m3):
        value = real_gaunt(l1, l2, l3, m1, m2, m3)
        return -value if m1 < 0 <= m2 else value

    if any(real_gaunt(*triple, m1, m2, m3) for m1 in range(-triple[0], 0) for m2 in range(triple[1] + 1)
           for m3 in range(-triple[2], triple[2] + 1)):
        assert gaunt_quadrature_error(sign_flipped, real_z, *triple) > 0.01


def test_real_gaunt_is_symmetric_under_permutations():
    rng = random.Random(5)
    for _ in range(100):
        ls = [rng.randint(0, 6) for _ in range(3)]
        ms = [rng.randint(-l, l) for l in ls]
        value = real_gaunt(*ls, *ms)
        for order in itertools.permutations(range(3)):
            assert real_gaunt(*(ls[i] for i in order), *(ms[i] for i in order)) == value


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((1, 1, 1, 2, 0, 0), ValueError, r"\|m1\| must be <= l1 = 1"),
        ((-1, 1, 1, 0, 0, 0), ValueError, "l1 must be non-negative"),
        ((Fraction(1, 2), 1, 1, 0, 0, 0), ValueError, "l1 must be an integer degree"),
        ((1, 1, 1, 0, 0, "0"), TypeError, "m3"),
    ],
)
def test_invalid_input(args, error, message):
    with pytest.raises(error, match=message):
        gaunt(*args)
    with pytest.raises(error, match=message):
        real_gaunt(*args)
