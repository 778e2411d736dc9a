"""The spectral conformance chapters, run as a maintainer would: builtin passes, GPyTorch passes all but the
documented eigenvalue clamp, and each known-bug adapter fails exactly the properties that should catch it.

Each run is ``pytest --pyargs assay.conformance[.spectral] --assay-impl NAME --assay-profile quick`` in a subprocess
writing a JSON report (in parallel, as ``tests/conformance/test_known_bugs.py`` does).
"""

from __future__ import annotations

import pytest

from assay.conformance.runner import failed_tests, run_suites, statuses

RUNS = {
    "builtin": ["--pyargs", "assay.conformance", "-k", "spectral"],
    "gpytorch": ["--pyargs", "assay.conformance.spectral"],
    "buggy-spectral-abs-derivative": ["--pyargs", "assay.conformance.spectral", "-k", "sm"],
    "buggy-spectral-double-prior": ["--pyargs", "assay.conformance.spectral", "-k", "kronecker"],
    "buggy-spectral-per-factor-jitter": ["--pyargs", "assay.conformance.spectral", "-k", "kronecker"],
}


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    return run_suites(RUNS, tmp_path_factory.mktemp("spectral"), timeout=900)


_statuses = statuses
_failed = failed_tests


def test_builtin_passes_every_spectral_chapter(reports):
    report, output = reports["builtin"]
    statuses = _statuses(report)
    assert len(statuses) >= 38, output
    assert all(status == {"passed"} for status in statuses.values()), output


def test_gpytorch_fails_only_the_eigenvalue_clamp_probe(reports):
    report, output = reports["gpytorch"]
    if all(t["status"] == "skipped" for t in report["tests"]):
        pytest.skip("gpytorch is not installed")
    assert _failed(report) == {"test_kronecker_logdet_small_eigenvalues"}, output
    passed = {name for name, status in _statuses(report).items() if status == {"passed"}}
    # its d-dimensional SM kernel passes in its declared convention (shared weights, k(0) = (Σw)^d)
    assert {"test_sm_kernel_nd_in_declared_convention[2]", "test_sm_kernel_nd_in_declared_convention[3]"} <= passed
    assert "test_kronecker_logdet_equals_dense[3x3x2-noise=0.001]" in passed
    measured = [m for t in report["tests"] if t["nodeid"].endswith("small_eigenvalues")
                for m in t.get("measurements", [])]
    assert measured and measured[0]["max"] > 0.1, measured  # the clamp moves log det by > 10% on this grid


def test_abs_derivative_caught_at_tau_zero_only(reports):
    report, output = reports["buggy-spectral-abs-derivative"]
    assert _failed(report) == {
        "test_kernel_values_and_derivatives[order=2-sm]", "test_kernel_values_and_derivatives[order=4-sm]",
        "test_derivative_kernels_at_zero_equal_spectral_moments[order=2-sm]",
        "test_derivative_kernels_at_zero_equal_spectral_moments[order=4-sm]",
    }, output


def test_double_counted_prior_caught_by_the_objective(reports):
    report, output = reports["buggy-spectral-double-prior"]
    assert _failed(report) == {"test_log_weight_objective_has_no_double_counted_prior"}, output


def test_per_factor_jitter_caught_by_kronecker_equals_dense(reports):
    report, output = reports["buggy-spectral-per-factor-jitter"]
    failed = _failed(report)
    assert failed and all(name.startswith(("test_kronecker_solve_equals_dense", "test_kronecker_logdet_equals_dense"))
                          for name in failed), output
    assert len(failed) == 8, output  # 2 grids × 2 noises × (solve, log det)
