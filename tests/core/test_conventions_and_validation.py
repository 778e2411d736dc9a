"""The convention registry and the shared argument checks."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy

from assay.core import conventions
from assay.core.validation import as_degree, as_order, as_twice_half_integer, check_dps, check_finite
from assay.reference.so3 import conventions as so3_conventions  # noqa: F401 - registers the so3 conventions


def test_so3_conventions_resolve_aliases():
    assert conventions.resolve("so3.normalization", "Schmidt") == "norm"
    assert conventions.resolve("so3.normalization", "racah") == "norm"
    assert conventions.resolve("so3.normalization", "4pi") == "component"
    assert conventions.resolve("so3.coupling", "cuequivariance") == "cg"
    assert conventions.resolve("so3.basis", "wikipedia") == "real"
    assert conventions.default("so3.polar_axis").name == "z"
    assert "formula" not in conventions.get("so3.euler", "zyz").formula  # a formula, not a placeholder
    assert conventions.get("so3.euler", "zyz").formula.startswith("R = R_z")


def test_unknown_convention_lists_the_choices():
    with pytest.raises(ValueError, match=r"normalization must be one of .*'integral'"):
        conventions.resolve("so3.normalization", "orthogonal", "normalization")
    with pytest.raises(TypeError, match="normalization must be a str"):
        conventions.resolve("so3.normalization", 3, "normalization")
    with pytest.raises(ValueError, match="unknown convention kind"):
        conventions.names("no.such.kind")


def test_conflicting_registration_is_refused():
    with pytest.raises(ValueError, match="already"):
        conventions.register(conventions.Convention("so3.basis", "complex", "x", "different"))


@pytest.mark.parametrize(
    ("value", "twice"),
    [(3, 6), (np.int64(2), 4), (Fraction(3, 2), 3), (0.5, 1), (sympy.Rational(5, 2), 5), (sympy.Integer(4), 8)],
)
def test_half_integers_are_accepted(value, twice):
    assert as_twice_half_integer(value, "j") == twice


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (True, TypeError, "j must be a number, not a bool"),
        ("1", TypeError, "j must be an integer or half-integer"),
        (0.3, ValueError, "j must be an integer or a half-integer"),
        (float("nan"), ValueError, "j must be finite"),
        (Fraction(1, 3), ValueError, "half-integer"),
    ],
)
def test_bad_spins_are_refused(value, error, message):
    with pytest.raises(error, match=message):
        as_twice_half_integer(value, "j")


def test_degree_and_order_rules():
    assert as_degree(4) == 4
    with pytest.raises(ValueError, match="l must be non-negative"):
        as_degree(-1)
    with pytest.raises(ValueError, match="l must be an integer degree"):
        as_degree(Fraction(1, 2))
    with pytest.raises(ValueError, match=r"\|m\| must be <= l = 2"):
        as_order(3, 2)
    with pytest.raises(ValueError, match="dps must be >= 1"):
        check_dps(0)
    with pytest.raises(TypeError, match="dps must be an int"):
        check_dps(2.5)
    with pytest.raises(ValueError, match="theta must be finite"):
        check_finite([0.0, float("nan")], "theta")
