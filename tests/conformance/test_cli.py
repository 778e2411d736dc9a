"""The ``assay`` command: fingerprint in-process; conformance and matrix through pytest subprocesses."""

from __future__ import annotations

import json
import re

import pytest

from assay.cli import main


def test_fingerprint_prints_words(capsys):
    assert main(["fingerprint", "--impl", "sympy"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("sympy ")
    assert "spherical harmonics: complex, integral-normalized, Condon–Shortley phase, polar axis z" in out


def test_fingerprint_json(capsys):
    assert main(["fingerprint", "--impl", "e3nn", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["so3"]["matches"]["spherical harmonics"]["convention"]["so3.polar_axis"] == "y"


def test_fingerprint_of_an_unknown_implementation_fails(capsys):
    assert main(["fingerprint", "--impl", "not_a_module_at_all"]) == 2
    error = capsys.readouterr().err
    assert "neither a registered adapter" in error and len(error.strip().splitlines()) == 1


def test_conformance_runs_pytest_and_prints_a_summary(tmp_path, capsys):
    report = tmp_path / "r.json"
    code = main(["conformance", "--impl", "sympy", "--profile", "quick", "--report", str(report), "--",
                 "-k", "gaunt_values"])
    out = capsys.readouterr().out
    assert code == 0
    assert "assay conformance: sympy" in out
    assert "so3.real_gaunt / real_gaunt_values" in out and "pass · max 0 ulp (bound 0)" in out
    assert json.loads(report.read_text())["implementation"]["name"] == "sympy"


def test_matrix_writes_markdown_and_html(tmp_path, capsys):
    output = tmp_path / "matrix"
    code = main(["matrix", "--impl", "sympy", "--impl", "lenses", "--profile", "quick", "--output", str(output),
                 "--", "-k", "gaunt_values or lens_laws"])
    assert code == 0
    progress = capsys.readouterr().out
    assert "[1/2] assay conformance --impl sympy" in progress and "[2/2] lenses:" in progress
    markdown = (tmp_path / "matrix.md").read_text()
    assert "| capability | property | sympy | lenses |" in markdown
    assert "| `so3.gaunt` | gaunt_values | pass · max 0 ulp (bound 0) | not provided |" in markdown
    assert "<table>" in (tmp_path / "matrix.html").read_text()


# -- the summary a person reads first, progress, the HTML report --------------------------------------------------

def _summary_rows(out: str) -> dict[str, list[str]]:
    """The rows of the per-domain summary table printed after a run: domain → its cells."""
    lines = out.split("worst measured/bound", 1)[1].splitlines()
    return {line.split()[0]: line.split() for line in lines[2:] if line and not line.startswith(("-", "PASS", "FAIL"))}


def test_conformance_prints_progress_a_domain_summary_and_writes_html_next_to_the_json(tmp_path, capsys):
    from assay.conformance.report import SUMMARY_COLUMNS, margin_of

    report_path = tmp_path / "r.json"
    code = main(["conformance", "--impl", "builtin", "--profile", "quick", "--report", str(report_path), "--html",
                 "-n", "2", "--", "-k", "gaunt_values or kronecker_matvec"])
    out = capsys.readouterr().out
    assert code == 0
    report = json.loads(report_path.read_text())
    tests = report["tests"]
    # progress: one line per finished chapter, in the xdist controller, counting that chapter's tests
    for chapter in sorted({t["id"].split("::")[0] for t in tests}):
        count = sum(t["id"].startswith(chapter + "::") for t in tests)
        assert re.search(rf"\] {re.escape(chapter)}: {count} passed$", out, re.M), (chapter, out[-3000:])
    # the summary: one row per domain with the report's own counts, the worst measured/bound and its test
    rows = _summary_rows(out)
    for domain in ("so3", "spectral"):
        mine = [t for t in tests if (t["capability"] or "").startswith(domain + ".")]
        expected = [sum(t["status"] in SUMMARY_COLUMNS[c] for t in mine) for c in SUMMARY_COLUMNS]
        assert [int(cell) for cell in rows[domain][1:5]] == expected
        worst = max(margin_of(t) for t in mine if margin_of(t) is not None)
        assert report["domains"][domain]["worst_margin"] == pytest.approx(worst, rel=1e-3)
        assert rows[domain][5] == f"{worst:.2g}"
    assert rows["all"][1:5] == [str(len(tests)), "0", "0", "0"]
    assert f"PASS: {len(tests)} passed, none failed" in out
    # every measured entry carries its margin; the HTML report sits next to the JSON one
    assert all(t["margin"] is not None for t in tests if t["max_error"] is not None)
    html_path = tmp_path / "r.html"
    assert f"HTML report: {html_path}" in out
    page = html_path.read_text()
    assert "<h2>Summary</h2>" in page and "<td>spectral</td>" in page and "kronecker_matvec_equals_dense" in page


def test_a_failing_implementation_gets_a_fail_verdict_and_an_html_report_where_asked(tmp_path, capsys):
    html_path = tmp_path / "pages" / "bug.html"
    code = main(["conformance", "--impl", "buggy-real-gaunt-sign", "--profile", "quick", "--report",
                 str(tmp_path / "bug.json"), "--html", str(html_path), "--", "-k", "real_gaunt_values"])
    out = capsys.readouterr().out
    assert code != 0
    report = json.loads((tmp_path / "bug.json").read_text())
    failed = sum(t["status"] in ("failed", "error") for t in report["tests"])
    assert failed > 0
    assert re.search(rf"\] so3/test_so3_gaunt\.py: {failed} failed$", out, re.M), out[-3000:]  # without xdist too
    assert _summary_rows(out)["so3"][2] == str(failed)
    assert f"FAIL: {failed} failed or errored (so3 {failed})," in out
    assert report["domains"]["so3"]["worst_margin"] == "inf" or report["domains"]["so3"]["worst_margin"] > 1
    page = html_path.read_text()
    assert "Failure messages" in page and "background:#f8d0d0" in page


def _entry(test: str, capability: str, status: str, max_error=None, bound=None, unit="eps", **extra):
    return {"id": f"{capability.split('.')[0]}/test_x.py::{test}", "test": test, "capability": capability,
            "status": status, "max_error": max_error, "bound": bound, "unit": unit, **extra}


def test_domain_summary_counts_statuses_and_finds_the_worst_margin():
    from assay.conformance.report import domain_summary, domain_summary_text

    report = {"tests": [
        _entry("test_a", "so3.wigner_D", "passed", 3.0, 16.0),
        _entry("test_b", "so3.wigner_D", "passed", 12.0, 16.0),           # the worst: 0.75 of its bound
        _entry("test_c", "so3.gaunt", "not-provided"),
        _entry("test_d", "optics.compose", "failed", 5e-3, 1e-12, "rel"),  # broken by 5e9
        _entry("test_e", "optics.compose", "skipped"),
        _entry("test_f", "optics.compose", "xfailed"),
        _entry("test_g", "spectral.sm_kernel", "passed", 0.0, 0.0, "ulp"),
        _entry("test_h", "spectral.sm_kernel", "failed", "nan", 0.0, "ulp"),  # NaN: infinitely far
        _entry("test_i", "frames.frames", "passed", 1.0, 4.0, margin=0.3),   # a stored margin wins
    ]}
    rows = {row["domain"]: row for row in domain_summary(report)}
    assert [rows["so3"][c] for c in ("passed", "failed", "not_provided", "skipped")] == [2, 0, 1, 0]
    assert rows["so3"]["worst_margin"] == 0.75 and rows["so3"]["worst_test"].endswith("test_b")
    assert [rows["optics"][c] for c in ("passed", "failed", "not_provided", "skipped")] == [0, 1, 0, 2]
    assert rows["optics"]["worst_margin"] == pytest.approx(5e9)
    assert rows["spectral"]["worst_margin"] == "inf"
    assert rows["frames"]["worst_margin"] == 0.3
    assert list(rows) == ["so3", "optics", "frames", "spectral"]  # registry order
    text = domain_summary_text(report)
    assert "FAIL: 2 failed or errored (optics 1, spectral 1), 4 passed, 1 not provided, 2 skipped" in text
    assert "0.75 (12 ε of 16; so3.wigner_D / b)" in text


def test_domain_summary_of_nothing_run_says_so():
    from assay.conformance.report import domain_summary_text

    text = domain_summary_text({"tests": [_entry("test_a", "so3.gaunt", "not-provided")]})
    assert text.splitlines()[-1].startswith("NOTHING RAN: no test passed or failed, 1 not provided")
