"""The ``assay`` command.

- ``assay conformance --impl NAME [--profile quick|ci|thorough] [--report PATH] [-n N] [-- PYTEST ARGS]`` — run
  the conformance suite through pytest (output streams, so progress is visible) and print a summary table.
- ``assay fingerprint --impl NAME [--json]`` — identify an implementation's conventions from its outputs.
- ``assay matrix --impl A --impl B ... [--profile P] [--output PATH_WITHOUT_SUFFIX]`` — run the suite for each
  implementation and write the conformance matrix as Markdown and HTML.
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

__all__ = ["main", "run_conformance"]


def _plugin_args() -> list[str]:
    installed = any(ep.value == "assay.conformance.plugin" for ep in entry_points(group="pytest11"))
    return [] if installed else ["-p", "assay.conformance.plugin"]


def run_conformance(impl: str, profile: str | None, report: str, extra: list[str] | None = None,
                    workers: int | None = None, prefix: str = "") -> int:
    """Run ``pytest --pyargs assay.conformance`` for ``impl`` in a subprocess, streaming its output; returns
    pytest's exit code. The report is written to ``report``."""
    command = [sys.executable, "-m", "pytest", "--pyargs", "assay.conformance", *_plugin_args(),
               f"--assay-impl={impl}", f"--assay-report={report}", "-p", "no:cacheprovider", "-rfE"]
    if profile:
        command.append(f"--assay-profile={profile}")
    if workers:
        command += ["-n", str(workers)]
    command += list(extra or [])
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    assert process.stdout is not None
    for line in process.stdout:
        sys.stdout.write(prefix + line)
        sys.stdout.flush()
    return process.wait()


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
    return code


def _fingerprint(args: argparse.Namespace) -> int:
    from assay.conformance.adapters import AdapterUnavailable
    from assay.conformance.fingerprint import fingerprint

    try:
        result = fingerprint(args.impl)
    except AdapterUnavailable as error:
        print(f"assay: implementation {args.impl} unavailable: {error}", file=sys.stderr)
        return 2
    print(json.dumps(result.as_dict(), indent=1) if args.json else result.text())
    return 0


def _matrix(args: argparse.Namespace) -> int:
    from assay.conformance.matrix import build_matrix
    from assay.conformance.report import load_report

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
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    title = "assay conformance matrix"
    markdown = f"# {title}\n\nGenerated by `assay matrix {' '.join('--impl ' + i for i in args.impl)}" + (
        f" --profile {args.profile}" if args.profile else "") + "`.\n\n" + matrix.markdown()
    output.with_suffix(".md").write_text(markdown)
    output.with_suffix(".html").write_text(matrix.html(title))
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
    args = _parser().parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    raise SystemExit(main())
