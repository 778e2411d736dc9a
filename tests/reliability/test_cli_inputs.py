"""Misconfigured runs exit non-zero with one clear line, gating runs are deterministic by default, and a failure
found by exploration can be replayed from its snippet.

- ``assay fingerprint``/``matrix``/``conformance``: a bad ``--impl``, an output path that cannot be written, a
  negative ``-n`` are refused before anything runs: exit status 2, one line on stderr, no traceback, no pytest run.
- the plugin: a skips/xfails file that is a directory or not UTF-8, a ``--assay-report`` that cannot be written:
  pytest usage errors before any test runs.
- the default Hypothesis profile is the derandomized ``ci`` (for ``load_profile`` and for a conformance run without
  ``--assay-profile``); ``dev``/``thorough`` explore at random only when asked for, and the report header says so.
- the so3 equivariance property checks fixed special rotations in every profile, and its snippet recomputes the
  equivariance error (not a value difference).
"""

from __future__ import annotations

import contextlib
import io
import math
import re
import textwrap
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import settings

from assay.cli import main
from assay.core.profiles import DEFAULT_PROFILE, load_profile


def _refused(capsys, argv: list[str], *words: str) -> str:
    """Run ``assay argv``; it must exit 2 with exactly one stderr line holding ``words`` and print nothing else."""
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(f"assay {argv[0]}") and "Traceback" not in captured.err
    for word in words:
        assert word in lines[0], lines[0]
    assert captured.out == ""  # nothing ran: no progress line, no pytest output
    return lines[0]


@pytest.fixture
def a_file(tmp_path):
    path = tmp_path / "plain-file"
    path.write_text("x")
    return path


BAD_COMMANDS = [
    # (argv built from (tmp_path, a_file), words the one error line must contain)
    (lambda t, f: ["fingerprint", "--impl", "not_a_module_at_all"], ["--impl 'not_a_module_at_all'",
                                                                      "neither a registered adapter"]),
    (lambda t, f: ["fingerprint", "--impl", "builtin[no_such_option=1]"], ["builtin option 'no_such_option'"]),
    (lambda t, f: ["fingerprint", "--impl", "builtin["], ["implementation spec must look like"]),
    (lambda t, f: ["fingerprint", "--impl", " "], ["--impl is empty"]),
    (lambda t, f: ["matrix", "--impl", "builtin", "--impl", "nope_nope", "--output", str(t / "m")],
     ["--impl 'nope_nope'"]),
    (lambda t, f: ["matrix", "--impl", "builtin", "--output", str(f / "m")], ["is not a directory"]),
    (lambda t, f: ["matrix", "--impl", "builtin", "--output", ""], ["--output is empty"]),
    (lambda t, f: ["matrix", "--impl", "builtin", "--output", str(t / "m"), "-n", "-1"], ["-n/--workers must be >= 0"]),
    (lambda t, f: ["conformance", "--impl", "builtin", "--report", str(t)], ["is a directory, not a file"]),
    (lambda t, f: ["conformance", "--impl", "builtin", "--report", str(f / "r.json")], ["is not a directory"]),
    (lambda t, f: ["conformance", "--impl", "x[", "--report", str(t / "r.json")], ["implementation spec"]),
    (lambda t, f: ["conformance", "--impl", "builtin", "-n", "-2"], ["-n/--workers must be >= 0"]),
]


@pytest.mark.parametrize(("argv", "words"), BAD_COMMANDS,
                         ids=[f"{i}-{row[1][0][:30]}" for i, row in enumerate(BAD_COMMANDS)])
def test_misconfigured_commands_exit_2_with_one_line_before_running(capsys, tmp_path, a_file, argv, words) -> None:
    _refused(capsys, argv(tmp_path, a_file), *words)


def test_a_matrix_output_whose_md_is_a_directory_is_refused(capsys, tmp_path) -> None:
    (tmp_path / "m.md").mkdir()
    _refused(capsys, ["matrix", "--impl", "builtin", "--output", str(tmp_path / "m")], "m.md: is a directory")


def test_an_unwritable_report_folder_is_refused(capsys, tmp_path) -> None:
    """A read-only folder (or, for root, who writes anywhere, procfs, which refuses new files to everyone)."""
    from pathlib import Path

    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        probe = folder / "probe"
        try:
            probe.write_text("")
        except OSError:
            pass
        else:
            probe.unlink()
            folder = Path("/proc")
            if not folder.is_dir():
                pytest.skip("this user writes into read-only folders and there is no /proc: nothing to refuse")
        _refused(capsys, ["conformance", "--impl", "builtin", "--report", str(folder / "assay-r.json")],
                 "cannot be written")
    finally:
        (tmp_path / "locked").chmod(0o700)


def test_a_checked_report_path_leaves_no_file_behind(capsys, tmp_path) -> None:
    """The write probe creates the folders a run will need but removes the file it opened."""
    target = tmp_path / "new" / "deeper" / "r.json"
    _refused(capsys, ["conformance", "--impl", "x[", "--report", str(target)], "implementation spec")
    from assay.cli import _check_output_file

    _check_output_file(str(target), "--report")
    assert target.parent.is_dir() and not target.exists()


# -- the plugin ----------------------------------------------------------------------------------------------------

PASSING = "def test_runs():\n    open('ran.marker', 'w').close()\n"


@pytest.mark.parametrize(
    ("option", "make", "words"),
    [
        ("--assay-skips", lambda p: p.mkdir("skips"), "is a directory"),
        ("--assay-xfails", lambda p: p.mkdir("xfails"), "is a directory"),
        ("--assay-skips", lambda p: _write_bytes(p, "skips.txt", b"so3/\xff\xfe.py\n"), "is not UTF-8 text"),
        ("--assay-xfails", lambda p: p.path / "missing.txt", "does not exist"),
        ("--assay-report", lambda p: p.mkdir("report"), "is a directory"),
        ("--assay-report", lambda p: _write_bytes(p, "file", b"") / "r.json", "is not a directory"),
    ],
    ids=["skips-dir", "xfails-dir", "skips-not-utf8", "xfails-missing", "report-dir", "report-under-file"],
)
def test_plugin_refuses_bad_files_before_any_test_runs(pytester, option, make, words) -> None:
    pytester.makepyfile(test_trivial=PASSING)
    path = make(pytester)
    result = pytester.runpytest("-p", "no:cacheprovider", f"{option}={path}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert words in result.stderr.str()
    assert not (pytester.path / "ran.marker").exists()


def _write_bytes(pytester, name: str, data: bytes):
    path = pytester.path / name
    path.write_bytes(data)
    return path


# -- deterministic by default --------------------------------------------------------------------------------------

@pytest.fixture
def restore_profile():
    name = settings.get_current_profile_name()
    yield
    settings.load_profile(name)


def test_the_default_profile_is_derandomized(monkeypatch, restore_profile) -> None:
    monkeypatch.delenv("ASSAY_PROFILE", raising=False)
    monkeypatch.delenv("CI", raising=False)
    assert load_profile() == DEFAULT_PROFILE == "ci"
    assert settings.default.derandomize and settings.default.database is None
    monkeypatch.setenv("ASSAY_PROFILE", "dev")
    assert load_profile() == "dev" and not settings.default.derandomize and settings.default.print_blob
    monkeypatch.setenv("ASSAY_PROFILE", "fast")
    with pytest.raises(ValueError, match=r"\$ASSAY_PROFILE must be one of dev, ci, thorough, quick; got 'fast'"):
        load_profile()
    with pytest.raises(ValueError, match="name must be one of"):
        load_profile("")
    with pytest.raises(TypeError, match="name must be a str"):
        load_profile(3)


PROFILE_PROBE = """
from hypothesis import settings

def test_profile():
    print("PROFILE", settings.get_current_profile_name(), settings.default.derandomize)
"""


@pytest.mark.parametrize(
    ("environment", "options", "expected", "header"),
    [
        ({}, [], "PROFILE ci True", "Hypothesis 'ci' (derandomized)"),
        ({"ASSAY_PROFILE": "dev"}, [], "PROFILE dev False", "Hypothesis 'dev' (randomized exploration"),
        ({"ASSAY_PROFILE": "dev"}, ["--assay-profile=quick"], "PROFILE quick True", "Hypothesis 'quick'"),
    ],
    ids=["default", "dev-by-environment", "explicit-profile"],
)
def test_a_conformance_run_without_a_profile_is_deterministic(pytester, monkeypatch, restore_profile, environment,
                                                              options, expected, header) -> None:
    monkeypatch.delenv("ASSAY_PROFILE", raising=False)
    monkeypatch.delenv("CI", raising=False)
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    pytester.makepyfile(test_conformance_probe=PROFILE_PROBE)
    result = pytester.runpytest("-p", "no:cacheprovider", "-s", *options, "test_conformance_probe.py")
    result.assert_outcomes(passed=1)
    assert expected in result.stdout.str()
    assert header in result.stdout.str()


# -- replaying an so3 failure ---------------------------------------------------------------------------------------

def _sizes():
    from assay.conformance.sizes import sizes

    return sizes("quick", "so3")


def _equivariance_failure(adapter, l: int = 2) -> str:
    from assay.conformance.measure import Checker
    from assay.conformance.so3 import test_so3_wigner as chapter

    with pytest.raises(AssertionError) as info:
        chapter.test_wigner_D_equivariance(adapter, Checker(SimpleNamespace(user_properties=[]), adapter), _sizes(),
                                           "so3.wigner_D", l)
    return str(info.value)


def test_the_equivariance_snippet_reproduces_the_equivariance_error(restore_profile) -> None:
    from assay.conformance.adapters import load_adapter

    load_profile("ci")
    message = _equivariance_failure(load_adapter("buggy-wigner-d-swapped"))
    reported = float(re.search(r"max error ([0-9.e+]+) eps", message).group(1))
    snippet = textwrap.dedent(message.split("reproduce in a fresh Python:\n", 1)[1])
    assert "wigner_equivariance_error" in snippet and "reference_wigner_D" not in snippet
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(snippet, "<snippet>", "exec"), {})
    replayed = float(re.search(r"max ([0-9.e+]+) eps", output.getvalue()).group(1))
    assert output.getvalue().startswith("|Y(R r) - D(R) Y(r)|:")
    assert math.isclose(replayed, reported, rel_tol=1e-3)


def test_a_defect_only_at_small_angles_fails_every_deterministic_run(restore_profile) -> None:
    """A D that is off by 1e-9 only for 0 < |α| < 0.05 (e3nn's kind of defect): the fixed special angles catch it
    in every profile, whatever Hypothesis draws."""
    from assay.conformance.adapters.buggy import SwappedEulerWignerD

    class SmallAngleWignerD(SwappedEulerWignerD):
        bug = "small-angle"

        def broken(self, l, alpha, beta, gamma):
            D = np.array(self.wigner_D(l, alpha, beta, gamma), dtype=np.float64)
            return D + 1e-9 if 0 < abs(alpha) < 0.05 else D

    for profile in ("quick", "ci"):
        load_profile(profile)
        message = _equivariance_failure(SmallAngleWignerD(), l=1)
        worst = re.search(r"worst input: \(([^,]+),", message).group(1)
        assert 0 < abs(float(worst)) < 0.05, message


def test_the_special_angles_cover_every_slot() -> None:
    from assay.properties.so3.strategies import SMALL_ANGLES, special_euler_angles, special_rotation_matrices

    angles = special_euler_angles()
    for slot in range(3):
        values = {a[slot] for a in angles}
        assert {0.0, math.pi / 2, math.pi} <= values and set(SMALL_ANGLES) <= values
    assert {1e-12, math.pi - 1e-12} <= {a[1] for a in angles}
    for R in special_rotation_matrices():
        np.testing.assert_allclose(R @ R.T, np.eye(3), atol=1e-15)
        assert math.isclose(np.linalg.det(R), 1.0, abs_tol=1e-15)


def test_the_unitarity_snippet_recomputes_the_unitarity_error() -> None:
    from assay.conformance.adapters import load_adapter
    from assay.conformance.so3.support import rotation_from_angles, wigner_unitarity_snippet
    from assay.conformance.support import summarize_eps

    adapter = load_adapter("builtin")
    angles = (0.1, 2.0**-7, -2.5)
    D = np.asarray(adapter.get("so3.wigner_D")(3, *angles)).astype(np.complex128)
    expected = summarize_eps([np.abs(D @ D.conj().T - np.eye(7)).max()], 1.0, adapter.dtype)
    output = io.StringIO()
    snippet = wigner_unitarity_snippet("builtin", "so3.wigner_D", 3, angles, rotation_from_angles(angles, "zyz"))
    with contextlib.redirect_stdout(output):
        exec(compile(snippet, "<snippet>", "exec"), {})
    assert output.getvalue().strip() == f"|D D^H - I|: {expected}"
