"""The ``assay`` pytest plugin (entry point ``pytest11``): options, fixtures, skips/xfails files and the report.

Options (group "assay"):

- ``--assay-impl NAME`` — the implementation under test: a registered adapter name, ``module:object``, optionally
  with options ``NAME[key=value,...]``. Falls back to ``$ASSAY_IMPL``, then ``builtin``.
- ``--assay-profile quick|ci|thorough`` — how much to check (each domain's size row, ``Domain.sizes``) and the
  Hypothesis settings of the same name (``assay.core.profiles``). Without it a conformance run checks the ``ci``
  sizes under the Hypothesis profile ``$ASSAY_PROFILE`` names, else the derandomized ``ci``: a gating run is
  deterministic by default, and random exploration (``thorough``, or ``ASSAY_PROFILE=dev``) is opt-in. A run
  that explores says so in the report header; its failures carry the failing example in their snippet.
- ``--assay-report PATH`` — write the JSON report (``assay.conformance.report``).
- ``--assay-skips FILE`` / ``--assay-xfails FILE`` — test ids, one per line, ``#`` starts a comment. An id names a
  test case exactly (``so3/test_so3_harmonics.py::test_spherical_harmonics_values[l=1]``), every case of a test
  (``...::test_spherical_harmonics_values``) or every test of a chapter (``so3/test_so3_harmonics.py``); ids are
  relative to the ``assay/conformance`` package, whatever pytest's rootdir (the folder may be left out: chapter
  file names are unique). A line that matches no collected test gives a warning.

Importing this module is cheap: it imports pytest and the standard library only; the adapter (and torch, e3nn…)
is loaded when a conformance test first needs it, or for the report header when an implementation is named
explicitly. No fixture is autouse.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

__all__ = ["AssayConformanceWarning", "item_id", "read_id_file"]

_IMPL_ENV = "ASSAY_IMPL"
_DEFAULT_IMPL = "builtin"
_PROFILES = ("quick", "ci", "thorough")


class AssayConformanceWarning(UserWarning):
    """A problem with the conformance configuration (e.g. a skips-file line that matches no test)."""


@dataclass
class _State:
    spec: str
    explicit: bool
    profile: str | None
    adapter: Any = None
    unavailable: str | None = None
    loaded: bool = False
    phases: dict[str, dict] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)

    def load(self) -> Any:
        """The adapter, loaded once; ``None`` (with ``unavailable`` set) when its library is missing."""
        if not self.loaded:
            from assay.conformance.adapters import AdapterUnavailable, load_adapter

            self.loaded = True
            try:
                self.adapter = load_adapter(self.spec)
            except AdapterUnavailable as error:
                self.unavailable = str(error)
            except Exception:
                self.loaded = False  # not cached: every test that needs it errors with the same exception
                raise
        return self.adapter

    def metadata(self) -> dict:
        adapter = self.load()
        if adapter is None:
            return {"spec": self.spec, "name": self.spec, "unavailable": self.unavailable}
        capabilities = adapter.capabilities()
        return {
            "spec": self.spec,
            "name": adapter.name,
            "version": adapter.version,
            "device": adapter.device,
            "dtype": adapter.dtype,
            "conventions": dict(adapter.conventions),
            "capabilities": {name: dict(cap.limits) for name, cap in sorted(capabilities.items())},
            "unavailable": None,
        }


_STATE = pytest.StashKey[_State]()
_HYPOTHESIS = pytest.StashKey[str]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("assay", "assay conformance suite")
    group.addoption("--assay-impl", dest="assay_impl", default=None, metavar="NAME",
                    help="implementation under test: a registered adapter (builtin, e3nn, sympy, ...) or "
                         f"module:object, optionally NAME[key=value,...]; default ${_IMPL_ENV} or builtin")
    group.addoption("--assay-profile", dest="assay_profile", default=None, choices=_PROFILES,
                    help="how much to check, and the Hypothesis profile of the same name (default: ci sizes, "
                         "Hypothesis settings untouched)")
    group.addoption("--assay-report", dest="assay_report", default=None, metavar="PATH",
                    help="write a JSON conformance report to PATH")
    group.addoption("--assay-skips", dest="assay_skips", default=None, metavar="FILE",
                    help="file of test ids to skip: a case, a test or a chapter file, one per line (# comments)")
    group.addoption("--assay-xfails", dest="assay_xfails", default=None, metavar="FILE",
                    help="file of test ids expected to fail: a case, a test or a chapter file (# comments)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "assay_capability(name=None, *, param=None, limits=None): a conformance test of capability `name` (or "
        "of the capability named by the parameter `param`); skipped as 'not provided by <impl>' when the "
        "implementation does not provide it, or when a parameter is outside a limit it declares (`limits` maps a "
        "quantity such as 'degree' to the name of the parameter that holds it)",
    )
    option = config.getoption("assay_impl")
    env = os.environ.get(_IMPL_ENV)
    # an empty name (a CI line with an unset variable) must not quietly test builtin and pass
    if option is not None and not option.strip():
        raise pytest.UsageError("--assay-impl is empty: name the implementation under test (e.g. builtin)")
    if option is None and env is not None and not env.strip():
        raise pytest.UsageError(f"${_IMPL_ENV} is set but empty: name the implementation under test or unset it")
    spec = option or env or _DEFAULT_IMPL
    profile = config.getoption("assay_profile")
    config.stash[_STATE] = _State(spec=spec, explicit=bool(option or env), profile=profile)
    if option or env:
        from assay.conformance.adapters import parse_spec

        try:
            parse_spec(spec)
        except ValueError as error:
            raise pytest.UsageError(f"--assay-impl: {error}") from None
        # a misconfigured adapter (unknown module, bad option, illegal limit, a factory that raises) is one usage
        # error now, not an error in the first test and "unavailable" in all the others
        try:
            config.stash[_STATE].load()
        except Exception as error:
            raise pytest.UsageError(f"--assay-impl {spec!r}: {type(error).__name__}: {error}") from None
    if profile is not None or _is_conformance_run(config):
        _load_hypothesis_profile(config, profile)
    if not hasattr(config, "workerinput"):  # xdist workers send their reports to the controller
        report = config.getoption("assay_report")
        if report is not None:
            _check_report_path(_absolute(config, report))
        config.pluginmanager.register(_Recorder(config), "assay-conformance-recorder")


def _state(config: pytest.Config) -> _State:
    return config.stash[_STATE]


def _check_report_path(path: Path) -> None:
    """Refuse a ``--assay-report`` path that cannot be written before any test runs (not after all of them)."""
    from assay.conformance.report import output_file_problem

    problem = output_file_problem(path)
    if problem is None:
        return
    kind, detail = problem
    if kind == "directory":
        raise pytest.UsageError(f"--assay-report {str(path)!r} is a directory; give a file path")
    if kind == "parent":
        raise pytest.UsageError(f"--assay-report {str(path)!r}: {detail!r} is not a directory")
    raise pytest.UsageError(f"--assay-report {str(path)!r} cannot be written: {detail}")


def _load_hypothesis_profile(config: pytest.Config, profile: str | None) -> None:
    """Load ``profile``'s Hypothesis settings, or the default (``$ASSAY_PROFILE``, else the derandomized ``ci``)
    when none is named — unless ``--hypothesis-profile`` chose one explicitly."""
    from assay.core.profiles import load_profile

    if profile is None and _option(config, "hypothesis_profile"):
        return
    try:
        config.stash[_HYPOTHESIS] = load_profile(profile)
    except ValueError as error:
        raise pytest.UsageError(f"assay: {error}") from None


def _option(config: pytest.Config, name: str) -> Any:
    try:
        return config.getoption(name)
    except ValueError:  # the option's plugin is not loaded
        return None


def hypothesis_profile_line(config: pytest.Config) -> str:
    """``"Hypothesis 'ci' (derandomized)"`` or ``"Hypothesis 'dev' (randomized: …)"`` for the header."""
    from assay.core.profiles import DERANDOMIZED

    name = config.stash.get(_HYPOTHESIS, None)
    if name is None:
        return "Hypothesis settings from --hypothesis-profile"
    if name in DERANDOMIZED:
        return f"Hypothesis {name!r} (derandomized)"
    return (f"Hypothesis {name!r} (randomized exploration: a failure's snippet holds the example that failed; "
            "rerun with --assay-profile ci for a deterministic verdict)")


def _is_conformance_run(config: pytest.Config) -> bool:
    state = _state(config)
    return state.explicit or any("conformance" in str(arg) for arg in config.args)


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    if _STATE not in config.stash or not _is_conformance_run(config):
        return None
    state = _state(config)
    try:
        meta = state.metadata()
    except (ValueError, TypeError) as error:
        raise pytest.UsageError(f"--assay-impl {state.spec!r}: {error}") from None
    profile = f"{state.profile or 'ci (default sizes)'}, {hypothesis_profile_line(config)}"
    if meta.get("unavailable"):
        return [f"assay: implementation {state.spec} UNAVAILABLE ({meta['unavailable']}); profile {profile}"]
    return [
        f"assay: implementation {meta['name']} {meta['version']} (spec {state.spec!r}, device {meta['device']}, "
        f"dtype {meta['dtype']}); profile {profile}",
        f"assay: provides {', '.join(meta['capabilities']) or 'nothing'}",
    ]


# -- skips and xfails files ----------------------------------------------------------------------------------

def _absolute(config: pytest.Config, path: str) -> Path:
    """A path given on the command line, relative to the directory pytest was started in (not its rootdir)."""
    file = Path(path)
    return file if file.is_absolute() else Path(config.invocation_params.dir) / file


def read_id_file(path: str | os.PathLike) -> list[str]:
    """The test ids listed in ``path``: one per line, ``#`` starts a comment, blank lines ignored. A missing file,
    a directory, an unreadable or non-UTF-8 file is a usage error naming the file and the problem."""
    file = Path(path)
    if file.is_dir():
        raise pytest.UsageError(f"ids file {str(path)!r} is a directory; give a text file of test ids")
    if not file.is_file():
        raise pytest.UsageError(f"ids file {str(path)!r} does not exist")
    try:
        text = file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise pytest.UsageError(f"ids file {str(path)!r} is not UTF-8 text (byte {error.start}: "
                                f"{error.reason}); give a text file of test ids") from None
    except OSError as error:
        raise pytest.UsageError(f"ids file {str(path)!r} cannot be read: {error.strerror or error}") from None
    ids = []
    for line in text.splitlines():
        text = line.split("#", 1)[0].strip()
        if text:
            ids.append(text)
    return ids


def item_id(item: pytest.Item) -> str:
    """The id of a conformance test relative to the ``assay/conformance`` package —
    ``so3/test_so3_harmonics.py::test_spherical_harmonics_values[l=3]`` — taken from the file's location, so it is
    the same whatever pytest's rootdir and however the run was started (``--pyargs assay.conformance``, one domain,
    one chapter module). Tests outside the package keep their node id."""
    from assay.conformance.report import canonical_id

    package = Path(__file__).resolve().parent
    try:
        relative = Path(str(item.path)).resolve().relative_to(package).as_posix()
    except ValueError:
        return canonical_id(item.nodeid)
    return f"{relative}::{item.name}"


def _matches(item: pytest.Item, wanted: str) -> bool:
    """``wanted`` names this test case exactly, the test (all its cases) or its chapter file, relative to the
    ``assay/conformance`` package (:func:`item_id`); a chapter file may be named without its domain folder."""
    from assay.conformance.report import canonical_id

    nodeid = item_id(item)
    wanted = canonical_id(wanted.strip())
    candidates = {nodeid, nodeid.split("[", 1)[0], nodeid.split("::", 1)[0]}
    short = {c.split("/", 1)[1] if "/" in c.split("::", 1)[0] else c for c in candidates}
    return wanted in candidates or wanted in short


def _apply_id_file(config: pytest.Config, items: list[pytest.Item], option: str, make_marker: Any) -> None:
    path = config.getoption(option)
    if not path:
        return
    flag = "--" + option.replace("_", "-")
    for prefix in read_id_file(_absolute(config, path)):
        hit = False
        for item in items:
            if _matches(item, prefix):
                item.add_marker(make_marker(prefix))
                hit = True
        if not hit:
            warnings.warn(AssayConformanceWarning(f"{flag} {path}: {prefix!r} matches no collected test"),
                          stacklevel=1)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _apply_id_file(config, items, "assay_skips",
                   lambda prefix: pytest.mark.skip(reason=f"listed in --assay-skips ({prefix})"))
    _apply_id_file(config, items, "assay_xfails",
                   lambda prefix: pytest.mark.xfail(reason=f"listed in --assay-xfails ({prefix})", strict=False))
    for item in items:
        marker = item.get_closest_marker("assay_capability")
        if marker is not None or "assay_adapter" in getattr(item, "fixturenames", ()):
            capability = _marked_capability(item, marker) if marker is not None else None
            item.user_properties.append(("assay_test", {"capability": capability, "id": item_id(item)}))


# -- capability skips ----------------------------------------------------------------------------------------

def _marked_capability(item: pytest.Item, marker: Any) -> str | None:
    """The capability of a marked test: ``assay_capability("so3.x")`` or, for a test parametrized over several
    capabilities, ``assay_capability(param="capability")`` (the parameter's value names it)."""
    if marker.args:
        return marker.args[0]
    param = marker.kwargs.get("param")
    callspec = getattr(item, "callspec", None)
    if param and callspec is not None:
        return callspec.params.get(param)
    return None


def _case_quantities(item: pytest.Item, marker: Any) -> dict[str, Any]:
    """The quantities of a test case named by the marker's ``limits`` (quantity → parameter name)."""
    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return {}
    return {quantity: callspec.params[param] for quantity, param in (marker.kwargs.get("limits") or {}).items()
            if param in callspec.params}


def _not_provided_reason(adapter: Any, item: pytest.Item, marker: Any) -> str | None:
    from assay.conformance.registry import limit_violation
    from assay.conformance.report import NOT_PROVIDED_PREFIX

    capability = _marked_capability(item, marker)
    capabilities = adapter.capabilities()
    if capability is None:
        return None
    if capability not in capabilities:
        return f"{NOT_PROVIDED_PREFIX}{adapter.name}: {capability}"
    declared = dict(capabilities[capability].limits)
    violation = limit_violation(capability, declared, _case_quantities(item, marker))
    if violation:
        return f"{NOT_PROVIDED_PREFIX}{adapter.name}: {capability} at {violation}"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    marker = item.get_closest_marker("assay_capability")
    if marker is None:
        return
    from assay.conformance.report import UNAVAILABLE_PREFIX

    state = _state(item.config)
    adapter = state.load()
    if adapter is None:
        pytest.skip(f"{UNAVAILABLE_PREFIX}{state.spec}: {state.unavailable}")
    reason = _not_provided_reason(adapter, item, marker)
    if reason:
        pytest.skip(reason)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any):
    """An exception other than a failed check (an adapter that raises, a wrong type) is recorded as an error with
    its text, so the report and the matrix say ``error: ValueError: …`` instead of an empty failure."""
    outcome = yield
    report = outcome.get_result()
    if call.when != "call" or call.excinfo is None or item.get_closest_marker("assay_capability") is None:
        return
    if not call.excinfo.errisinstance((AssertionError, pytest.skip.Exception, pytest.xfail.Exception)):
        text = f"{call.excinfo.typename}: {call.excinfo.value}"
        report.user_properties.append(("assay_error", text[:2000]))


# -- fixtures (none autouse) -----------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def assay_adapter(request: pytest.FixtureRequest) -> Any:
    """The implementation under test (skips the test when its library is missing)."""
    from assay.conformance.report import UNAVAILABLE_PREFIX

    state = _state(request.config)
    adapter = state.load()
    if adapter is None:
        pytest.skip(f"{UNAVAILABLE_PREFIX}{state.spec}: {state.unavailable}")
    return adapter


@pytest.fixture
def assay_sizes(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The size row of the active conformance profile for the domain of this test's chapter."""
    from assay.conformance.sizes import sizes

    return sizes(_state(request.config).profile, _domain_of_path(request.node.path))


@pytest.fixture
def assay_check(request: pytest.FixtureRequest, assay_adapter: Any) -> Any:
    """A :class:`~assay.conformance.measure.Checker` that records measurements and fails against the contract."""
    from assay.conformance.measure import Checker

    return Checker(request.node, assay_adapter)


def _domain_of_path(path: Any) -> str:
    """The domain of a chapter: the folder under ``assay/conformance`` it lives in."""
    return Path(str(path)).parent.name


def profile_sizes(metafunc: pytest.Metafunc) -> dict[str, Any]:
    """The size row of the active profile for the chapter being collected (for ``pytest_generate_tests``)."""
    from assay.conformance.sizes import sizes

    config = metafunc.config
    return sizes(_state(config).profile if _STATE in config.stash else None, _domain_of_path(metafunc.definition.path))


# -- results and report ----------------------------------------------------------------------------------------

class _Recorder:
    """Collects the outcome of every conformance test (also from xdist workers) and writes the report."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        properties = list(getattr(report, "user_properties", ()) or ())
        if not any(key == "assay_test" for key, _ in properties):
            return
        from assay.conformance.report import classify

        state = _state(self.config)
        entry = state.phases.get(report.nodeid)
        if entry is None:
            entry = state.phases[report.nodeid] = {"status": None, "reason": "", "duration": 0.0, "properties": []}
            state.order.append(report.nodeid)
        entry["duration"] += float(getattr(report, "duration", 0.0) or 0.0)
        entry["properties"] = properties
        decided = classify(report)
        if decided is None:
            return
        if report.when == "teardown":
            if decided[0] == "error" and entry["status"] in (None, "passed", "xpassed"):
                entry["status"], entry["reason"] = decided
        elif entry["status"] is None or report.when == "call":
            entry["status"], entry["reason"] = decided

    def entries(self) -> list[dict]:
        from assay.conformance.report import make_entry

        state = _state(self.config)
        return [make_entry(nodeid, state.phases[nodeid]["status"] or "error", state.phases[nodeid]["reason"],
                           state.phases[nodeid]["duration"], state.phases[nodeid]["properties"])
                for nodeid in state.order]

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        path = self.config.getoption("assay_report")
        state = _state(self.config)
        if path and state.order:
            from assay.conformance.report import write_report

            try:
                meta = state.metadata()
            except Exception as error:  # the report must still be written
                meta = {"spec": state.spec, "name": state.spec, "unavailable": f"metadata failed: {error}"}
            write_report(path, meta, state.profile or "ci", self.entries())

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        state = _state(self.config)
        if not state.order:
            return
        from collections import Counter

        from assay.conformance.report import STATUSES

        counts = Counter(entry["status"] or "error" for entry in state.phases.values())
        name = state.adapter.name if state.adapter is not None else state.spec
        terminalreporter.section(f"assay conformance: {name}")
        terminalreporter.write_line(", ".join(f"{counts[s]} {s}" for s in STATUSES if counts.get(s)))
        if counts.get("not-provided"):
            terminalreporter.write_line(f"{counts['not-provided']} tests are not provided by {name} "
                                        "(skipped, not counted as passes)")
        path = self.config.getoption("assay_report")
        if path:
            terminalreporter.write_line(f"report written to {path}")
