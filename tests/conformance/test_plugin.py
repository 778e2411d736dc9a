"""The conformance plugin: options, capability skips, report, skips/xfails files, failure messages."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def test_provided_capability_passes_and_missing_one_is_not_provided(demo, tmp_path):
    report_path = tmp_path / "report.json"
    result = demo("--assay-impl", "demo_adapters:Good", "--assay-report", str(report_path), "-rs")
    result.assert_outcomes(passed=3, skipped=2)
    result.stdout.fnmatch_lines([
        "assay: implementation demo-good 1.2.3 (spec 'demo_adapters:Good', device cpu, dtype float64)*",
        "*assay conformance: demo-good*",
        "3 passed, 2 not-provided",
        "*not provided by demo-good: demo.power at degree 4 (declared max_degree=3)",
        "*not provided by demo-good: demo.cube",
    ])
    report = json.loads(report_path.read_text())
    assert report["format"] == "assay-conformance-report/1"
    assert report["implementation"]["name"] == "demo-good"
    assert report["implementation"]["version"] == "1.2.3"
    assert report["implementation"]["capabilities"]["demo.power"] == {"max_degree": 3}
    assert report["summary"]["passed"] == 3
    assert report["summary"]["not-provided"] == 2
    by_id = {test["id"]: test for test in report["tests"]}
    assert by_id["test_demo.py::test_cube"]["status"] == "not-provided"
    assert by_id["test_demo.py::test_power[4]"]["status"] == "not-provided"
    assert "declared max_degree=3" in by_id["test_demo.py::test_power[4]"]["reason"]
    square = by_id["test_demo.py::test_square"]
    assert square["status"] == "passed"
    assert square["max_error"] == 0.0
    assert square["bound"] == 0.0
    assert square["measurements"][0]["contract"]["why"] == "squares of small integers are exact"


def test_failure_shows_error_bound_worst_input_and_snippet(demo, tmp_path):
    report_path = tmp_path / "report.json"
    result = demo("--assay-impl", "demo_adapters:Bad", "--assay-report", str(report_path))
    result.assert_outcomes(passed=2, failed=1, skipped=2)
    result.stdout.fnmatch_lines([
        "*demo-bad: square(x) equals x*x",
        "*demo.square / value ?float64?: max error 2.252e+15 ulp exceeds the bound 0 ulp*",
        "*worst input: 3.0",
        "*got 9.5, expected 9.0",
        "*why this bound: squares of small integers are exact",
        "*reproduce in a fresh Python:",
        "*print('demo_adapters:Bad', 3.0)",
    ])
    square = {t["id"]: t for t in json.loads(report_path.read_text())["tests"]}["test_demo.py::test_square"]
    assert square["status"] == "failed"
    assert square["worst_input"] == 3.0
    assert square["max_error"] == pytest.approx(0.5 / 2.0**-52)
    assert "print('demo_adapters:Bad', 3.0)" in square["measurements"][0]["reproduce"]


def test_environment_variable_names_the_implementation(demo, monkeypatch):
    monkeypatch.setenv("ASSAY_IMPL", "demo_adapters:Bad")
    result = demo()
    result.assert_outcomes(passed=2, failed=1, skipped=2)
    result.stdout.fnmatch_lines(["assay: implementation demo-bad*"])


def test_option_wins_over_environment(demo, monkeypatch):
    monkeypatch.setenv("ASSAY_IMPL", "demo_adapters:Bad")
    demo("--assay-impl", "demo_adapters:Good").assert_outcomes(passed=3, skipped=2)


def test_spec_options_reach_the_factory(demo):
    result = demo("--assay-impl", "demo_adapters:Configurable[offset=1]")
    result.assert_outcomes(passed=2, failed=1, skipped=2)
    result.stdout.fnmatch_lines(["assay: implementation demo-offset-1*"])


def test_missing_library_skips_every_test_with_the_reason(demo, tmp_path):
    report_path = tmp_path / "report.json"
    result = demo("--assay-impl", "demo_adapters:missing", "--assay-report", str(report_path), "-rs")
    result.assert_outcomes(skipped=5)
    result.stdout.fnmatch_lines(["*UNAVAILABLE (demo library is not installed (pip install demo))*",
                                 "*implementation unavailable: demo_adapters:missing*"])
    report = json.loads(report_path.read_text())
    assert report["summary"]["unavailable"] == 5
    assert report["summary"]["passed"] == 0


def test_unknown_implementation_is_a_usage_error(demo):
    result = demo("--assay-impl", "no_such_module_anywhere")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*neither a registered adapter*"])


def test_malformed_spec_is_a_usage_error(demo):
    result = demo("--assay-impl", "builtin[dtype]")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*must be key=value*"])


def test_skips_and_xfails_files(demo, pytester, tmp_path):
    skips = tmp_path / "skips.txt"
    skips.write_text("# known gaps\ntest_demo.py::test_power  # all degrees\n\ntest_demo.py::test_nothing_here\n")
    xfails = tmp_path / "xfails.txt"
    xfails.write_text("test_demo.py::test_square   # off by 0.5 at x = 3\n")
    result = demo("--assay-impl", "demo_adapters:Bad", "--assay-skips", str(skips), "--assay-xfails", str(xfails),
                  "-W", "default")
    result.assert_outcomes(xfailed=1, skipped=4)
    result.stdout.fnmatch_lines(
        ["*AssayConformanceWarning*'test_demo.py::test_nothing_here' matches no collected test*"])


def test_missing_ids_file_is_a_usage_error(demo, tmp_path):
    result = demo("--assay-skips", str(tmp_path / "absent.txt"))
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_profile_option_loads_the_hypothesis_profile(demo, pytester):
    pytester.makepyfile(test_profile='''
        from hypothesis import settings

        def test_profile_is_quick():
            assert settings.default.max_examples == 10
            assert settings.default.derandomize
    ''')
    demo("--assay-profile", "quick", "test_profile.py").assert_outcomes(passed=1)


def test_bad_profile_is_refused(demo):
    assert demo("--assay-profile", "fast").ret == pytest.ExitCode.USAGE_ERROR


def test_plugin_import_is_cheap_and_has_no_autouse_fixture():
    code = (
        "import sys, assay.conformance.plugin as p\n"
        "heavy = [m for m in ('torch', 'e3nn', 'sympy', 'numpy', 'hypothesis', 'mpmath') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "fixtures = [v for v in vars(p).values() if hasattr(v, '_pytestfixturefunction') or "
        "type(v).__name__ == 'FixtureFunctionDefinition']\n"
        "assert fixtures, 'no fixtures found'\n"
        "for f in fixtures:\n"
        "    marker = getattr(f, '_pytestfixturefunction', None) or getattr(f, '_fixture_function_marker', None)\n"
        "    assert not marker.autouse, f\n"
        "print('ok', len(fixtures))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")


def test_unrelated_runs_get_no_header_and_no_adapter(demo, pytester):
    pytester.makepyfile(test_plain="def test_plain():\n    assert 1 + 1 == 2\n")
    result = demo("test_plain.py")
    result.assert_outcomes(passed=1)
    assert "assay: implementation" not in result.stdout.str()
    assert "assay conformance" not in result.stdout.str()


def test_skip_ids_match_exactly_not_as_prefixes(demo, pytester, tmp_path):
    pytester.makepyfile(test_ids='''
import pytest


@pytest.mark.assay_capability("demo.square")
@pytest.mark.parametrize("l", [1, 10, 11])
def test_degree(assay_adapter, l):
    assert assay_adapter.get("demo.square")(2.0) == 4.0
''')
    skips = tmp_path / "skips.txt"
    skips.write_text("test_ids.py::test_degree[1]\n")
    result = demo("--assay-impl", "demo_adapters:Good", "--assay-skips", str(skips), "test_ids.py", "-rs")
    result.assert_outcomes(passed=2, skipped=1)  # [1] only: not [10], not [11]


def test_an_adapter_that_raises_is_an_error_with_its_message(demo, pytester, tmp_path):
    pytester.makepyfile(raising_adapter='''
from demo_adapters import Good
from assay.conformance.adapters import capability


class Raising(Good):
    name = "demo-raising"

    @capability("demo.square")
    def square(self, x):
        raise RuntimeError("the GPU kernel is not compiled")
''')
    report_path = tmp_path / "report.json"
    result = demo("--assay-impl", "raising_adapter:Raising", f"--assay-report={report_path}", "test_demo.py")
    result.assert_outcomes(passed=2, failed=1, skipped=2)
    square = {t["id"]: t for t in json.loads(report_path.read_text())["tests"]}["test_demo.py::test_square"]
    assert square["status"] == "error"
    assert square["reason"] == "RuntimeError: the GPU kernel is not compiled"
    result.stdout.fnmatch_lines(["*1 error*"])


def test_integer_only_limit_makes_half_integer_cases_not_provided(demo, pytester, tmp_path):
    pytester.makepyfile(spins='''
from fractions import Fraction

import pytest

from assay.conformance.adapters import Adapter, capability
from assay.conformance.registry import allows


class IntegerOnly(Adapter):
    name = "integer-only"

    @capability("so3.wigner_3j", integer_spins=True)
    def wigner_3j(self, *args):
        from assay.reference.so3.coupling import wigner_3j

        if any(Fraction(a).denominator != 1 for a in args[:3]):
            raise ValueError("half-integer spins are not supported")
        return wigner_3j(*args)


@pytest.mark.assay_capability("so3.wigner_3j", limits={"spin": "j"})
@pytest.mark.parametrize("j", [Fraction(1), Fraction(3, 2), Fraction(2)], ids=str)
def test_spin(assay_adapter, j):
    assert allows(assay_adapter, "so3.wigner_3j", spin=(j, j, 1)) == (j.denominator == 1)
    assert assay_adapter.get("so3.wigner_3j")(j, j, 0, 0, 0, 0) != 0 or j.denominator != 1
''')
    result = demo("--assay-impl", "spins:IntegerOnly", "spins.py", "-rs")
    result.assert_outcomes(passed=2, skipped=1)
    result.stdout.fnmatch_lines(
        ["*not provided by integer-only: so3.wigner_3j at spin 3/2 (declared integer_spins=True)"])


def test_a_limit_a_capability_does_not_take_is_refused():
    from assay.conformance.adapters import Adapter, capability

    with pytest.raises(ValueError, match=r"wigner_3j does not take the limit 'max_degree'.*integer_spins, max_spin"):
        class Wrong(Adapter):
            @capability("so3.wigner_3j", max_degree=3)
            def wigner_3j(self, *args):
                return 0
    with pytest.raises(ValueError, match=r"domain so3 has no capability 'so3.wigner3j'"):
        class Typo(Adapter):
            @capability("so3.wigner3j")
            def wigner_3j(self, *args):
                return 0


def test_module_object_resolves_from_the_current_directory_in_plain_pytest(tmp_path):
    """A spec naming a module in the directory pytest is started in works without PYTHONPATH tricks."""
    (tmp_path / "my_local_adapter.py").write_text(
        "from assay.conformance.so3.builtin import So3Builtin\n\n\nclass Mine(So3Builtin):\n    name = 'mine'\n")
    command = [sys.executable, "-m", "pytest", "--pyargs", "assay.conformance.so3.test_so3_gaunt",
               "--assay-impl=my_local_adapter:Mine", "--assay-profile=quick", "-q", "-p", "no:cacheprovider",
               "-k", "test_gaunt_values"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "mine" in result.stdout and "passed" in result.stdout


def test_a_misconfigured_adapter_is_one_usage_error(demo):
    result = demo("--assay-impl", "builtin[method=bogus]", "-q")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--assay-impl 'builtin[[]method=bogus[]]': ValueError: method must be one of*"])


def test_an_empty_implementation_name_is_refused(demo, monkeypatch):
    result = demo("--assay-impl=", "-q")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--assay-impl is empty*"])
    monkeypatch.setenv("ASSAY_IMPL", "")
    result = demo("-q")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*$ASSAY_IMPL is set but empty*"])
