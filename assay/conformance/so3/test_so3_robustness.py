"""Conformance: robustness — an invalid argument raises a Python exception; it never aborts the interpreter and
never returns a number.

The probes run in a child process (``sys.executable -c``), so a native crash (a Rust panic that aborts, a C
``exit``, a segmentation fault) cannot take pytest down with it. The first robustness test of a session starts one
child that loads the adapter with :func:`assay.conformance.adapters.load_adapter` (the spec of the run) and calls
the probes of every capability the adapter provides, in order, printing a JSON line before and after each (loading
torch once instead of once per capability); when the child dies, the probe it had started is recorded as the crash
and a new child carries on from the next probe. A child that dies *after* its probes returned (memory corrupted by
one of them, found when the interpreter frees it at exit — sphericart with ``lmax = -1``) is followed by one child
per probe to find the culprit. A child that runs past the time limit is killed and its probe recorded as a hang.
Each test then checks the outcomes of its own capability; they are also attached to the test as the user property
``assay_robustness`` (probe, arguments, outcome, detail).

Probes, per capability:

- coupling scalars (``so3.clebsch_gordan``, ``so3.wigner_3j``, ``so3.gaunt``, ``so3.real_gaunt``): an order out of
  range (|m| > j, e.g. ``wigner_3j(1, 1, 1, 2, 0, -2)``), a negative degree, a degree that is not a multiple of
  1/2 (CG/3j) or not an integer (Gaunt), a half-integer order in a Gaunt coefficient, and — for an adapter that
  declares ``integer_spins=True`` — a half-integer j, which it has declared it cannot take;
- harmonics (``so3.spherical_harmonics``, ``so3.solid_harmonics``): a negative ``lmax`` and a non-integer one;
- Wigner D (``so3.wigner_D``, ``so3.wigner_D_matrix``): a negative degree and a non-integer one.

Acceptable outcomes: a raised ``Exception`` (its type is reported; ``ValueError``/``TypeError`` are the
idiomatic ones). For the selection-rule probes (|m| > j, and a negative j, outside the physical range) an exact
zero is accepted too: some libraries define the symbol as zero there (sympy returns 0 for both, WIGXJPF returns
0.0); for a negative ``lmax`` or degree of an array an empty array (no degrees) is accepted likewise. Anything
else fails, with the probe, the outcome and a reproduction snippet: a crash or hang, a non-zero or non-finite
number, a non-empty array, or a zero where no convention defines one.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass

import pytest

CG = "so3.clebsch_gordan"
THREE_J = "so3.wigner_3j"
GAUNT = "so3.gaunt"
REAL_GAUNT = "so3.real_gaunt"
SH = "so3.spherical_harmonics"
SOLID = "so3.solid_harmonics"
D_ANGLES = "so3.wigner_D"
D_MATRIX = "so3.wigner_D_matrix"

#: Seconds one child may run (loading the adapter included) before it is killed and its probe called a hang.
CHILD_TIMEOUT_S = 120


@dataclass(frozen=True)
class Probe:
    """One invalid call: what is wrong, the arguments as Python source (names: ``Fraction``, ``XYZ``, ``ROT``),
    whether an exact zero (or an empty array) is an acceptable answer, and whether only integer-only adapters
    get it (``integer_only``)."""

    what: str
    args: str
    zero_ok: bool = False
    integer_only: bool = False


_HALF_INTEGER_SPIN = Probe("half-integer j, declared unsupported (integer_spins=True)",
                           "(Fraction(1, 2), Fraction(1, 2), 1, Fraction(1, 2), Fraction(1, 2), 1)",
                           integer_only=True)

PROBES: dict[str, tuple[Probe, ...]] = {
    CG: (
        Probe("m1 out of range (|m1| > j1)", "(1, 1, 2, 2, 0, 2)", zero_ok=True),
        Probe("m3 out of range (|m3| > j3)", "(1, 1, 1, 1, 1, 2)", zero_ok=True),
        Probe("negative j1", "(-1, 1, 1, 0, 0, 0)", zero_ok=True),
        Probe("j1 not a multiple of 1/2", "(Fraction(1, 3), 1, 1, 0, 0, 0)"),
        _HALF_INTEGER_SPIN,
    ),
    THREE_J: (
        Probe("m1 out of range (|m1| > j1)", "(1, 1, 1, 2, 0, -2)", zero_ok=True),
        Probe("m3 out of range (|m3| > j3)", "(1, 2, 2, 1, 2, -3)", zero_ok=True),
        Probe("negative j1", "(-1, 1, 1, 0, 0, 0)", zero_ok=True),
        Probe("j1 not a multiple of 1/2", "(Fraction(1, 3), 1, 1, 0, 0, 0)"),
        Probe(_HALF_INTEGER_SPIN.what, "(Fraction(1, 2), Fraction(1, 2), 1, Fraction(1, 2), Fraction(-1, 2), 0)",
              integer_only=True),
    ),
    GAUNT: (
        Probe("m1 out of range (|m1| > l1)", "(1, 1, 2, 2, 0, -2)", zero_ok=True),
        Probe("negative l1", "(-1, 1, 2, 0, 0, 0)", zero_ok=True),
        Probe("half-integer degrees", "(Fraction(3, 2), Fraction(1, 2), 1, Fraction(1, 2), Fraction(-1, 2), 0)"),
        Probe("non-integer degree (float)", "(1.5, 1.5, 1, 0.5, -0.5, 0)"),
        Probe("half-integer orders", "(2, 2, 2, Fraction(1, 2), Fraction(-1, 2), 0)"),
    ),
    SH: (
        Probe("negative lmax", "(-1, XYZ)", zero_ok=True),
        Probe("non-integer lmax", "(1.5, XYZ)"),
    ),
    D_ANGLES: (
        Probe("negative l", "(-1, 0.1, 0.2, 0.3)", zero_ok=True),
        Probe("non-integer l", "(1.5, 0.1, 0.2, 0.3)"),
    ),
    D_MATRIX: (
        Probe("negative l", "(-1, ROT)", zero_ok=True),
        Probe("non-integer l", "(1.5, ROT)"),
    ),
}
PROBES[REAL_GAUNT] = PROBES[GAUNT]
PROBES[SOLID] = PROBES[SH]

# The child: loads the adapter, then for each probe prints {"event": "start"} and {"event": "done", ...}.
_CHILD = r'''
import json, math, sys
from fractions import Fraction
import numpy as np

def emit(**record):
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()

def describe(result):
    if not isinstance(result, (str, bytes)) and (hasattr(result, "shape") or isinstance(result, (list, tuple))):
        try:
            array = np.asarray(result)
        except Exception as error:
            return {"outcome": "value", "value": f"unconvertible {type(result).__name__}: {error}"[:200]}
        if array.size == 0:
            return {"outcome": "empty", "value": f"array of shape {array.shape}"}
        if array.ndim > 0:
            return {"outcome": "value", "value": f"array of shape {array.shape}: {array.ravel()[:4]!r}"[:300]}
        result = array.item()
    text = f"{type(result).__name__} {result!r}"[:200]
    try:
        number = complex(result)
    except Exception:
        return {"outcome": "value", "value": text}
    return {"outcome": "zero" if number == 0 else "value", "value": text}

spec, start, stop, plan = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), json.loads(sys.argv[4])
namespace = {"Fraction": Fraction, "XYZ": np.array([[0.0, 0.0, 1.0], [0.6, 0.0, 0.8]]), "ROT": np.eye(3)}
try:
    from assay.conformance.adapters import load_adapter
    adapter = load_adapter(spec)
    calls = [(adapter.get(capability), eval(source, namespace)) for capability, source in plan]
except Exception as error:
    emit(event="setup-error", error=f"{type(error).__name__}: {error}"[:500])
    sys.exit(3)
for index in range(start, min(stop, len(calls))):
    function, arguments = calls[index]
    emit(event="start", index=index)
    try:
        result = function(*arguments)
    except Exception as error:
        emit(event="done", index=index, outcome="raised", type=type(error).__name__, value=str(error)[:200])
        continue
    emit(event="done", index=index, **describe(result))
'''


def _text(stream: object) -> str:
    if stream is None:
        return ""
    return stream.decode(errors="replace") if isinstance(stream, bytes) else str(stream)


def _stderr_gist(stderr: str) -> str:
    """The informative part of a dead child's stderr: a Rust panic's message (before its backtrace), a Python
    traceback's last line, or the last lines."""
    lines = [line.rstrip() for line in stderr.strip().splitlines() if line.strip()]
    for number, line in enumerate(lines):
        if "panicked at" in line:
            return " ".join(lines[number:number + 2]) + (f" … {lines[-1].strip()}" if len(lines) > number + 2 else "")
    return " | ".join(lines[-3:])


def _death(returncode: int | None) -> str:
    if returncode is None:
        return f"hang (killed after {CHILD_TIMEOUT_S} s)"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"crash: the interpreter died with {name}"
    return f"crash: the interpreter exited with status {returncode}"


def _run_child(spec: str, encoded: str, start: int, stop: int) -> tuple[dict[int, dict], int | None, int | None, str]:
    """One child running calls ``start..stop-1``: (outcomes of the calls it finished, the call it started last,
    its return code — None when killed after the time limit —, its stderr)."""
    command = [sys.executable, "-c", _CHILD, spec, str(start), str(stop), encoded]
    try:
        done = subprocess.run(command, capture_output=True, timeout=CHILD_TIMEOUT_S, cwd=os.getcwd())
        stdout, stderr, returncode = _text(done.stdout), _text(done.stderr), done.returncode
    except subprocess.TimeoutExpired as error:
        stdout, stderr, returncode = _text(error.stdout), _text(error.stderr), None
    outcomes: dict[int, dict] = {}
    started = None
    for line in stdout.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue  # the library's own output
        if not isinstance(record, dict):
            continue
        if record.get("event") == "setup-error":
            raise AssertionError(f"the child process could not load {spec!r}: {record['error']}")
        if record.get("event") == "start":
            started = record["index"]
        elif record.get("event") == "done":
            outcomes[record["index"]] = record
    return outcomes, started, returncode, stderr


def run_probes(spec: str, plan: list[tuple[str, str]]) -> list[dict]:
    """Run the calls of ``plan`` (``(capability, arguments source)`` pairs) in child processes, in order; one
    outcome dict per call (``outcome`` is ``raised``, ``zero``, ``empty``, ``value``, ``crash`` or ``hang``).

    A child that dies inside a call records that call as the crash and the next child starts after it. A child
    that dies after finishing its calls (memory corrupted by one of them, found when the interpreter frees it at
    exit) is followed by one child per call, to find the call that leaves the interpreter unable to exit."""
    encoded = json.dumps(plan)
    outcomes: dict[int, dict] = {}
    start = 0
    while start < len(plan):
        found, started, returncode, stderr = _run_child(spec, encoded, start, len(plan))
        outcomes.update(found)
        if returncode == 0 and all(i in outcomes for i in range(start, len(plan))):
            break
        if started is not None and started not in found:  # died inside this call
            outcomes[started] = {"outcome": "hang" if returncode is None else "crash", "value": _death(returncode),
                                 "stderr": _stderr_gist(stderr)}
            start = started + 1
            continue
        # died outside every call: run the calls it made one by one to find the one that corrupts the process
        culprits = 0
        for index in range(start, max(found, default=start - 1) + 1):
            single, _, code, err = _run_child(spec, encoded, index, index + 1)
            if code != 0:
                culprits += 1
                returned = _describe(single[index]) if index in single else "did not finish"
                outcomes[index] = {"outcome": "hang" if code is None else "crash",
                                   "value": f"{returned}, then {_death(code)} at exit",
                                   "stderr": _stderr_gist(err)}
        if not culprits:
            raise AssertionError(f"the child process for {spec!r} died outside every probe ({_death(returncode)}), "
                                 f"but no probe alone kills it; stderr:\n{stderr[-2000:]}")
        start = max(found, default=start) + 1
    return [outcomes[i] for i in range(len(plan))]


#: Outcomes per adapter spec: {capability: [(probe, outcome), ...]}, filled by the first robustness test of a
#: session for every capability the adapter provides, so one child process serves all of them.
_OUTCOMES: dict[str, dict[str, list[tuple[Probe, dict]]]] = {}


def _probes_for(adapter, capability: str) -> list[Probe]:
    integer_only = bool(adapter.limit(capability, "integer_spins", False))
    return [p for p in PROBES[capability] if integer_only or not p.integer_only]


def _outcomes(adapter, capability: str) -> list[tuple[Probe, dict]]:
    spec = adapter.spec or adapter.name
    if spec not in _OUTCOMES or capability not in _OUTCOMES[spec]:
        provided = [c for c in PROBES if adapter.provides(c)] if hasattr(adapter, "provides") else [capability]
        if capability not in provided:
            provided.append(capability)
        pairs = [(c, p) for c in provided for p in _probes_for(adapter, c)]
        results = run_probes(spec, [(c, p.args) for c, p in pairs])
        table: dict[str, list[tuple[Probe, dict]]] = {c: [] for c in provided}
        for (c, probe), outcome in zip(pairs, results):
            table[c].append((probe, outcome))
        _OUTCOMES.setdefault(spec, {}).update(table)
    return _OUTCOMES[spec][capability]


def _acceptable(probe: Probe, outcome: dict) -> bool:
    kind = outcome["outcome"]
    return kind == "raised" or (probe.zero_ok and kind in ("zero", "empty"))


def _describe(outcome: dict) -> str:
    if outcome["outcome"] == "raised":
        return f"raised {outcome['type']}: {outcome['value']}"
    if outcome["outcome"] in ("crash", "hang"):
        tail = outcome.get("stderr", "")
        return outcome["value"] + (f" (stderr: {tail[-400:]})" if tail else "")
    return f"returned {outcome['value']}"


def _snippet(spec: str, capability: str, probe: Probe) -> str:
    return (
        "# run in a fresh Python (a crash takes the interpreter with it)\n"
        "from fractions import Fraction\nimport numpy as np\n"
        "from assay.conformance.adapters import load_adapter\n"
        "XYZ = np.array([[0.0, 0.0, 1.0], [0.6, 0.0, 0.8]]); ROT = np.eye(3)\n"
        f"print(load_adapter({spec!r}).get({capability!r})(*{probe.args}))\n"
    )


def _check(request: pytest.FixtureRequest, adapter, capability: str) -> None:
    results = _outcomes(adapter, capability)
    request.node.user_properties.append(("assay_robustness", [
        {"probe": p.what, "args": p.args, "outcome": o["outcome"], "detail": _describe(o)} for p, o in results]))
    bad = [(p, o) for p, o in results if not _acceptable(p, o)]
    if bad:
        lines = [f"{adapter.name}: {len(bad)} of {len(results)} invalid calls of {capability} did not raise a "
                 "Python exception:"]
        for probe, outcome in bad:
            lines.append(f"  {capability}{probe.args} — {probe.what}: {_describe(outcome)}")
        lines.append("expected: a raised exception (ValueError/TypeError)"
                     + ("; or an exact zero where the symbol is conventionally zero" if any(
                         p.zero_ok for p, _ in bad) else ""))
        lines.append("  reproduce in a fresh Python:")
        lines += ["    " + line for line in _snippet(adapter.spec or adapter.name, capability, bad[0][0]).splitlines()]
        raise AssertionError("\n".join(lines))


@pytest.mark.assay_capability(CG)
def test_clebsch_gordan_robustness(assay_adapter, request):
    _check(request, assay_adapter, CG)


@pytest.mark.assay_capability(THREE_J)
def test_wigner_3j_robustness(assay_adapter, request):
    _check(request, assay_adapter, THREE_J)


@pytest.mark.assay_capability(GAUNT)
def test_gaunt_robustness(assay_adapter, request):
    _check(request, assay_adapter, GAUNT)


@pytest.mark.assay_capability(REAL_GAUNT)
def test_real_gaunt_robustness(assay_adapter, request):
    _check(request, assay_adapter, REAL_GAUNT)


@pytest.mark.assay_capability(SH)
def test_spherical_harmonics_robustness(assay_adapter, request):
    _check(request, assay_adapter, SH)


@pytest.mark.assay_capability(SOLID)
def test_solid_harmonics_robustness(assay_adapter, request):
    _check(request, assay_adapter, SOLID)


@pytest.mark.assay_capability(D_ANGLES)
def test_wigner_D_robustness(assay_adapter, request):
    _check(request, assay_adapter, D_ANGLES)


@pytest.mark.assay_capability(D_MATRIX)
def test_wigner_D_matrix_robustness(assay_adapter, request):
    _check(request, assay_adapter, D_MATRIX)
