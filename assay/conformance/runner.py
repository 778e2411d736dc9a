"""Run the conformance suite for several implementations in parallel subprocesses and read their JSON reports.

Used by tests that check that a known-bug adapter is caught by the right property (and by anyone comparing
implementations from Python): each run is ``python -m pytest <selection> --assay-impl=IMPL --assay-profile=P
--assay-report=PATH``, started at once, waited for, and its report loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

__all__ = ["failed_tests", "run_suites", "statuses"]


def run_suites(runs: Mapping[str, Sequence[str]], directory: str | Path, profile: str = "quick",
               timeout: float = 900) -> dict[str, tuple[dict, str]]:
    """``{impl: (report, output)}`` for ``runs = {impl: pytest selection arguments}``, all run concurrently
    (without xdist: the runs themselves are the parallelism). A run that writes no report raises with its output."""
    from assay.cli import _plugin_args

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    started = {}
    for index, (impl, selection) in enumerate(runs.items()):
        path = directory / f"run{index}.json"
        command = [sys.executable, "-m", "pytest", *selection, *_plugin_args(), f"--assay-impl={impl}",
                   f"--assay-profile={profile}", f"--assay-report={path}", "-q", "-p", "no:cacheprovider",
                   "-p", "no:xdist"]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        started[impl] = (process, path)
    out = {}
    for impl, (process, path) in started.items():
        output, _ = process.communicate(timeout=timeout)
        if not path.is_file():
            raise RuntimeError(f"the run of {impl} wrote no report:\n{output[-3000:]}")
        out[impl] = (json.loads(path.read_text()), output)
    return out


def statuses(report: dict) -> dict[str, set[str]]:
    """Test name (with its parameters after the first ``::``) → the statuses of its cases."""
    found: dict[str, set[str]] = defaultdict(set)
    for test in report["tests"]:
        found[test["nodeid"].split("::", 1)[1]].add(test["status"])
    return found


def failed_tests(report: dict) -> set[str]:
    """The tests of ``report`` with at least one failed case."""
    return {name for name, status in statuses(report).items() if "failed" in status}
