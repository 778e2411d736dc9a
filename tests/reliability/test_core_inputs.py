"""Bad input to the shared number machinery (exact numbers, argument checks, error measures, FLOP counting).

:data:`REFUSED` rows ``(callable, args, kwargs, exception type, regex)``: the call raises exactly that type with a
message naming the argument and the rule (no empty ``ValueError``, no ``IndexError``/``AttributeError``).
:data:`ACCEPTED` rows: legitimate inputs (numpy integers, floats compared with exact values, empty arrays) with the
right answer. A new function is covered by adding a row.
"""

from __future__ import annotations

import math
import sys
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from assay.core import flops, validation
from assay.core.errors import ErrorSummary, relative_error, summarize, to_mpf, ulp_error, ulp_of
from assay.core.exact import MAX_PI_POWER, SqrtRational, correctly_rounded_sqrt, round_sqrt_pi_power

NAN = float("nan")
INF = float("inf")
ROOT_TWO = SqrtRational.sqrt(2)


def _row(call, args, kwargs, error, pattern, name):
    return pytest.param(call, args, kwargs, error, pattern, id=name)


REFUSED = [
    # SqrtRational
    _row(SqrtRational, (1, 2, 1.5), {}, TypeError, r"pi_power must be an int, got float", "sr-pi-power-float"),
    _row(SqrtRational, (1, NAN), {}, ValueError, r"square must be a finite rational number, got nan", "sr-nan"),
    _row(SqrtRational, (1, INF), {}, ValueError, r"square must be a finite rational number", "sr-inf"),
    _row(SqrtRational, (1, "2"), {}, TypeError, r"square must be a rational number", "sr-square-str"),
    _row(SqrtRational, (1, -1), {}, ValueError, r"square must be >= 0", "sr-negative"),
    _row(SqrtRational, (2, 1), {}, ValueError, r"sign must be -1, 0 or 1", "sr-sign"),
    _row(SqrtRational, (1.0, 2), {}, TypeError, r"sign must be an int, got float", "sr-sign-float"),
    _row(SqrtRational, (True, 2), {}, TypeError, r"sign must be an int, got a bool", "sr-sign-bool"),
    _row(SqrtRational.sqrt, (2, "1"), {}, TypeError, r"pi_power must be an int", "sr-sqrt-pi-str"),
    _row(SqrtRational.from_rational, (NAN,), {}, ValueError, r"value must be a finite rational number",
         "sr-from-rational-nan"),
    _row(SqrtRational.from_rational, (1j,), {}, TypeError, r"value must be a rational number", "sr-complex"),
    _row(ROOT_TWO.to_mpmath, (0,), {}, ValueError, r"dps must be >= 1", "sr-to-mpmath-0"),
    _row(ROOT_TWO.to_mpmath, (10**6,), {}, ValueError, r"dps must be <= 10000", "sr-to-mpmath-huge"),
    _row(ROOT_TWO.__pow__, (10**9,), {}, ValueError, r"exponent is too large: .* MAX_POWER_BITS", "sr-pow-huge"),
    _row(float, (SqrtRational(1, 10**5000),), {}, OverflowError, r"beyond the float64 range", "sr-float-overflow"),
    _row(float, (SqrtRational(1, 1, MAX_PI_POWER + 2),), {}, ValueError, r"pi_power must satisfy \|pi_power\| <=",
         "sr-float-pi-power"),
    # square roots
    _row(correctly_rounded_sqrt, (2.0,), {}, TypeError, r"numerator must be an int, got float", "crs-float"),
    _row(correctly_rounded_sqrt, (True,), {}, TypeError, r"numerator must be an int, got a bool", "crs-bool"),
    _row(correctly_rounded_sqrt, ("2",), {}, TypeError, r"numerator must be an int, got str", "crs-str"),
    _row(correctly_rounded_sqrt, (-2,), {}, ValueError, r"numerator must be >= 0", "crs-negative"),
    _row(correctly_rounded_sqrt, (2, 0), {}, ValueError, r"denominator must be > 0", "crs-zero-denominator"),
    _row(correctly_rounded_sqrt, (10**700,), {}, OverflowError, r"beyond the float64 range", "crs-overflow"),
    _row(round_sqrt_pi_power, (2, 1, 1.5), {}, TypeError, r"pi_power must be an int", "rspp-float"),
    _row(round_sqrt_pi_power, (2, 1, 10**6), {}, ValueError, r"\|pi_power\| <= 10000", "rspp-huge"),
    _row(round_sqrt_pi_power, (2, 1, 5000), {}, OverflowError, r"beyond the float64 range", "rspp-overflow"),
    _row(round_sqrt_pi_power, (2, -1, 1), {}, ValueError, r"denominator must be > 0", "rspp-denominator"),
    # argument checks
    _row(validation.as_tolerance, (NAN,), {}, ValueError, r"atol must be a finite tolerance >= 0", "tol-nan"),
    _row(validation.as_tolerance, (INF, "rtol"), {}, ValueError, r"rtol must be a finite tolerance", "tol-inf"),
    _row(validation.as_tolerance, (-1e-9,), {}, ValueError, r"atol must be >= 0", "tol-negative"),
    _row(validation.as_tolerance, ("1e-9",), {}, TypeError, r"atol must be a real number, got str", "tol-str"),
    _row(validation.as_tolerance, (None,), {}, TypeError, r"atol must be a real number, got NoneType", "tol-none"),
    _row(validation.as_tolerance, (True,), {}, TypeError, r"atol must be a number, not a bool", "tol-bool"),
    _row(validation.as_real, (1j, "scale"), {}, TypeError, r"scale must be a real number", "real-complex"),
    _row(validation.as_real, (NAN, "scale"), {}, ValueError, r"scale must be finite", "real-nan"),
    _row(validation.as_int, (2.0, "n"), {}, TypeError, r"n must be an int, got float", "int-float"),
    _row(validation.as_int, (-1, "n"), {"minimum": 0}, ValueError, r"n must be >= 0", "int-minimum"),
    _row(validation.as_int, (9, "n"), {"maximum": 8, "reason": "why"}, ValueError, r"n must be <= 8 \(why\), got 9",
         "int-maximum"),
    _row(validation.as_int, (1, "n"), {"minimum": 0.5}, TypeError, r"minimum must be an int or None", "int-bound"),
    _row(validation.check_size_limit, (3, "l", "2"), {}, TypeError, r"limit must be an int", "limit-type"),
    _row(validation.as_size_limited_degree, (5, "l", 4), {}, ValueError, r"l must be <= 4, got 5", "degree-limit"),
    _row(validation.as_degree, (INF,), {}, ValueError, r"l must be finite", "degree-inf"),
    _row(validation.as_degree, ("3",), {}, TypeError, r"l must be an integer or half-integer number", "degree-str"),
    _row(validation.as_order, (3, 2), {}, ValueError, r"\|m\| must be <= l = 2", "order"),
    _row(validation.as_order, (1, "2"), {}, TypeError, r"degree must be an int", "order-degree-type"),
    _row(validation.check_dps, (10**6,), {}, ValueError, r"dps must be <= 10000", "dps-huge"),
    _row(validation.check_dps, (3.0,), {}, TypeError, r"dps must be an int", "dps-float"),
    _row(validation.check_finite, (["a"], "theta"), {}, TypeError, r"theta must be numeric", "finite-str"),
    _row(validation.check_finite, ([0.0, NAN], "theta"), {}, ValueError, r"theta must be finite", "finite-nan"),
    _row(validation.as_float_tensor, ([1.0], "x"), {}, TypeError, r"x must be a torch.Tensor, got list",
         "tensor-list"),
    # error measures
    _row(ulp_of, (NAN,), {}, ValueError, r"value must be finite to have an ulp", "ulp-of-nan"),
    _row(ulp_of, (INF,), {}, ValueError, r"value must be finite to have an ulp", "ulp-of-inf"),
    _row(ulp_of, ("x",), {}, TypeError, r"value must be a real number, got str", "ulp-of-str"),
    _row(ulp_of, (None,), {}, TypeError, r"value must be a real number, got NoneType", "ulp-of-none"),
    _row(ulp_of, (1.0, "int8"), {}, TypeError, r"dtype must be float16, float32 or float64, got int8",
         "ulp-of-int-dtype"),
    _row(ulp_of, (1.0, "junk"), {}, TypeError, r"dtype must be float16, float32 or float64, got 'junk'",
         "ulp-of-junk-dtype"),
    _row(ulp_error, ([1.0], [NAN]), {}, ValueError, r"exact\[0\] must be finite", "ulp-error-exact-nan"),
    _row(ulp_error, ([1.0], [None]), {}, TypeError, r"exact\[0\] must be a real number", "ulp-error-exact-none"),
    _row(ulp_error, (["a"], [1.0]), {}, TypeError, r"actual must hold float16, float32 or float64 values",
         "ulp-error-str"),
    _row(ulp_error, ([1], [1]), {}, TypeError, r"actual must hold float16, float32 or float64 values, got int64 "
                                               r"\(pass dtype=", "ulp-error-int"),
    _row(ulp_error, ([1j], [1j]), {}, TypeError, r"actual must be real: ulp_error measures real values",
         "ulp-error-complex"),
    _row(ulp_error, (np.zeros(2), [0.0]), {}, ValueError, r"actual has shape \(2,\) but exact has shape \(1,\)",
         "ulp-error-shape"),
    _row(summarize, ([1.0, 2.0], "ulp"), {"inputs": ["a"]}, ValueError,
         r"inputs must have one entry per error: 2 expected, got 1", "summarize-inputs"),
    _row(summarize, ([1.0, 2.0], "ulp"), {"actual": [1.0]}, ValueError,
         r"actual must have one entry per error: 2 expected, got 1", "summarize-actual"),
    _row(summarize, ([1.0], "ulp"), {"expected": "abc"}, TypeError, r"expected must be a sequence",
         "summarize-expected-str"),
    _row(summarize, (["a"], "ulp"), {}, TypeError, r"errors must hold numbers", "summarize-str"),
    _row(summarize, (None, "ulp"), {}, TypeError, r"errors must be numbers, got NoneType", "summarize-none"),
    _row(summarize, ([1j], "ulp"), {}, TypeError, r"errors must be real numbers", "summarize-complex"),
    _row(summarize, ([1.0], 3), {}, TypeError, r"unit must be a str, got int", "summarize-unit"),
    _row(summarize([1.0], "ulp").within, (NAN,), {}, ValueError, r"bound must be a finite tolerance",
         "within-nan"),
    _row(relative_error, ([1.0, 2.0], [1.0, 2.0, 3.0]), {}, ValueError,
         r"actual and expected must have broadcastable shapes, got \(2,\) and \(3,\)", "relative-shapes"),
    _row(relative_error, (["a"], [1.0]), {}, TypeError, r"actual must hold numbers", "relative-str"),
    _row(relative_error, ([1.0], [0.0]), {"scale": -1.0}, ValueError, r"scale must be finite and >= 0",
         "relative-scale-negative"),
    _row(relative_error, ([1.0], [0.0]), {"scale": NAN}, ValueError, r"scale must be finite and >= 0",
         "relative-scale-nan"),
    _row(relative_error, ([1.0], [NAN]), {}, ValueError, r"expected must not contain NaN", "relative-expected-nan"),
    _row(validation.as_float_tensor, (np.zeros(1), "x"), {"like": ""}, TypeError, r"like must be a torch.Tensor",
         "tensor-like"),
    _row(to_mpf, ("abc",), {}, TypeError, r"value must be a real number, got str", "to-mpf-str"),
    _row(to_mpf, (1 + 2j,), {}, TypeError, r"value must be a real number, got the complex", "to-mpf-complex"),
    # FLOP counting
    _row(flops.fft_flops, (-1,), {}, ValueError, r"transform_size must be >= 0", "fft-negative"),
    _row(flops.fft_flops, (2.5,), {}, TypeError, r"transform_size must be an int, got float", "fft-float"),
    _row(flops.fft_flops, (8, -1), {}, ValueError, r"batch must be >= 0", "fft-batch"),
    _row(flops.fft_flops, (8,), {"real": "yes"}, TypeError, r"real must be a bool", "fft-real"),
    _row(flops.fit_loglog_exponent, ([1, 2], [NAN, 2]), {}, ValueError, r"counts\[0\] must be finite", "fit-nan"),
    _row(flops.fit_loglog_exponent, (["a", 2], [1, 2]), {}, TypeError, r"sizes\[0\] must be a real number",
         "fit-str"),
    _row(flops.fit_loglog_exponent, (3, [1, 2]), {}, TypeError, r"sizes and counts must be sequences", "fit-int"),
    _row(flops.fit_loglog_exponent, ([1, 2], [0, 1]), {}, ValueError, r"sizes and counts must be positive",
         "fit-zero"),
    _row(flops.count_flops, (3,), {}, TypeError, r"fn must be callable, got int", "count-flops"),
    _row(flops.flop_breakdown, (None,), {}, TypeError, r"fn must be callable", "flop-breakdown"),
]


@pytest.mark.parametrize(("call", "args", "kwargs", "error", "pattern"), REFUSED)
def test_bad_input_is_refused_naming_the_argument_and_the_rule(call, args, kwargs, error, pattern):
    with pytest.raises(Exception) as caught:
        call(*args, **kwargs)
    assert type(caught.value) is error, f"{type(caught.value).__name__}: {caught.value}"
    assert str(caught.value), "the error has no message"
    assert caught.match(pattern)


# -- legitimate inputs --------------------------------------------------------------------------------------
def test_numpy_integers_are_accepted_wherever_python_ints_are():
    assert correctly_rounded_sqrt(np.int64(2)) == correctly_rounded_sqrt(2) == math.sqrt(2)
    assert correctly_rounded_sqrt(np.uint8(3), np.int32(4)) == math.sqrt(0.75)
    assert round_sqrt_pi_power(np.int64(1), np.int64(1), np.int64(2)) == math.pi  # √1 · π^(2/2)
    assert SqrtRational(np.int64(-1), np.int64(2), np.int8(1)) == SqrtRational(-1, 2, 1)
    assert SqrtRational.sqrt(2) ** np.int64(2) == 2
    assert SqrtRational.sqrt(4) * np.int64(3) == 6
    assert flops.fft_flops(np.int64(8), np.int32(2)) == 2 * 5 * 8 * 3
    assert validation.as_int(np.uint16(7), "n", maximum=7) == 7
    assert validation.check_dps(np.int64(30)) == 30


def test_sqrt_rationals_compare_with_floats_exactly():
    one, half = SqrtRational(1, 1), SqrtRational.sqrt(Fraction(1, 4))
    assert one == 1.0 and 1.0 == one and Fraction(1) == 1.0  # the model: Fraction's rule
    assert half == 0.5 and half == np.float64(0.5) and half == np.float32(0.5)
    assert ROOT_TWO != math.sqrt(2)  # irrational: never equal to a double
    assert ROOT_TWO > math.sqrt(2) - 1e-15 and ROOT_TWO < 1.5 and ROOT_TWO <= 1.5 and ROOT_TWO >= 1.0
    assert SqrtRational(-1, 3, 1) < -3.0  # −√(3π) ≈ −3.07
    assert hash(one) == hash(1.0) and {half: "x"}[0.5] == "x"  # equal values hash alike
    assert not (ROOT_TWO < NAN) and not (ROOT_TWO > NAN) and not (ROOT_TWO == NAN) and ROOT_TWO != NAN
    assert ROOT_TWO < INF and ROOT_TWO > -INF
    assert sorted([ROOT_TWO, 1.0, Fraction(1, 3), SqrtRational(-1, 3, 1)]) == [
        SqrtRational(-1, 3, 1), Fraction(1, 3), 1.0, ROOT_TWO]
    with pytest.raises(TypeError):
        _ = ROOT_TWO < "1"


def test_huge_values_have_a_repr_and_a_str():
    limit = sys.get_int_max_str_digits()
    assert limit > 0
    value = SqrtRational(-1, Fraction(3, 10 ** (limit + 100)), -1)
    text = repr(value)
    assert "0x" in text  # hexadecimal where decimal would exceed the limit
    assert eval(text, {"SqrtRational": SqrtRational, "Fraction": Fraction}) == value
    assert str(value).startswith("-√(3/≈1.0e+") and "bits" in str(value)
    small = SqrtRational(1, Fraction(3, 35))
    assert repr(small) == "SqrtRational(1, Fraction(3, 35), 0)" and str(small) == "√(3/35)"


def test_float_conversion_at_the_edges_of_the_range():
    assert float(SqrtRational(1, 1, -5000)) == 0.0  # below half the smallest subnormal
    assert float(SqrtRational(1, Fraction(1, 10**700))) == 0.0
    # a large π power balanced by the square: still correctly rounded
    with mpmath.workdps(60):
        expected = mpmath.sqrt(mpmath.mpf(1) / mpmath.mpf(3) ** 10**4) * mpmath.pi ** 4500
    assert round_sqrt_pi_power(1, 3**10**4, 9000) == float(expected)


def test_error_measures_on_empty_and_labelled_inputs():
    assert ulp_error([], []).shape == (0,)
    assert ulp_error([1], [1], dtype=np.float64).tolist() == [0.0]
    assert ulp_error([NAN], [1.0]).tolist() == [math.inf]
    summary = summarize([], "ulp")
    assert isinstance(summary, ErrorSummary) and summary.count == 0 and summary.max == 0.0
    labelled = summarize(np.array([[1.0, 5.0], [2.0, 3.0]]), "ulp", inputs=iter("abcd"),
                         actual=[[1, 2], [3, 4], [5, 6], [7, 8]])  # one (vector) value per error
    assert labelled.worst_index == (0, 1) and labelled.worst_input == "b" and labelled.worst_actual == [3, 4]
    assert relative_error(np.array([1.0, 2.0], dtype=object), [1.0, 2.5]).tolist() == [0.0, 0.2]
    assert relative_error([INF, 2.0, NAN, -INF], [INF, INF, 1.0, INF]).tolist() == [0.0, INF, INF, INF]
    assert to_mpf(NAN) != to_mpf(NAN)  # NaN passes through (ulp_error scores a NaN actual as inf)


def test_fit_accepts_any_iterables_of_numbers():
    assert flops.fit_loglog_exponent(iter([1, 2, 4]), (c for c in [3, 12, 48])) == pytest.approx(2.0, abs=1e-12)
    assert flops.fit_loglog_exponent(np.array([2, 4]), [np.float32(8), np.int64(64)]) == pytest.approx(3.0)
