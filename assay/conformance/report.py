"""The JSON conformance report: implementation metadata and, per test, status and measured error.

Format (``"format": "assay-conformance-report/1"``)::

    {
      "format": ..., "created": ISO time, "assay_version": ..., "python": ..., "platform": ...,
      "profile": "ci",
      "implementation": {"spec", "name", "version", "device", "dtype", "conventions", "capabilities", "unavailable"},
      "summary": {"passed": n, "failed": n, "not-provided": n, "skipped": n, "xfailed": n, "xpassed": n, "error": n},
      "tests": [
        {"nodeid", "id", "test", "capability", "status", "reason", "duration",
         "max_error", "mean_error", "unit", "bound", "worst_input", "measurements": [...]}
      ]
    }

``status`` is one of ``passed``, ``failed``, ``error``, ``not-provided`` (a capability or degree the implementation
does not provide — never counted as a pass), ``unavailable`` (the implementation could not be loaded), ``skipped``,
``xfailed``, ``xpassed``. ``max_error``/``mean_error``/``worst_input`` come from the measurement that used the
largest share of its bound; ``measurements`` lists them all.
"""

from __future__ import annotations

import json
import math
import platform
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

__all__ = [
    "FORMAT",
    "NOT_PROVIDED_PREFIX",
    "STATUSES",
    "UNAVAILABLE_PREFIX",
    "base_test_id",
    "canonical_id",
    "classify",
    "domain_of_id",
    "load_report",
    "write_report",
]

FORMAT = "assay-conformance-report/1"
NOT_PROVIDED_PREFIX = "not provided by "
UNAVAILABLE_PREFIX = "implementation unavailable: "
STATUSES = ("passed", "failed", "error", "not-provided", "unavailable", "skipped", "xfailed", "xpassed")

_PACKAGE_PART = re.compile(r"^(?:[^:\[]*/)?assay/conformance/")


def canonical_id(nodeid: str) -> str:
    """The node id relative to the ``assay/conformance`` package: ``so3/test_so3_coupling.py::test_x[3]``."""
    return _PACKAGE_PART.sub("", nodeid.replace("\\", "/"))


def base_test_id(nodeid: str) -> str:
    """The test without its parameters: ``so3/test_so3_coupling.py::test_x``."""
    return canonical_id(nodeid).split("[", 1)[0]


def domain_of_id(test_id: str) -> str:
    """The domain folder of a canonical test id (``so3/test_x.py::t`` → ``so3``); ``""`` for a test outside one."""
    path = canonical_id(test_id).split("::", 1)[0]
    return path.split("/", 1)[0] if "/" in path else ""


def _skip_reason(report: Any) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        reason = str(longrepr[2])
    else:
        reason = str(longrepr or "")
    return reason[len("Skipped: "):] if reason.startswith("Skipped: ") else reason


def _failure_reason(report: Any) -> str:
    """The first lines of a failure: the contract message (measured vs bound, worst input) without the snippet."""
    crash = getattr(getattr(report, "longrepr", None), "reprcrash", None)
    text = str(getattr(crash, "message", "") or report.longrepr or "")
    for prefix in ("assay.conformance.measure.ConformanceFailure: ", "ConformanceFailure: ", "AssertionError: "):
        if text.startswith(prefix):
            text = text[len(prefix):]
    return text.split("\n  reproduce in a fresh Python:", 1)[0][:2000]


def classify(report: Any) -> tuple[str, str] | None:
    """``(status, reason)`` of a test phase report, or ``None`` for a phase that does not decide the status.

    A call that raised something other than a failed check (the adapter raised, returned the wrong type…) is an
    ``error`` with the exception's text; a failed check is ``failed`` with the first lines of its message.
    """
    wasxfail = getattr(report, "wasxfail", None)
    if report.when == "call":
        if report.passed:
            return ("xpassed", str(wasxfail)) if wasxfail is not None else ("passed", "")
        if report.failed:
            error = next((v for k, v in getattr(report, "user_properties", ()) or () if k == "assay_error"), None)
            if error is not None:
                return "error", str(error)
            return "failed", _failure_reason(report)
    if report.skipped:
        if wasxfail is not None:
            return "xfailed", str(wasxfail)
        reason = _skip_reason(report)
        if reason.startswith(NOT_PROVIDED_PREFIX):
            return "not-provided", reason
        if reason.startswith(UNAVAILABLE_PREFIX):
            return "unavailable", reason
        return "skipped", reason
    if report.failed:  # setup or teardown error
        return "error", str(report.longrepr)[-2000:]
    return None


def _share(measurement: dict) -> float:
    bound = measurement.get("contract", {}).get("bound", 0.0)
    value = measurement.get("max", 0.0)
    value = math.inf if isinstance(value, str) else float(value)
    if not measurement.get("within", True):
        return math.inf if math.isnan(value) else 1e300 + value
    if bound == 0:
        return 0.0 if value == 0 else math.inf
    return value / bound


def make_entry(nodeid: str, status: str, reason: str, duration: float, properties: list) -> dict:
    """One entry of ``tests`` from the collected phase data."""
    measurements = [value for key, value in properties if key == "assay_measure"]
    info = next((value for key, value in properties if key == "assay_test"), {}) or {}
    test_id = info.get("id") or canonical_id(nodeid)
    entry: dict[str, Any] = {
        "nodeid": nodeid,
        "id": test_id,
        "test": test_id.split("[", 1)[0],
        "capability": info.get("capability"),
        "status": status,
        "reason": reason,
        "duration": round(duration, 6),
        "max_error": None,
        "mean_error": None,
        "unit": None,
        "bound": None,
        "worst_input": None,
        "measurements": measurements,
    }
    if measurements:
        worst = max(measurements, key=_share)
        entry.update(
            max_error=worst.get("max"),
            mean_error=worst.get("mean"),
            unit=worst.get("unit"),
            bound=worst.get("contract", {}).get("bound"),
            worst_input=worst.get("worst_input"),
        )
    return entry


def write_report(path: str | Path, implementation: dict, profile: str, tests: list[dict]) -> dict:
    """Write the report to ``path`` and return it."""
    try:
        from importlib.metadata import version

        assay_version = version("assay")
    except Exception:
        assay_version = "unknown (not installed)"
    summary = Counter(test["status"] for test in tests)
    report = {
        "format": FORMAT,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "assay_version": assay_version,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "profile": profile,
        "implementation": implementation,
        "summary": {status: summary.get(status, 0) for status in STATUSES},
        "tests": tests,
    }
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(report, indent=1, default=str))
    return report


def load_report(path: str | Path) -> dict:
    """Read a report written by :func:`write_report` (checks the format tag)."""
    data = json.loads(Path(path).read_text())
    if data.get("format") != FORMAT:
        raise ValueError(f"{path} is not an assay conformance report (format {data.get('format')!r})")
    return data
