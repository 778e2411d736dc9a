"""The ``assay`` command: fingerprint in-process; conformance and matrix through pytest subprocesses."""

from __future__ import annotations

import json

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


def test_fingerprint_of_an_unknown_implementation_fails():
    with pytest.raises(ValueError, match="neither a registered adapter"):
        main(["fingerprint", "--impl", "not_a_module_at_all"])


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
