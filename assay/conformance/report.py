"""The JSON conformance report: implementation metadata and, per test, status and measured error.

Format (``"format": "assay-conformance-report/1"``)::

    {
      "format": ..., "created": ISO time, "assay_version": ..., "python": ..., "platform": ...,
      "profile": "ci",
      "implementation": {"spec", "name", "version", "device", "dtype", "conventions", "capabilities", "unavailable"},
      "summary": {"passed": n, "failed": n, "not-provided": n, "skipped": n, "xfailed": n, "xpassed": n, "error": n},
      "domains": {"so3": {"passed", "failed", "not_provided", "skipped", "worst_margin", "worst_test", ...}, ...},
      "tests": [
        {"nodeid", "id", "test", "capability", "status", "reason", "duration",
         "max_error", "mean_error", "unit", "bound", "margin", "worst_input", "measurements": [...]}
      ]
    }

``margin`` is the worst measurement's ``max_error / bound`` (above 1: the contract is broken; ``"inf"`` for a
non-zero error against a bound of 0 or a NaN), ``null`` for a test that measured nothing. ``domains`` (added when
the report is written) holds, per domain, the counts a person reads first and the worst margin with its test; see
:func:`domain_summary`.

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
    "SUMMARY_COLUMNS",
    "UNAVAILABLE_PREFIX",
    "base_test_id",
    "canonical_id",
    "classify",
    "domain_of_id",
    "domain_summary",
    "domain_summary_text",
    "load_report",
    "margin_of",
    "report_html",
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


def _margin(value: Any, bound: Any) -> float:
    """``value / bound`` for a contract measurement: ∞ for a NaN or infinite value (stored as text) or a non-zero
    value against a bound of 0, 0 for an exact zero against 0."""
    value = math.inf if isinstance(value, str) else float(value)
    if math.isnan(value) or math.isinf(value):
        return math.inf
    bound = float(bound or 0.0)
    if bound == 0:
        return 0.0 if value == 0 else math.inf
    return value / bound


def _plain_margin(margin: float) -> float | str:
    """A margin as JSON can hold it: 4 significant digits, ``"inf"`` for ∞."""
    return "inf" if math.isinf(margin) else float(f"{margin:.4g}")


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
        "margin": None,
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
            margin=_plain_margin(_margin(worst.get("max", 0.0), worst.get("contract", {}).get("bound"))),
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
        "domains": {row["domain"]: {k: v for k, v in row.items() if k != "domain"}
                    for row in domain_summary({"tests": tests})},
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


def margin_of(entry: dict) -> float | None:
    """The worst ``measured / bound`` of a report entry (None when the test measured nothing); reads ``margin``,
    or computes it from ``max_error`` and ``bound`` for a report written before the field existed."""
    margin = entry.get("margin")
    if margin is not None:
        return math.inf if isinstance(margin, str) else float(margin)
    if entry.get("max_error") is None:
        return None
    return _margin(entry["max_error"], entry.get("bound"))


# the columns of the per-domain summary, each a set of report statuses
SUMMARY_COLUMNS = {
    "passed": ("passed", "xpassed"),
    "failed": ("failed", "error"),
    "not_provided": ("not-provided", "unavailable"),
    "skipped": ("skipped", "xfailed"),
}


def _domain_of_entry(entry: dict) -> str:
    capability = entry.get("capability") or ""
    return capability.split(".", 1)[0] if "." in capability else (domain_of_id(entry.get("id", "")) or "other")


def domain_summary(report: dict) -> list[dict]:
    """One row per domain of ``report`` (registry order): the test counts of :data:`SUMMARY_COLUMNS` and the worst
    margin — the largest ``measured / bound`` of any test that measured against a contract (passed or failed) —
    with its test, capability, measured error, bound and unit (``None`` where nothing was measured)."""
    rows: dict[str, dict] = {}
    column_of = {status: column for column, statuses in SUMMARY_COLUMNS.items() for status in statuses}
    for entry in report["tests"]:
        domain = _domain_of_entry(entry)
        row = rows.setdefault(domain, {"domain": domain, **dict.fromkeys(SUMMARY_COLUMNS, 0), "worst_margin": None,
                                       "worst_test": None, "worst_capability": None, "worst_error": None,
                                       "bound": None, "unit": None})
        row[column_of.get(entry["status"], "failed")] += 1
        margin = margin_of(entry) if entry["status"] in ("passed", "failed", "xpassed") else None
        if margin is not None and (row["worst_margin"] is None or margin > _stored(row["worst_margin"])):
            row.update(worst_margin=_plain_margin(margin), worst_test=entry.get("id"),
                       worst_capability=entry.get("capability"), worst_error=entry.get("max_error"),
                       bound=entry.get("bound"), unit=entry.get("unit"))
    try:
        from assay.conformance.registry import domains

        order = {name: index for index, name in enumerate(domains())}
    except Exception:  # read where the registry cannot be imported
        order = {}
    return sorted(rows.values(), key=lambda row: (order.get(row["domain"], len(order)), row["domain"]))


def _stored(margin: float | str) -> float:
    return math.inf if isinstance(margin, str) else float(margin)


def _margin_text(row: dict) -> str:
    margin = row["worst_margin"]
    if margin is None:
        return "—"
    unit = {"eps": "ε"}.get(row["unit"] or "", row["unit"] or "")
    error = row["worst_error"] if isinstance(row["worst_error"], str) else f"{row['worst_error']:.3g}"
    test = row["worst_test"].split("::")[-1]
    where = f"{row['worst_capability']} / {test[len('test_'):] if test.startswith('test_') else test}"
    ratio = "∞" if isinstance(margin, str) else f"{margin:.2g}"
    return f"{ratio} ({error} {unit} of {row['bound']:g}; {where})"


def domain_summary_text(report: dict) -> str:
    """The per-domain summary as a plain-text table, a verdict line under it."""
    rows = domain_summary(report)
    header = ["domain", "passed", "failed", "not provided", "skipped", "worst measured/bound (error of bound; test)"]
    body = [[row["domain"], str(row["passed"]), str(row["failed"]), str(row["not_provided"]), str(row["skipped"]),
             _margin_text(row)] for row in rows]
    totals = {column: sum(row[column] for row in rows) for column in SUMMARY_COLUMNS}
    body.append(["all", *(str(totals[c]) for c in SUMMARY_COLUMNS), ""])
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(5)]
    lines = []
    for index, line in enumerate([header, *body]):
        cells = [line[0].ljust(widths[0])] + [line[i].rjust(widths[i]) for i in range(1, 5)] + [line[5]]
        lines.append("  ".join(cells).rstrip())
        if index in (0, len(body) - 1):
            lines.append("-" * len("  ".join(header)))
    failing = [f"{row['domain']} {row['failed']}" for row in rows if row["failed"]]
    others = f"{totals['not_provided']} not provided, {totals['skipped']} skipped (never counted as passes)"
    if failing:
        verdict = (f"FAIL: {totals['failed']} failed or errored ({', '.join(failing)}), {totals['passed']} passed, "
                   f"{others}; the fail rows above give the property, the error and the bound")
    elif totals["passed"]:
        verdict = f"PASS: {totals['passed']} passed, none failed, {others}"
    else:
        verdict = f"NOTHING RAN: no test passed or failed, {others}"
    return "\n".join([*lines, verdict])


def report_html(report: dict) -> str:
    """The report as one HTML page: the per-domain summary, then the conformance matrix's table of this
    implementation (:meth:`assay.conformance.matrix.Matrix.html`) with links to the failure messages."""
    import html

    from assay.conformance.matrix import build_matrix

    impl = report["implementation"]
    title = f"assay conformance: {impl.get('name')} {impl.get('version', '')}".strip()
    rows = domain_summary(report)
    cells = "".join(f"<th>{html.escape(name)}</th>" for name in
                    ("domain", "passed", "failed", "not provided", "skipped", "worst measured/bound"))
    out = [f"<p>Profile {html.escape(str(report.get('profile')))}, written {html.escape(str(report.get('created')))}"
           f", assay {html.escape(str(report.get('assay_version')))}.</p>", "<h2>Summary</h2>",
           f"<table class='summary'><tr>{cells}</tr>"]
    for row in rows:
        color = "#f8d0d0" if row["failed"] else ("#d8f5d0" if row["passed"] else "#eeeeee")
        values = [row["domain"], row["passed"], row["failed"], row["not_provided"], row["skipped"], _margin_text(row)]
        out.append(f"<tr style='background:{color}'>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in values)
                   + "</tr>")
    out.append("</table><h2>Every property</h2>")
    return build_matrix([report]).html(title, intro="\n".join(out))


def output_file_problem(path: Path) -> tuple[str, str] | None:
    """Why ``path`` cannot take an output file, found before a run rather than after it: ``("directory", "")`` when it
    is a directory, ``("parent", folder)`` when its nearest existing ancestor is not a directory, ``("unwritable",
    reason)`` when creating its folders and opening it for appending fails; ``None`` when it can be written. A file
    that did not exist is removed again after the probe. Callers word the refusal for their own option."""
    if path.is_dir():
        return ("directory", "")
    folder = path.absolute().parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        return ("parent", str(folder))
    existed = path.exists()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a"):
            pass
    except OSError as error:
        return ("unwritable", error.strerror or str(error))
    if not existed:
        path.unlink(missing_ok=True)
    return None
