"""Report helpers and the conformance matrix built from reports."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from assay.conformance.matrix import build_matrix
from assay.conformance.report import FORMAT, base_test_id, canonical_id, classify, load_report, write_report


def test_ids_relative_to_the_package():
    nodeid = "../site-packages/assay/conformance/so3/test_so3_harmonics.py::test_spherical_harmonics_values[l=3]"
    assert canonical_id(nodeid) == "so3/test_so3_harmonics.py::test_spherical_harmonics_values[l=3]"
    assert base_test_id(nodeid) == "so3/test_so3_harmonics.py::test_spherical_harmonics_values"


def _report(when, outcome, longrepr=None, wasxfail=None):
    report = SimpleNamespace(when=when, passed=outcome == "passed", failed=outcome == "failed",
                             skipped=outcome == "skipped", longrepr=longrepr)
    if wasxfail is not None:
        report.wasxfail = wasxfail
    return report


def test_classify_separates_not_provided_from_other_skips():
    assert classify(_report("call", "passed")) == ("passed", "")
    assert classify(_report("call", "failed")) == ("failed", "")
    skip = _report("setup", "skipped", ("f.py", 1, "Skipped: not provided by e3nn: so3.gaunt"))
    assert classify(skip) == ("not-provided", "not provided by e3nn: so3.gaunt")
    assert classify(_report("setup", "skipped", ("f.py", 1, "Skipped: listed in --assay-skips (x)")))[0] == "skipped"
    assert classify(_report("call", "skipped", None, wasxfail="known"))[0] == "xfailed"
    assert classify(_report("setup", "failed", "boom"))[0] == "error"
    assert classify(_report("teardown", "passed")) is None


def _entry(test, capability, status, max_error=None, bound=None, unit="eps"):
    return {"test": test, "capability": capability, "status": status, "max_error": max_error, "bound": bound,
            "unit": unit}


def _synthetic(spec, entries):
    return {"implementation": {"spec": spec, "name": spec, "version": "1", "dtype": "float64", "device": "cpu"},
            "profile": "ci", "tests": entries}


def test_matrix_cells_aggregate_parametrized_cases():
    sh = "so3/test_so3_harmonics.py::test_spherical_harmonics_values"
    full = _synthetic("a", [_entry(sh, "so3.spherical_harmonics", "passed", 3.0, 256)] * 3)
    partial = _synthetic("b", [_entry(sh, "so3.spherical_harmonics", "passed", 5.0, 256),
                               _entry(sh, "so3.spherical_harmonics", "not-provided")])
    failing = _synthetic("c", [_entry(sh, "so3.spherical_harmonics", "passed", 1.0, 256),
                               _entry(sh, "so3.spherical_harmonics", "failed", 4.5e9, 256)])
    absent = _synthetic("d", [_entry(sh, "so3.spherical_harmonics", "not-provided")])
    matrix = build_matrix([full, partial, failing, absent])
    row = ("so3.spherical_harmonics", "spherical_harmonics_values")
    assert matrix.rows == [row]
    cells = {name: matrix.cells[row][name] for name in "abcd"}
    assert cells["a"].text() == "pass · max 3 ε (bound 256)"
    assert cells["b"].text() == "pass (1 of 2; the rest not provided) · max 5 ε (bound 256)"
    assert cells["c"].text() == "fail (1 of 2) · max 4.5e+09 ε (bound 256)"
    assert cells["d"].text() == "not provided"
    markdown = matrix.markdown()
    assert "| so3 | `so3.spherical_harmonics` | spherical_harmonics_values | pass · max 3 ε (bound 256) |" in markdown
    html = matrix.html()
    assert html.count("<tr>") == 2 and "#f8d0d0" in html and "<a href='#msg-1'>" in html
    assert matrix.failed()


def test_failing_cell_shows_the_reason_and_links_to_the_message():
    sh = "so3/test_so3_harmonics.py::test_spherical_harmonics_values"
    entries = [_entry(sh, "so3.spherical_harmonics", "passed", 0.0, 256),
               {**_entry(sh, "so3.spherical_harmonics", "error"), "reason": "ValueError: lmax must be <= 8"}]
    matrix = build_matrix([_synthetic("x", entries)])
    cell = matrix.cells[("so3.spherical_harmonics", "spherical_harmonics_values")]["x"]
    assert "ValueError: lmax must be <= 8" in cell.text() and "max 0" not in cell.text()
    html = matrix.html()
    assert "<a href='#msg-1'>" in html and "<h3 id='msg-1'>" in html


def test_report_round_trip(tmp_path):
    path = tmp_path / "sub" / "r.json"
    written = write_report(path, {"spec": "x", "name": "x"}, "quick",
                           [{"status": "passed"}, {"status": "not-provided"}])
    assert written["summary"]["passed"] == 1 and written["summary"]["not-provided"] == 1
    assert load_report(path)["format"] == FORMAT
    path.write_text(json.dumps({"format": "other"}))
    with pytest.raises(ValueError, match="not an assay conformance report"):
        load_report(path)
