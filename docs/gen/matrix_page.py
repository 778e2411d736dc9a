"""MkDocs hook: the conformance-matrix page of the site, with every failing cell linked to its failure message.

``assay matrix`` writes the same run twice: ``docs/conformance-matrix.md`` (a Markdown table, messages cut to 200
characters, no links) and ``docs/conformance-matrix.html`` (the table with each failing cell a link ``#msg-N`` to
the full message under "Failure messages"). On the site the page keeps the Markdown file's text (the command, the
implementations) and shows the HTML file's table and messages in place of the Markdown table, without the side
navigation and on the full width of the window. Both files must come from one run: the hook compares the headers
and every implementation cell and stops the build when they differ.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

PAGE = "conformance-matrix.md"
HTML_NAME = "conformance-matrix.html"
_TABLE = re.compile(r"<table>.*?</table>", re.S)
_MESSAGES = re.compile(r"<h2>Failure messages</h2>(.*?)</body>", re.S)
_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
_CELL = re.compile(r"<t[dh][^>]*>(.*?)</t[dh]>", re.S)
_TAG = re.compile(r"<[^>]+>")
_SPLIT = re.compile(r"(?<!\\)\|")
_RERUN = "the two files come from different runs; rerun assay matrix"
FIXED_COLUMNS = 3  # domain, capability, property: written differently in the two formats


class MatrixMismatch(ValueError):
    """The Markdown and HTML matrices are not from the same ``assay matrix`` run."""


def _html_rows(table: str) -> list[list[str]]:
    return [[html.unescape(_TAG.sub("", cell)).strip() for cell in _CELL.findall(row)] for row in _ROW.findall(table)]


def _markdown_rows(lines: list[str]) -> list[list[str]]:
    rows = []
    for line in lines:
        cells = [cell.strip().replace("\\|", "|") for cell in _SPLIT.split(line.strip().strip("|"))]
        rows.append(cells)
    return [rows[0], *rows[2:]]  # drop the |---| line


def _table_span(lines: list[str]) -> tuple[int, int]:
    starts = [i for i, line in enumerate(lines) if line[:1] == "|" and (i == 0 or lines[i - 1][:1] != "|")]
    if len(starts) != 1:
        raise MatrixMismatch(f"{PAGE} should hold exactly one Markdown table, found {len(starts)}")
    end = starts[0]
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    return starts[0], end


def linked_matrix(markdown: str, page_html: str) -> str:
    """The page's Markdown with its table replaced by the HTML table and the failure messages it links to.

    Raises :class:`MatrixMismatch` when the two files disagree in a header or in any implementation cell.
    """
    lines = markdown.splitlines()
    start, end = _table_span(lines)
    table = _TABLE.search(page_html)
    if table is None:
        raise MatrixMismatch(f"{HTML_NAME} has no <table>")
    html_rows, md_rows = _html_rows(table.group(0)), _markdown_rows(lines[start:end])
    if len(html_rows) != len(md_rows):
        raise MatrixMismatch(f"{PAGE} has {len(md_rows) - 1} rows, {HTML_NAME} {len(html_rows) - 1}: {_RERUN}")
    if html_rows[0] != md_rows[0]:
        raise MatrixMismatch(f"the headers differ: {md_rows[0]} in {PAGE}, {html_rows[0]} in {HTML_NAME}")
    for md_row, html_row in zip(md_rows[1:], html_rows[1:]):
        if md_row[FIXED_COLUMNS:] != html_row[FIXED_COLUMNS:]:
            raise MatrixMismatch(f"row {md_row[1]} / {md_row[2]} differs between {PAGE} and {HTML_NAME}: {_RERUN}")
    messages = _MESSAGES.search(page_html)
    block = [
        "Each failing cell links to its full message under [Failure messages](#failure-messages).",
        "",
        '<div class="assay-matrix">',
        table.group(0),
        "</div>",
    ]
    if messages is not None:
        block += ["", "## Failure messages", "", '<div class="assay-matrix-messages">', messages.group(1).strip(),
                  "</div>"]
    return "\n".join([*lines[:start], *block, *lines[end:]]) + "\n"


def on_page_markdown(markdown: str, *, page: Any, config: Any, files: Any) -> str:
    """MkDocs hook: rewrite the matrix page; other pages pass through."""
    if page.file.src_uri != PAGE:
        return markdown
    page.meta["hide"] = ["navigation", "toc"]  # Material: the 19 columns get the whole width of the window
    return linked_matrix(markdown, (Path(config["docs_dir"]) / HTML_NAME).read_text(encoding="utf-8"))
