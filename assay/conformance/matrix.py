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
    reason: str = ""

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
        if status == "fail" and self.reason:
            parts.append(" ".join(self.reason.split())[:200])
        elif self.worst_error is not None and status in ("pass", "fail"):
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

    def short_names(self) -> list[str]:
        """Column headers: the spec when short, else a letter explained in the legend."""
        return [name if len(name) <= 16 else f"[{chr(65 + i)}]" for i, name in enumerate(self.column_names())]

    def failed(self) -> bool:
        """Whether any implementation failed or errored in any row."""
        return any(cell.status == "fail" for row in self.cells.values() for cell in row.values())

    def markdown(self) -> str:
        names = self.column_names()
        lines = [
            "| domain | capability | property | " + " | ".join(self.short_names()) + " |",
            "|---|---|---|" + "---|" * len(names),
        ]
        for row in self.rows:
            capability, test = row
            cells = [self.cells[row].get(name, Cell()).text().replace("|", "\\|") for name in names]
            lines.append(f"| {capability.split('.')[0]} | `{capability}` | {test} | " + " | ".join(cells) + " |")
        header = ["Implementations (profile " + self.profile + "):", ""]
        for short, impl in zip(self.short_names(), self.implementations):
            if short.startswith("["):
                header.append(f"- {short} = `{impl.get('spec')}`")
        for impl in self.implementations:
            if impl.get("unavailable"):
                header.append(f"- `{impl.get('spec')}`: unavailable ({impl['unavailable']})")
            else:
                header.append(f"- `{impl.get('spec')}`: {impl.get('name')} {impl.get('version')}, "
                              f"dtype {impl.get('dtype')}, device {impl.get('device')}")
        return "\n".join(header) + "\n\n" + "\n".join(lines) + "\n"

    def html(self, title: str = "assay conformance matrix", intro: str = "") -> str:
        """The matrix as one HTML page; ``intro`` (HTML) goes between the title and the implementation list."""
        names = self.column_names()
        colors = {"pass": "#d8f5d0", "fail": "#f8d0d0", "not provided": "#eeeeee", "skipped": "#eeeeee",
                  "xfail": "#fff0c0"}
        out = [
            "<!DOCTYPE html>", "<html><head><meta charset='utf-8'>", f"<title>{html.escape(title)}</title>",
            "<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #999;"
            "padding:4px 8px;font-size:13px;vertical-align:top}</style></head><body>",
            f"<h1>{html.escape(title)}</h1>", *([intro] if intro else []),
            f"<p>Profile: {html.escape(self.profile)}</p><ul>",
        ]
        for impl in self.implementations:
            info = (f"unavailable ({impl['unavailable']})" if impl.get("unavailable") else
                    f"{impl.get('name')} {impl.get('version')}, dtype {impl.get('dtype')}, device {impl.get('device')}")
            out.append(f"<li><code>{html.escape(str(impl.get('spec')))}</code>: {html.escape(info)}</li>")
        for short, impl in zip(self.short_names(), self.implementations):
            if short.startswith("["):
                out.append(f"<li>{html.escape(short)} = <code>{html.escape(str(impl.get('spec')))}</code></li>")
        out.append("</ul><table><tr><th>domain</th><th>capability</th><th>property</th>"
                   + "".join(f"<th>{html.escape(n)}</th>" for n in self.short_names()) + "</tr>")
        messages: list[tuple[str, str, str]] = []
        for row in self.rows:
            capability, test = row
            out.append(f"<tr><td>{html.escape(capability.split('.')[0])}</td><td><code>{html.escape(capability)}"
                       f"</code></td><td>{html.escape(test)}</td>")
            for name in names:
                cell = self.cells[row].get(name, Cell())
                text = html.escape(cell.text())
                if cell.status == "fail":
                    anchor = f"msg-{len(messages) + 1}"
                    messages.append((anchor, f"{name}: {capability} / {test}", cell.reason or "(no message)"))
                    text = f"<a href='#{anchor}'>{text}</a>"
                out.append(f"<td style='background:{colors.get(cell.status, '#fff')}'>{text}</td>")
            out.append("</tr>")
        out.append("</table>")
        if messages:
            out.append("<h2>Failure messages</h2>")
            for anchor, title, reason in messages:
                out.append(f"<h3 id='{anchor}'>{html.escape(title)}</h3><pre>{html.escape(reason)}</pre>")
        out.append("</body></html>")
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


def _row_order(rows: list[tuple[str, str]], chapter_of: dict[tuple[str, str], str]) -> list[tuple[str, str]]:
    """Rows grouped by domain (registry order), then chapter file, then first-seen order: stable across runs."""
    try:
        from assay.conformance.registry import domains

        order = {name: index for index, name in enumerate(domains())}
    except Exception:  # a report read where assay's domains cannot be imported
        order = {}
    first_seen = {row: index for index, row in enumerate(rows)}
    return sorted(rows, key=lambda row: (order.get(row[0].split(".")[0], len(order)), row[0].split(".")[0],
                                         chapter_of.get(row, ""), first_seen[row]))


def build_matrix(reports: list[dict]) -> Matrix:
    """The matrix of several reports (one per implementation), rows grouped by domain and chapter."""
    rows: list[tuple[str, str]] = []
    chapter_of: dict[tuple[str, str], str] = {}
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
                chapter_of[row] = entry["test"].split("::")[0]
            cell = cells[row].setdefault(column, Cell())
            cell.counts[entry["status"]] += 1
            if entry["status"] in ("failed", "error") and entry.get("reason") and not cell.reason:
                cell.reason = f"{entry['status']} in {entry.get('id', '')}: {entry['reason']}"
            share = _share(entry)
            if share > cell.worst_share:
                cell.worst_share = share
                cell.worst_error, cell.worst_bound, cell.unit = entry["max_error"], entry["bound"], entry["unit"]
    profiles = sorted({str(r.get("profile")) for r in reports})
    return Matrix(implementations, _row_order(rows, chapter_of), cells, ", ".join(profiles))
