"""The ``assay`` command.

- ``assay conformance --impl NAME [--profile quick|ci|thorough] [--report PATH] [--html [PATH]] [-n N]
  [-- PYTEST ARGS]`` — run the conformance suite through pytest (output streams as it comes, with a line per
  finished chapter) and print the table of every property, then a summary per domain (passed / failed / not
  provided / skipped, the worst measured error as a share of its bound) and a verdict; ``--html`` also writes the
  report as a page (next to the JSON report when no path is given).
- ``assay fingerprint --impl NAME [--json]`` — identify an implementation's conventions from its outputs.
- ``assay matrix --impl A --impl B ... [--profile P] [--output PATH_WITHOUT_SUFFIX]`` — run the suite for each
  implementation and write the conformance matrix as Markdown and HTML.

Misconfiguration is refused before anything runs, with one line on stderr and exit status 2 (no traceback): an
``--impl`` that does not parse or whose adapter cannot be built (unknown module, bad option; a library that is
merely not installed is not an error — it is reported as unavailable), a ``--report``/``--output`` path that
cannot be written (a directory, a file under a non-directory, an unwritable folder), a negative ``-n``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

__all__ = ["UsageError", "main", "run_conformance"]


def _plugin_args() -> list[str]:
    installed = any(ep.value == "assay.conformance.plugin" for ep in entry_points(group="pytest11"))
    return [] if installed else ["-p", "assay.conformance.plugin"]


def run_conformance(impl: str, profile: str | None, report: str, extra: list[str] | None = None,
                    workers: int | None = None, prefix: str = "") -> int:
    """Run ``pytest --pyargs assay.conformance`` for ``impl`` in a subprocess, streaming its output; returns
    pytest's exit code. The report is written to ``report``."""
    command = [sys.executable, "-m", "pytest", "--pyargs", "assay.conformance", *_plugin_args(),
               f"--assay-impl={impl}", f"--assay-report={report}", "-p", "no:cacheprovider", "-rfE",
               "-p", "assay.conformance.progress"]
    if profile:
        command.append(f"--assay-profile={profile}")
    if workers:
        command += ["-n", str(workers)]
    command += list(extra or [])
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    _stream(process, prefix)
    return process.wait()


def _stream(process: subprocess.Popen, prefix: str = "") -> None:
    """Copy the child's output to stdout as it comes — pytest's progress dots too, not only whole lines (a line of
    dots can take a minute) — with ``prefix`` at the start of every line."""
    import codecs

    assert process.stdout is not None
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    at_line_start = True
    while True:
        chunk = os.read(process.stdout.fileno(), 4096)
        text = decoder.decode(chunk, final=not chunk)
        if prefix and text:
            lines = text.split("\n")
            text = "\n".join(
                (prefix if line and (index or at_line_start) else "") + line for index, line in enumerate(lines))
            at_line_start = text.endswith("\n")
        sys.stdout.write(text)
        sys.stdout.flush()
        if not chunk:
            return


def _summary_table(report: dict) -> str:
    from assay.conformance.matrix import build_matrix

    matrix = build_matrix([report])
    column = matrix.column_names()[0]
    width = max((len(f"{c} / {t}") for c, t in matrix.rows), default=10)
    lines = [f"{'capability / property':<{width}}  result", "-" * (width + 40)]
    for row in matrix.rows:
        lines.append(f"{row[0] + ' / ' + row[1]:<{width}}  {matrix.cells[row][column].text()}")
    summary = report["summary"]
    lines.append("")
    lines.append(", ".join(f"{n} {s}" for s, n in summary.items() if n))
    return "\n".join(lines)


def _conformance(args: argparse.Namespace) -> int:
    _check_impl(args.impl, load=False)  # the plugin builds the adapter and refuses a misconfigured one
    _check_workers(args.workers)
    if args.report is not None:
        _check_output_file(args.report, "--report")
    if args.html:
        _check_output_file(args.html, "--html")
    report_path = args.report or os.path.join(tempfile.mkdtemp(prefix="assay-"), "report.json")
    if Path(report_path).is_file():  # an earlier run's report must never be shown as this run's
        Path(report_path).unlink()
    start = time.perf_counter()
    code = run_conformance(args.impl, args.profile, report_path, args.pytest_args, args.workers)
    elapsed = time.perf_counter() - start
    if not Path(report_path).is_file():
        print(f"assay: no report was written (pytest exit code {code})", file=sys.stderr)
        return code or 1
    from assay.conformance.report import load_report

    report = load_report(report_path)
    impl = report["implementation"]
    print()
    print(f"assay conformance: {impl.get('name')} {impl.get('version', '')} "
          f"(profile {report['profile']}, {elapsed:.1f} s); report: {report_path}")
    print(_summary_table(report))
    from assay.conformance.report import domain_summary_text, report_html

    print()
    print(domain_summary_text(report))
    if args.html is not None:
        html_path = Path(args.html or Path(report_path).with_suffix(".html"))
        html_path.parent.mkdir(parents=True, exist_ok=True)
        html_path.write_text(report_html(report))
        print(f"HTML report: {html_path}")
    return code


class UsageError(Exception):
    """A misconfigured command line: printed as one line on stderr, exit status 2."""


def _one_line(error: BaseException) -> str:
    """``error``'s message on one line (adapters may raise multi-line messages)."""
    text = " ".join(str(error).split())
    return text or type(error).__name__


def _check_impl(spec: str, *, load: bool) -> tuple[Any, str | None]:
    """Refuse an ``--impl`` that does not parse, or (``load``) whose adapter cannot be built. Returns ``(adapter,
    None)``, ``(None, why)`` when its library is not installed, ``(None, None)`` when not loading."""
    from assay.conformance.adapters import AdapterUnavailable, load_adapter, parse_spec

    if not spec.strip():
        raise UsageError("--impl is empty: name the implementation under test (e.g. builtin)")
    try:
        parse_spec(spec)
    except ValueError as error:
        raise UsageError(f"--impl {spec!r}: {_one_line(error)}") from None
    if not load:
        return None, None
    try:
        return load_adapter(spec), None
    except AdapterUnavailable as error:
        return None, _one_line(error)
    except Exception as error:  # an unknown module, a bad option, a factory that raises: all misconfiguration
        raise UsageError(f"--impl {spec!r}: {type(error).__name__}: {_one_line(error)}") from None


def _check_output_file(path: str, option: str) -> Path:
    """Refuse an output file that cannot be written — empty, a directory, under a non-directory, in a folder this
    process may not write to — by creating its folders and opening it for appending (a file that did not exist
    is removed again), so the run that follows cannot fail at the end for want of a place to write."""
    if not path or not path.strip():
        raise UsageError(f"{option} is empty: give a file path")
    from assay.conformance.report import output_file_problem

    target = Path(path).expanduser()
    problem = output_file_problem(target)
    if problem is None:
        return target
    kind, detail = problem
    if kind == "directory":
        raise UsageError(f"{option} {path}: is a directory, not a file")
    if kind == "parent":
        raise UsageError(f"{option} {path}: {detail} is not a directory")
    raise UsageError(f"{option} {path}: cannot be written ({_one_line(detail)})")


def _check_workers(workers: int | None) -> None:
    if workers is not None and workers < 0:
        raise UsageError(f"-n/--workers must be >= 0, got {workers}")


def _fingerprint(args: argparse.Namespace) -> int:
    from assay.conformance.fingerprint import fingerprint

    adapter, unavailable = _check_impl(args.impl, load=True)
    if adapter is None:
        print(f"assay fingerprint: implementation {args.impl} unavailable: {unavailable}", file=sys.stderr)
        return 2
    try:
        result = fingerprint(adapter)
    except Exception as error:  # the implementation under test raised: a finding, reported on one line
        print(f"assay fingerprint: {args.impl} failed while being fingerprinted: {type(error).__name__}: "
              f"{_one_line(error)}", file=sys.stderr)
        return 1
    print(json.dumps(result.as_dict(), indent=1) if args.json else result.text())
    return 0


def _matrix(args: argparse.Namespace) -> int:
    from assay.conformance.matrix import build_matrix
    from assay.conformance.report import load_report

    if not args.output or not args.output.strip():
        raise UsageError("--output is empty: give a path without suffix (.md and .html are written)")
    output = Path(args.output).expanduser()
    for suffix in (".md", ".html"):
        _check_output_file(str(output.with_suffix(suffix)), "--output")
    _check_workers(args.workers)
    for impl in args.impl:  # every --impl before the first run, so a typo does not surface an hour in
        _check_impl(impl, load=True)
    reports, directory = [], tempfile.mkdtemp(prefix="assay-matrix-")
    for index, impl in enumerate(args.impl, start=1):
        print(f"[{index}/{len(args.impl)}] assay conformance --impl {impl}", flush=True)
        path = os.path.join(directory, f"report-{index}.json")
        start = time.perf_counter()
        run_conformance(impl, args.profile, path, args.pytest_args, args.workers, prefix=f"[{impl}] ")
        print(f"[{index}/{len(args.impl)}] {impl}: {time.perf_counter() - start:.1f} s", flush=True)
        if Path(path).is_file():
            reports.append(load_report(path))
        else:
            reports.append({"implementation": {"spec": impl, "name": impl, "unavailable": "no report written"},
                            "tests": [], "profile": args.profile or "ci"})
    matrix = build_matrix(reports)
    title = "assay conformance matrix"
    markdown = f"# {title}\n\nGenerated by `assay matrix {' '.join('--impl ' + i for i in args.impl)}" + (
        f" --profile {args.profile}" if args.profile else "") + "`.\n\n" + matrix.markdown()
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.with_suffix(".md").write_text(markdown)
        output.with_suffix(".html").write_text(matrix.html(title))
    except OSError as error:  # checked before the runs; the disk may still fill or a folder vanish meanwhile
        print(f"assay matrix: could not write {output}.md/.html: {_one_line(error)}", file=sys.stderr)
        return 2
    print(f"wrote {output.with_suffix('.md')} and {output.with_suffix('.html')}")
    if matrix.failed():
        print("assay matrix: at least one implementation failed a property (see the failure messages)", file=sys.stderr)
        return 1
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assay", description="assay: references, kernels and conformance.")
    commands = parser.add_subparsers(dest="command", required=True)

    conformance = commands.add_parser("conformance", help="run the conformance suite for one implementation")
    conformance.add_argument("--impl", required=True, help="adapter name, module:object, or NAME[key=value,...]")
    conformance.add_argument("--profile", choices=("quick", "ci", "thorough"), default=None)
    conformance.add_argument("--report", default=None, help="JSON report path (default: a temporary file)")
    conformance.add_argument("--html", nargs="?", const="", default=None, metavar="PATH",
                             help="also write the report as HTML: to PATH, or next to the JSON report (.html)")
    conformance.add_argument("-n", "--workers", type=int, default=None, help="pytest-xdist workers")
    conformance.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    conformance.set_defaults(run=_conformance)

    fingerprint = commands.add_parser("fingerprint", help="identify an implementation's conventions")
    fingerprint.add_argument("--impl", required=True)
    fingerprint.add_argument("--json", action="store_true", help="print JSON instead of words")
    fingerprint.set_defaults(run=_fingerprint)

    matrix = commands.add_parser("matrix", help="conformance matrix of several implementations")
    matrix.add_argument("--impl", action="append", required=True, help="repeat for each implementation")
    matrix.add_argument("--profile", choices=("quick", "ci", "thorough"), default=None)
    matrix.add_argument("--output", default="docs/conformance-matrix",
                        help="output path without suffix; .md and .html are written")
    matrix.add_argument("-n", "--workers", type=int, default=None)
    matrix.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    matrix.set_defaults(run=_matrix)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``assay`` command; returns the exit status (2 for a usage error, printed as one line)."""
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except UsageError as error:
        print(f"assay {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
