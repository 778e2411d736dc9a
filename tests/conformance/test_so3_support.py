"""Helpers of the so3 chapters: exact conversion of peer values and convention conversion of the references."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy

from assay.conformance.so3.support import (
    exact_or_none,
    from_default_real,
    measure_scalars,
    reference_coupling_tensor,
    reference_sh_block,
    to_default_real,
)
from assay.core.exact import SqrtRational
from assay.reference.so3.gaunt import real_gaunt


def test_sympy_values_become_exact():
    assert exact_or_none(sympy.sqrt(sympy.Rational(2, 15))) == SqrtRational.sqrt(Fraction(2, 15))
    assert exact_or_none(-sympy.sqrt(15) / (10 * sympy.sqrt(sympy.pi))) == -real_gaunt(1, 1, 2, -1, 1, -2)
    assert exact_or_none(sympy.Integer(0)) == SqrtRational.zero()
    assert exact_or_none(Fraction(-1, 2)) == SqrtRational.from_rational(Fraction(-1, 2))
    assert exact_or_none(0.5) is None and exact_or_none(np.float64(0.5)) is None


def test_values_of_another_form_are_refused():
    with pytest.raises(TypeError, match="not of the form"):
        exact_or_none(sympy.sqrt(2) + 1)


def test_a_sign_error_is_measured_as_a_huge_ulp_error_and_exact_equality_as_zero():
    exact = real_gaunt(1, 1, 2, -1, 1, -2)
    summary, contract = measure_scalars("so3.real_gaunt", "value", [(1,), (2,)], [exact, -exact], [exact, exact],
                                        "float64")
    assert contract.dtype == "exact" and contract.bound == 0
    assert summary.worst_index == (1,) and summary.max > 1e15
    float_summary, float_contract = measure_scalars("so3.real_gaunt", "value", [(1,)], [float(exact)], [exact],
                                                    "float64")
    assert float_contract.dtype == "float64" and float_summary.max <= 0.5


def test_descending_order_and_no_phase_are_applied_to_references():
    default = {"so3.basis": "real"}
    other = {"so3.basis": "real", "so3.m_order": "descending", "so3.phase": "none"}
    point = np.array([[0.3, -0.5, 0.81]]) / np.linalg.norm([0.3, -0.5, 0.81])
    a, b = reference_sh_block(2, point, default)[0], reference_sh_block(2, point, other)[0]
    signs = np.array([1.0, -1.0, 1.0, -1.0, 1.0])  # (−1)^m for m = −2..2
    np.testing.assert_array_equal(b, (signs * a)[::-1])
    c_default = reference_coupling_tensor(1, 1, 2, default)
    c_other = reference_coupling_tensor(1, 1, 2, other)
    s1, s2 = np.array([-1.0, 1.0, -1.0]), signs
    np.testing.assert_array_equal(c_other, np.einsum("i,j,k,ijk->ijk", s1, s1, s2, c_default)[::-1, ::-1, ::-1])


def test_vector_conversion_round_trips():
    conventions = {"so3.m_order": "descending", "so3.phase": "none"}
    x = np.arange(16, dtype=np.float64)
    np.testing.assert_array_equal(from_default_real(to_default_real(x, 3, conventions), 3, conventions), x)
