"""The suite catches real mistakes: each buggy adapter fails the property that should catch it, and only that.

Each adapter in :mod:`assay.conformance.adapters.buggy` breaks one capability of the builtin adapter. The four
runs (quick profile, only the relevant chapter) go in parallel subprocesses and write JSON reports.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict

import pytest

from assay.cli import _plugin_args
from assay.conformance.runner import run_suites

RUNS = {
    "buggy-real-gaunt-sign": "assay.conformance.so3.test_so3_gaunt",
    "buggy-sh-negative-m": "assay.conformance.so3.test_so3_harmonics",
    "buggy-coupling-float32": "assay.conformance.so3.test_so3_coupling_tensors",
    "buggy-wigner-d-swapped": "assay.conformance.so3.test_so3_wigner",
}


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    return run_suites({impl: ["--pyargs", module] for impl, module in RUNS.items()}, tmp_path_factory.mktemp("bugs"),
                      timeout=300)


def _statuses(report: dict) -> dict[str, set[str]]:
    statuses = defaultdict(set)
    for test in report["tests"]:
        statuses[test["test"].split("::")[1]].add(test["status"])
    return statuses


def test_real_gaunt_sign_bug_is_caught_by_the_values_test(reports):
    report, output = reports["buggy-real-gaunt-sign"]
    statuses = _statuses(report)
    assert "failed" in statuses["test_real_gaunt_values"]
    assert statuses["test_gaunt_values"] == {"not-provided"}
    failure = next(t for t in report["tests"]
                   if t["test"].endswith("test_real_gaunt_values") and t["status"] == "failed")
    assert failure["max_error"] > 1e15  # a sign error is 2|value|, about 10^16 ulp
    assert "worst input" in output and "reproduce in a fresh Python" in output


def test_negative_m_sign_flip_is_caught_by_values_not_by_normalization(reports):
    report, _ = reports["buggy-sh-negative-m"]
    statuses = _statuses(report)
    assert "failed" in statuses["test_spherical_harmonics_values"]
    assert statuses["test_spherical_harmonics_normalization"] == {"passed"}
    by_id = {t["id"]: t for t in report["tests"]}
    assert by_id["so3/test_so3_harmonics.py::test_spherical_harmonics_values[l=0]"]["status"] == "passed"
    assert by_id["so3/test_so3_harmonics.py::test_spherical_harmonics_values[l=1]"]["status"] == "failed"


def test_float32_coupling_tensors_are_caught_by_values_and_equivariance(reports):
    report, _ = reports["buggy-coupling-float32"]
    statuses = _statuses(report)
    assert "failed" in statuses["test_coupling_tensor_values"]
    assert "failed" in statuses["test_coupling_tensor_equivariance"]
    worst = max(t["max_error"] for t in report["tests"] if t["test"].endswith("test_coupling_tensor_values"))
    assert 1e6 < worst < 1e10  # float32 rounding (2^-24 relative) in units of float64 ε


def test_swapped_euler_angles_are_caught_but_stay_unitary(reports):
    report, _ = reports["buggy-wigner-d-swapped"]
    statuses = _statuses(report)
    for test in ("test_wigner_D_values", "test_wigner_D_equivariance", "test_wigner_D_homomorphism"):
        assert "failed" in statuses[test], test
    assert statuses["test_wigner_D_unitarity"] <= {"passed", "not-provided"}
    assert "passed" in statuses["test_wigner_D_unitarity"]


def test_correct_builtin_passes_the_same_chapters(tmp_path):
    path = tmp_path / "builtin.json"
    command = [sys.executable, "-m", "pytest", "--pyargs", "assay.conformance.so3.test_so3_gaunt",
               "assay.conformance.so3.test_so3_harmonics", *_plugin_args(), "--assay-impl=builtin",
               "--assay-profile=quick", f"--assay-report={path}", "-q", "-p", "no:cacheprovider",
               "-k", "real_gaunt_values or spherical_harmonics"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-3000:]
    summary = json.loads(path.read_text())["summary"]
    assert summary["failed"] == 0 and summary["passed"] == 3 + 2 * 8  # real Gaunt l1 0..2; SH values, norms l 0..6, 40
