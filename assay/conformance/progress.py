"""A line per finished chapter while the conformance suite runs (loaded by ``assay conformance``).

pytest's own progress is a dot per test, printed in lines of 80: on a run of a few minutes a person sees nothing for
half a minute at a time and cannot tell which domain is being checked. This plugin writes, in the process that
prints (the xdist controller when ``-n`` is given), one line when the last test of a chapter file reports::

    [ 61/225  27%  48 s] so3/test_so3_wigner.py: 12 passed, 1 not provided

Counts come from the same classification as the JSON report (:func:`assay.conformance.report.classify`). The number
of tests per chapter is known after collection (``pytest_collection_finish``, or
``pytest_xdist_node_collection_finished`` from the first xdist worker).
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from typing import Any

import pytest

from assay.conformance.report import canonical_id, classify

__all__ = ["ChapterProgress", "chapter_of"]

_LABELS = {"not-provided": "not provided"}


def chapter_of(nodeid: str) -> str:
    """The chapter file of a test id, relative to the ``assay/conformance`` package."""
    return canonical_id(nodeid).split("::", 1)[0]


class ChapterProgress:
    """Counts finished tests per chapter and prints a line when a chapter is complete."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.started = time.perf_counter()
        self.expected: dict[str, int] | None = None
        self.total = 0
        self.done = 0
        self.finished_in: dict[str, int] = defaultdict(int)
        self.counts: dict[str, Counter] = defaultdict(Counter)
        self.status: dict[str, str] = {}
        self.reported: set[str] = set()

    def _expect(self, nodeids: list[str]) -> None:
        if self.expected is not None:
            return
        self.expected = dict(Counter(chapter_of(nodeid) for nodeid in nodeids))
        self.total = len(nodeids)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        if session.items:  # empty in the xdist controller, which collects nothing itself
            self._expect([item.nodeid for item in session.items])

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        self._expect(list(ids))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        decided = classify(report)
        if decided is not None and (report.nodeid not in self.status or report.when == "call"
                                    or (report.when == "teardown" and decided[0] == "error")):
            self.status[report.nodeid] = decided[0]
        if report.when != "teardown":
            return
        chapter = chapter_of(report.nodeid)
        self.done += 1
        self.finished_in[chapter] += 1
        self.counts[chapter][self.status.get(report.nodeid, "error")] += 1
        if self.expected is not None and self.finished_in[chapter] >= self.expected.get(chapter, 0):
            self._report(chapter)

    def line(self, chapter: str) -> str:
        """The progress line of a finished chapter."""
        counts = self.counts[chapter]
        order = ("failed", "error", "passed", "not-provided", "unavailable", "skipped", "xfailed", "xpassed")
        parts = [f"{counts[s]} {_LABELS.get(s, s)}" for s in order if counts[s]]
        share = 100 * self.done / self.total if self.total else 100.0
        elapsed = time.perf_counter() - self.started
        width = len(str(self.total))
        return (f"[{self.done:>{width}}/{self.total} {share:3.0f}% {elapsed:4.0f} s] {chapter}: "
                + ", ".join(parts))

    def _report(self, chapter: str) -> None:
        if chapter in self.reported:
            return
        self.reported.add(chapter)
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is None:
            return
        writer = reporter._tw  # pytest-xdist writes its dots without telling the reporter that a line is open
        if writer.width_of_current_line:
            writer.line()
        reporter.write_line(self.line(chapter))


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):  # an xdist worker: its controller prints
        return
    config.pluginmanager.register(ChapterProgress(config), "assay-chapter-progress")
