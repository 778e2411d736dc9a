"""The bridges conformance chapters on assay's builtin adapter (all pass), on the peers, and on the two known-bug
adapters (each fails exactly the test that should catch it)."""

from __future__ import annotations

import json
from collections import defaultdict

import numpy  # noqa: F401  (imported before the in-process runs, whose module snapshots cannot re-import numpy)
import pytest
import scipy.stats  # noqa: F401
import torch  # noqa: F401

from assay.cli import _plugin_args

PLANS = "assay.conformance.bridges.test_bridges_plans"
SAMPLING = "assay.conformance.bridges.test_bridges_sampling"
#: implementation → (chapters, -k expression). The builtin runs every chapter. Each known-bug adapter subclasses the
#: builtin and overrides one capability, so every other test runs the builtin's code; its run is the chapter that
#: must catch it plus a neighbouring test of the same chapter that must still pass.
RUNS = {
    "builtin": ((PLANS, SAMPLING), "bridges"),
    "buggy-bridges-no-sqrt-noise": ((SAMPLING,), "bridge_noise or conditional_samples"),
    "buggy-bridges-eps-times-2": ((PLANS,), "gaussian_eot or monge_map"),
    "pot": ((PLANS,), "bridges"),
    "torchcfm": ((PLANS, SAMPLING), "bridges"),
}


_CACHE: dict[str, tuple[dict, str]] = {}


@pytest.fixture
def reports(pytester, tmp_path_factory):
    """``reports[impl]``: the JSON report and output of ``RUNS[impl]`` on ``impl`` (quick profile), run once, in
    process (torch is imported once for all runs)."""

    class Reports:
        def __getitem__(self, impl: str) -> tuple[dict, str]:
            if impl not in _CACHE:
                path = tmp_path_factory.mktemp("bridges") / f"{impl}.json"
                modules, expression = RUNS[impl]
                result = pytester.runpytest_inprocess(
                    "--pyargs", *modules, "-k", expression, *_plugin_args(), f"--assay-impl={impl}",
                    "--assay-profile=quick", f"--assay-report={path}", "-q", "-p", "no:cacheprovider",
                    "-p", "no:xdist")
                output = result.stdout.str()
                assert path.is_file(), output
                _CACHE[impl] = (json.loads(path.read_text()), output)
            return _CACHE[impl]

    return Reports()


def _statuses(report: dict) -> dict[str, set[str]]:
    statuses = defaultdict(set)
    for test in report["tests"]:
        statuses[test["test"].split("::")[1].split("[")[0]].add(test["status"])
    return statuses


def test_builtin_passes_every_bridges_chapter(reports):
    report, output = reports["builtin"]
    statuses = _statuses(report)
    assert "failed" not in set().union(*statuses.values()), output
    for name in ("test_gaussian_eot_matches_the_closed_form", "test_entropic_plan_is_a_gibbs_coupling",
                 "test_monge_map_matches_the_closed_form", "test_benchmark_light_sb_parameters_reproduce_the_true_plan",
                 "test_one_component_solves_the_gaussian_case", "test_drift_is_the_true_bridge_drift",
                 "test_conditional_samples_follow_the_plan", "test_sde_at_time_one_follows_the_plan",
                 "test_bridge_noise_has_variance_t_one_minus_t_epsilon",
                 "test_entropic_plan_on_a_gaussian_grid_matches_the_closed_form"):
        assert "passed" in statuses[name], (name, statuses[name])


def test_bridge_noise_without_square_root_is_caught_by_the_variance_test_only(reports):
    report, output = reports["buggy-bridges-no-sqrt-noise"]
    statuses = _statuses(report)
    assert statuses["test_bridge_noise_has_variance_t_one_minus_t_epsilon"] == {"failed"}
    assert statuses["test_conditional_samples_follow_the_plan"] == {"passed"}, output
    assert "bridges.bridge_sample / variance" in output and "reproduce in a fresh Python" in output


def test_epsilon_off_by_two_is_caught_by_the_gaussian_closed_form_only(reports):
    report, output = reports["buggy-bridges-eps-times-2"]
    statuses = _statuses(report)
    assert statuses["test_gaussian_eot_matches_the_closed_form"] == {"failed"}
    assert statuses["test_monge_map_matches_the_closed_form"] == {"passed"}, output
    failure = next(t for t in report["tests"] if t["status"] == "failed")
    assert failure["max_error"] > 0.1  # C for 2ε differs at O(ε/‖C‖), nine orders above the 1e-9 bound


@pytest.mark.slow
@pytest.mark.peer
def test_pot_and_torchcfm_pass_what_they_provide(reports):
    for impl in ("pot", "torchcfm"):
        report, output = reports[impl]
        statuses = _statuses(report)
        if set().union(*statuses.values()) <= {"unavailable"}:
            pytest.skip(f"{impl} is not installed")
        assert "failed" not in set().union(*statuses.values()), output
    pot = _statuses(reports["pot"][0])
    assert "passed" in pot["test_entropic_plan_on_a_gaussian_grid_matches_the_closed_form"]
    assert "passed" in pot["test_gaussian_eot_matches_the_closed_form"]
    assert "passed" in pot["test_monge_map_matches_the_closed_form"]
    assert "not-provided" in pot["test_drift_is_the_true_bridge_drift"]
