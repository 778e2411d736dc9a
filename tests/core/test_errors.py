"""Error measures: ulps against exact values, relative error, summaries."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from assay.core.errors import ErrorSummary, relative_error, summarize, ulp_error, ulp_of
from assay.core.exact import SqrtRational


def test_correctly_rounded_values_score_at_most_half_an_ulp():
    exact = [SqrtRational.sqrt(Fraction(k, 7)) for k in range(1, 60)]
    actual = np.array([float(v) for v in exact])
    errors = ulp_error(actual, exact)
    assert errors.max() <= 0.5
    assert errors.max() > 0  # these roots are irrational: some error must show


def test_one_step_off_scores_about_one_ulp():
    exact = [SqrtRational.sqrt(2)]
    actual = np.array([math.nextafter(float(exact[0]), 2.0)])
    error = ulp_error(actual, exact)[0]
    assert 0.5 < error < 1.5


def test_float32_ulps():
    exact = [Fraction(1, 3)]
    actual = np.array([np.float32(1 / 3)], dtype=np.float32)
    assert ulp_error(actual, exact)[0] <= 0.5
    assert float(ulp_of(1.0, np.float32)) == 2.0**-23


def test_exact_zero_must_be_zero():
    errors = ulp_error(np.array([0.0, 1e-300]), [SqrtRational.zero(), SqrtRational.zero()])
    assert errors[0] == 0 and errors[1] == math.inf


def test_relative_error_with_scale():
    error = relative_error([1.0 + 1e-12, 1e-20], [1.0, 0.0], scale=1.0)
    assert error[0] == pytest.approx(1e-12, rel=1e-3)
    assert error[1] == pytest.approx(1e-20)
    assert relative_error([1e-20], [0.0])[0] == math.inf


def test_summary_names_the_worst_input():
    summary = summarize([0.1, 3.0, 0.2], "ulp", inputs=["a", "b", "c"], actual=[1, 2, 3], expected=[1, 5, 3])
    assert isinstance(summary, ErrorSummary)
    assert summary.max == 3.0 and summary.worst_input == "b" and summary.worst_actual == 2
    assert summary.mean == pytest.approx(3.3 / 3)
    assert "worst at b" in str(summary) and summary.within(3.0) and not summary.within(2.9)
    assert summary.as_dict()["worst_expected"] == 5


def test_nan_is_the_worst():
    summary = summarize([0.1, float("nan")], "rel")
    assert math.isnan(summary.max) and summary.worst_index == (1,) and not summary.within(1e9)


def test_shape_mismatch_is_refused():
    with pytest.raises(ValueError, match="shape"):
        ulp_error(np.zeros(2), [Fraction(0)])
