"""MkDocs hook: the benchmarks page gathers the measured tables from the domain pages, so there is one source.

A line ``<!-- tables: PAGE.md | HEADING -->`` in ``docs/benchmarks.md`` is replaced by every Markdown table found
in the section of ``PAGE.md`` that starts with the heading line ``HEADING`` (up to the next heading of the same or a
higher level), each with the paragraph just above it as its caption, and a link back to that section. A directive
whose page, heading or tables cannot be found stops the build.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from markdown.extensions.toc import slugify

PAGE = "benchmarks.md"
DIRECTIVE = re.compile(r"^<!-- tables: (?P<page>[\w./-]+\.md) \| (?P<heading>#+ .+?) -->$", re.M)


class TablesNotFound(ValueError):
    """A directive names a page, heading or section without tables."""


def _section(lines: list[str], heading: str) -> list[str]:
    level = len(heading) - len(heading.lstrip("#"))
    starts = [i for i, line in enumerate(lines) if line.rstrip() == heading]
    if len(starts) != 1:
        raise TablesNotFound(f"heading {heading!r} found {len(starts)} times")
    end = starts[0] + 1
    fence = False
    while end < len(lines):
        line = lines[end]
        fence ^= line.startswith("```")
        depth = len(line) - len(line.lstrip("#"))
        if not fence and 0 < depth <= level and line[depth:depth + 1] == " ":
            break
        end += 1
    return lines[starts[0] + 1:end]


def _tables(section: list[str]) -> list[str]:
    blocks, i = [], 0
    while i < len(section):
        if not section[i].startswith("|"):
            i += 1
            continue
        end = i
        while end < len(section) and section[end].startswith("|"):
            end += 1
        caption_end = i
        while caption_end > 0 and not section[caption_end - 1].strip():
            caption_end -= 1
        caption_start = caption_end
        while caption_start > 0 and section[caption_start - 1].strip() and section[caption_start - 1][:1] != "|":
            caption_start -= 1
        blocks.append("\n".join([*section[caption_start:caption_end], "", *section[i:end]]))
        i = end
    return blocks


def anchor(heading: str) -> str:
    """The id MkDocs gives the heading (Python-Markdown's ``toc`` slug of its text, code marks removed)."""
    return slugify(heading.lstrip("#").strip().replace("`", ""), "-")


def gathered_tables(page_text: str, page: str, heading: str) -> str:
    """The tables of one section with their captions, and a link to the section."""
    tables = _tables(_section(page_text.splitlines(), heading))
    if not tables:
        raise TablesNotFound(f"no table under {heading!r} in {page}")
    titles = [line[2:].strip() for line in page_text.splitlines() if line.startswith("# ")]
    where = f"{titles[0] if titles else page} › {heading.lstrip('#').strip()}"
    return "\n\n".join([f"From [{where}]({page}#{anchor(heading)}):", *tables])


def expand(markdown: str, docs_dir: Path) -> str:
    """``markdown`` with every directive replaced by the tables it names."""

    def replace(match: re.Match[str]) -> str:
        page, heading = match.group("page"), match.group("heading")
        path = docs_dir / page
        if not path.is_file():
            raise TablesNotFound(f"{PAGE} names {page}, which is not in {docs_dir}")
        try:
            return gathered_tables(path.read_text(encoding="utf-8"), page, heading)
        except TablesNotFound as error:
            raise TablesNotFound(f"{PAGE}: {page}: {error}") from None

    return DIRECTIVE.sub(replace, markdown)


def on_page_markdown(markdown: str, *, page: Any, config: Any, files: Any) -> str:
    """MkDocs hook: expand the directives of the benchmarks page; other pages pass through."""
    if page.file.src_uri != PAGE:
        return markdown
    return expand(markdown, Path(config["docs_dir"]))
