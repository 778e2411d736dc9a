"""The conformance matrix: rows are capability × property (test), columns implementations, cells
pass / fail / not provided with the largest measured error against its bound.

Built from JSON reports (:mod:`assay.conformance.report`); written as Markdown and HTML by ``assay matrix``.
A cell aggregates the parametrized cases of one test (degrees, triples…): ``fail`` if any case failed, ``pass``
if all ran and passed, ``not provided`` if none ran, and ``pass (n of N; the rest not provided)`` when the
implementation stops early (e3nn's harmonics stop at l = 12).
"""

from __future__ import annotations

import html
import math
from collections import defaultdict
from dataclasses import dataclass, field

__all__ = ["Cell", "Matrix", "build_matrix"]

_UNIT_SYMBOL = {"eps": "ε", "ulp": "ulp"}


@dataclass
class Cell:
    """One implementation × one test: status counts and the worst measurement."""

    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    worst_share: float = -1.0
    worst_error: float | str | None = None
    worst_bound: float | None = None
    unit: str | None = None

    @property
    def status(self) -> str:
        ran = self.counts["passed"] + self.counts["failed"] + self.counts["error"] + self.counts["xpassed"]
        if self.counts["failed"] or self.counts["error"]:
            return "fail"
        if self.counts["xfailed"] and not ran:
            return "xfail"
        if ran == 0:
            return "not provided" if (self.counts["not-provided"] or self.counts["unavailable"]) else "skipped"
        return "pass"

    def text(self) -> str:
        status = self.status
        total = sum(self.counts.values())
        ran = self.counts["passed"] + self.counts["failed"] + self.counts["error"] + self.counts["xpassed"]
        parts = [status]
        if status == "fail":
            parts[0] = f"fail ({self.counts['failed'] + self.counts['error']} of {ran})"
        elif status == "pass" and self.counts["not-provided"]:
            parts[0] = f"pass ({ran} of {total}; the rest not provided)"
        if self.worst_error is not None and status in ("pass", "fail"):
            unit = _UNIT_SYMBOL.get(self.unit or "", self.unit or "")
            error = self.worst_error if isinstance(self.worst_error, str) else f"{self.worst_error:.2g}"
            parts.append(f"max {error} {unit} (bound {self.worst_bound:g})")
        return " · ".join(parts)


@dataclass
class Matrix:
    """Rows (capability, test) × columns (implementations)."""

    implementations: list[dict]
    rows: list[tuple[str, str]]
    cells: dict[tuple[str, str], dict[str, Cell]]
    profile: str

    def column_names(self) -> list[str]:
        return [impl.get("spec") or impl.get("name", "?") for impl in self.implementations]

    def markdown(self) -> str:
        names = self.column_names()
        lines = [
            "| capability | property | " + " | ".join(names) + " |",
            "|---|---|" + "---|" * len(names),
        ]
        for row in self.rows:
            capability, test = row
            cells = [self.cells[row].get(name, Cell()).text() for name in names]
            lines.append(f"| `{capability}` | {test} | " + " | ".join(cells) + " |")
        header = ["Implementations (profile " + self.profile + "):", ""]
        for impl in self.implementations:
            if impl.get("unavailable"):
                header.append(f"- `{impl.get('spec')}`: unavailable ({impl['unavailable']})")
            else:
                header.append(f"- `{impl.get('spec')}`: {impl.get('name')} {impl.get('version')}, "
                              f"dtype {impl.get('dtype')}, device {impl.get('device')}")
        return "\n".join(header) + "\n\n" + "\n".join(lines) + "\n"

    def html(self, title: str = "assay conformance matrix") -> str:
        names = self.column_names()
        colors = {"pass": "#d8f5d0", "fail": "#f8d0d0", "not provided": "#eeeeee", "skipped": "#eeeeee",
                  "xfail": "#fff0c0"}
        out = [
            "<!DOCTYPE html>", "<html><head><meta charset='utf-8'>", f"<title>{html.escape(title)}</title>",
            "<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #999;"
            "padding:4px 8px;font-size:13px;vertical-align:top}</style></head><body>",
            f"<h1>{html.escape(title)}</h1>", f"<p>Profile: {html.escape(self.profile)}</p><ul>",
        ]
        for impl in self.implementations:
            info = (f"unavailable ({impl['unavailable']})" if impl.get("unavailable") else
                    f"{impl.get('name')} {impl.get('version')}, dtype {impl.get('dtype')}, device {impl.get('device')}")
            out.append(f"<li><code>{html.escape(str(impl.get('spec')))}</code>: {html.escape(info)}</li>")
        out.append("</ul><table><tr><th>capability</th><th>property</th>"
                   + "".join(f"<th>{html.escape(n)}</th>" for n in names) + "</tr>")
        for row in self.rows:
            capability, test = row
            out.append(f"<tr><td><code>{html.escape(capability)}</code></td><td>{html.escape(test)}</td>")
            for name in names:
                cell = self.cells[row].get(name, Cell())
                out.append(f"<td style='background:{colors.get(cell.status, '#fff')}'>{html.escape(cell.text())}</td>")
            out.append("</tr>")
        out.append("</table></body></html>")
        return "\n".join(out) + "\n"


def _property_name(test: str) -> str:
    name = test.split("::")[-1]
    return name[len("test_"):] if name.startswith("test_") else name


def _share(entry: dict) -> float:
    error, bound = entry.get("max_error"), entry.get("bound")
    if error is None:
        return -1.0
    value = math.inf if isinstance(error, str) else float(error)
    if not bound:
        return 0.0 if value == 0 else math.inf
    return value / float(bound)


def build_matrix(reports: list[dict]) -> Matrix:
    """The matrix of several reports (one per implementation), rows in first-seen order."""
    rows: list[tuple[str, str]] = []
    cells: dict[tuple[str, str], dict[str, Cell]] = defaultdict(dict)
    implementations = []
    for report in reports:
        impl = report["implementation"]
        implementations.append(impl)
        column = impl.get("spec") or impl.get("name", "?")
        for entry in report["tests"]:
            row = (entry.get("capability") or "?", _property_name(entry["test"]))
            if row not in cells:
                rows.append(row)
            cell = cells[row].setdefault(column, Cell())
            cell.counts[entry["status"]] += 1
            share = _share(entry)
            if share > cell.worst_share:
                cell.worst_share = share
                cell.worst_error, cell.worst_bound, cell.unit = entry["max_error"], entry["bound"], entry["unit"]
    profiles = sorted({str(r.get("profile")) for r in reports})
    return Matrix(implementations, rows, cells, ", ".join(profiles))
