"""Record, publish and serve assay's asv performance history, and compare two commits for regressions.

The history is asv's own result files, one per commit, kept in the repository under
``benchmarks/history/results/`` (machine ``assay-2core``), so the site shows it without re-running anything::

    python benchmarks/record_history.py serve              # build the site into benchmarks/html and serve it
    python benchmarks/record_history.py record             # record the last 20 commits not yet recorded
    python benchmarks/record_history.py record --commits 40 --force
    python benchmarks/record_history.py compare main       # the working tree against main: exit 1 on a regression

How a commit is measured. asv's ``existing`` environment can only measure the code it imports, so for each commit
the script extracts that commit's ``assay`` package (``git archive``, nothing in the working tree changes) into a
temporary folder and runs::

    asv run --quick --environment existing:PYTHON --set-commit-hash SHA --machine assay-2core --bench ...

with ``ASV_PYTHONPATH`` pointing at the extracted package, so the benchmarks import that commit's assay. The
benchmark *suite* is the current one (asv's rule: the working tree's benchmarks run against every commit), staged
into a temporary ``benchmarks`` folder holding the ``bench_*.py`` modules and the helper scripts they import;
a benchmark whose kernel does not exist yet at an old commit fails there and its line starts later. asv records a
benchmark with the hash of its source code (its ``version``): editing a benchmark hides its recorded history until
it is recorded again (``record --force``).

``--quick`` runs every benchmark once: the history shows steps of tens of percent (a kernel rewritten, a route
changed), not a few percent, on a shared two-core machine. ``compare`` times both sides in one run of this
machine with asv's default repeats, which is what a kernel author should trust.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"
HISTORY = BENCHMARKS / "history"
HISTORY_CONFIG = HISTORY / "asv.conf.json"
RESULTS = HISTORY / "results"
HTML = BENCHMARKS / "html"
SCRATCH_RESULTS = BENCHMARKS / "results"
MACHINE = "assay-2core"
DEFAULT_COMMITS = 20

# The benchmarks recorded for every commit: in every domain, kernel times (time_), peak memory (peakmem_), errors
# against the reference and FLOP or operation counts (track_), at the cheaper parameters: the whole selection takes
# about a minute per commit on two loaded cores. asv's --bench expressions (any one selects a benchmark; for a
# parametrized benchmark they are matched against "name(param, ...)").
HISTORY_BENCH = (
    # so3
    r"bench_so3_harmonics_wigner\.SphericalHarmonics\.(time_assay|peakmem_assay)\((4|8), 'float64'\)",
    r"bench_so3_harmonics_wigner\.WignerD\.time_assay_blocks",
    r"bench_so3_harmonics_wigner\.track_wigner_float64_orthogonality_l20",
    r"bench_so3_kernels\.",
    r"bench_gaunt_tensor_product\.GauntTensorProduct\.\w+\('assay (fourier|s2grid)', 4, 1\)",
    r"bench_gaunt_tensor_product\.GauntFlops\.track_flops\('assay (fourier|s2grid|cg)', (4|8)\)",
    r"bench_so3_coupling\.CouplingTable\.(time|peakmem)_assay_wigner_3j_table\(6\)",
    r"bench_so3_coupling\.track_table_max_ulp_error_lmax_6",
    # optics
    r"bench_optics\.ChainCounts\.track_",
    r"bench_optics\.ADChain\.(time_optic|time_lens|time_checkpointed|time_torch_autograd|peakmem_optic"
    r"|track_max_relative_error_optic)\(8, 64\)",
    # frames
    r"bench_frames\.(PCAFrames|Flops|DegeneracyCheck)\.",
    r"bench_frames\.FrameAverage\.(time_assay|peakmem_assay)\('E\(3\)'\)",
    r"bench_frames\.Accuracy\.track_\w+\('float64'\)",
    r"bench_frames\.GraphFrameAverage\.track_invariance_error_eps",
    # bridges
    r"bench_bridges\.(GaussianClosedForm|MongeMap|BrownianBridge)\.",
    r"bench_bridges\.LightSBKernels\.(time_drift|time_conditional_sample|peakmem_drift|track_flops)",
    r"bench_bridges\.Sinkhorn\.time_assay_sinkhorn",
    # spectral
    r"bench_spectral\.Kernels\.(time_|peakmem_spectral_mixture|track_max_error_eps_spectral_mixture)",
    r"bench_spectral\.Kronecker\.\w+\(100\)",
    r"bench_spectral\.KroneckerAccuracy\.",
)

# Preloaded by asv's fork server (``--launch-method forkserver``), so that each benchmark's process starts with
# torch and its FLOP counter imported instead of importing them again (seconds per benchmark on a loaded machine).
# Written as the staged suite's ``__init__.py``; it does not change what a benchmark measures.
_PRELOAD = ("import mpmath  # noqa: F401\nimport numpy  # noqa: F401\nimport torch  # noqa: F401\n"
            "import torch.utils.flop_counter  # noqa: F401\n")


_CDNJS = "https://cdnjs.cloudflare.com/ajax/libs/"
_JSDELIVR = "https://cdn.jsdelivr.net/npm/"
# asv 0.6's site loads jQuery, flot, bootstrap and three small plugins from CDNs: without those hosts (CI, an
# offline machine) it shows only asv's "external dependencies failed to load" page. publish() takes the same
# libraries from the npm registry instead — URL → (npm package@version, file in the package). The CDN's stupidtable
# 1.0.1 is not on npm; 1.1.3 is the same plugin with the same call.
VENDOR = {
    "https://code.jquery.com/jquery-3.3.1.min.js": ("jquery@3.3.1", "dist/jquery.min.js"),
    _CDNJS + "flot/0.8.3/jquery.flot.min.js": ("flot@0.8.3", "jquery.flot.js"),
    _CDNJS + "flot/0.8.3/jquery.flot.time.min.js": ("flot@0.8.3", "jquery.flot.time.js"),
    _CDNJS + "flot/0.8.3/jquery.flot.selection.min.js": ("flot@0.8.3", "jquery.flot.selection.js"),
    _CDNJS + "flot/0.8.3/jquery.flot.categories.min.js": ("flot@0.8.3", "jquery.flot.categories.js"),
    _JSDELIVR + "flot-orderbars@1.0.0/js/jquery.flot.orderBars.js": ("flot-orderbars@1.0.0",
                                                                     "js/jquery.flot.orderBars.js"),
    _CDNJS + "stupidtable/1.0.1/stupidtable.min.js": ("stupid-table-plugin@1.1.3", "stupidtable.min.js"),
    _CDNJS + "blueimp-md5/2.19.0/js/md5.min.js": ("blueimp-md5@2.19.0", "js/md5.min.js"),
    _JSDELIVR + "bootstrap@3.1.1/dist/js/bootstrap.min.js": ("bootstrap@3.1.1", "dist/js/bootstrap.min.js"),
    _JSDELIVR + "bootstrap@3.1.1/dist/css/bootstrap.min.css": ("bootstrap@3.1.1", "dist/css/bootstrap.min.css"),
}
VENDOR_CACHE = Path(os.environ.get("ASSAY_ASV_VENDOR", Path.home() / ".cache" / "assay" / "asv-vendor"))


def git(*args: str, cwd: Path = ROOT) -> str:
    """The stripped standard output of ``git args`` in the repository (raises on a git error)."""
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def commits_with_benchmarks(count: int, until: str = "HEAD") -> list[str]:
    """The newest ``count`` first-parent commits up to ``until`` whose tree has a ``benchmarks/bench_*.py``, oldest
    first (full hashes)."""
    if count < 1:
        raise ValueError(f"count must be a positive number of commits, got {count}")
    found = []
    for sha in git("rev-list", "--first-parent", until).split():
        names = git("ls-tree", "--name-only", sha, "benchmarks/").split("\n")
        if any(Path(name).name.startswith("bench_") and name.endswith(".py") for name in names):
            found.append(sha)
            if len(found) == count:
                break
    return found[::-1]


def _sibling_imports(path: Path) -> set[str]:
    """Names of the modules of ``benchmarks/`` that ``path`` imports (``from . import x``, ``from .x import``,
    ``from benchmarks.x import``, ``import benchmarks.x``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module is None:
                found.update(alias.name for alias in node.names)
            elif node.level == 1 and node.module:
                found.add(node.module.split(".")[0])
            elif node.level == 0 and node.module and node.module.startswith("benchmarks."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[1] for alias in node.names if alias.name.startswith("benchmarks."))
    return found


def suite_modules(source: Path = BENCHMARKS) -> list[Path]:
    """The files asv needs to run the suite of ``source``: ``__init__.py``, every ``bench_*.py`` and the helper
    modules they import, transitively (the other scripts, which may import kernels at module level, are left out so
    that discovery works against an old commit's assay)."""
    wanted = [source / "__init__.py", *sorted(source.glob("bench_*.py"))]
    seen: set[Path] = set()
    while wanted:
        path = wanted.pop()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        wanted.extend(source / f"{name}.py" for name in _sibling_imports(path))
    return sorted(seen)


def stage_suite(target: Path, source: Path = BENCHMARKS) -> Path:
    """Copy the suite (:func:`suite_modules`) into ``target/benchmarks`` and return that folder."""
    staged = target / "benchmarks"
    staged.mkdir(parents=True, exist_ok=True)
    for path in suite_modules(source):
        shutil.copy2(path, staged / path.name)
    (staged / "__init__.py").write_text(_PRELOAD)
    return staged


def extract_package(sha: str, target: Path) -> Path:
    """``git archive`` the ``assay`` package of commit ``sha`` into ``target`` (the folder to put on the path)."""
    target.mkdir(parents=True, exist_ok=True)
    archive = target / "assay.tar"
    with archive.open("wb") as handle:
        subprocess.run(["git", "archive", "--format=tar", sha, "assay"], cwd=ROOT, check=True, stdout=handle)
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    archive.unlink()
    return target


def write_config(path: Path, benchmark_dir: Path, results_dir: Path, html_dir: Path = HTML) -> Path:
    """An asv configuration for the repository with absolute paths (asv reads paths relative to the config)."""
    config = json.loads(HISTORY_CONFIG.read_text())
    config.update(repo=str(ROOT), benchmark_dir=str(benchmark_dir), results_dir=str(results_dir),
                  html_dir=str(html_dir))
    path.write_text(json.dumps(config, indent=1))
    return path


def asv(*args: str, config: Path, env: dict | None = None, check: bool = True,
        capture: bool = False) -> subprocess.CompletedProcess:
    """Run ``python -m asv --config CONFIG args`` (``check``: raise unless it exits 0, or 2 = a benchmark failed)."""
    command = [sys.executable, "-m", "asv", "--config", str(config), *args]
    result = subprocess.run(command, env={**os.environ, **(env or {})}, text=True, check=False,
                            capture_output=capture)
    if check and result.returncode not in (0, 2):
        output = (result.stdout or "") + (result.stderr or "") if capture else ""
        raise RuntimeError(f"{' '.join(command)} exited {result.returncode}\n{output[-4000:]}")
    return result


def register_machine(config: Path) -> None:
    """Store the fixed machine name (and what this machine is) in asv's machine file, without questions; nothing to
    do when it is there already (so concurrent runs do not rewrite the file)."""
    machine_file = Path.home() / ".asv-machine.json"
    try:
        if MACHINE in json.loads(machine_file.read_text()):
            return
    except (OSError, ValueError):
        pass
    cpu = platform.processor() or platform.machine()
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        first = meminfo.read_text().split("\n", 1)[0].split()
        memory = f"{int(first[1]) // 1024**2} GB" if len(first) >= 2 and first[1].isdigit() else ""
    asv("machine", "--yes", "--machine", MACHINE, "--os", f"{platform.system()} {platform.release()}",
        "--arch", platform.machine(), "--cpu", cpu, "--num_cpu", str(os.cpu_count() or 1), "--ram", memory,
        config=config, capture=True)


def recorded(sha: str, results: Path = RESULTS) -> bool:
    """Whether ``results`` holds a result file of commit ``sha`` for :data:`MACHINE`."""
    return any((results / MACHINE).glob(f"{sha[:8]}-*.json"))


def _has_value(value: object) -> bool:
    """Whether an asv result holds a measurement (asv writes ``null``/NaN for failed or skipped cases)."""
    if isinstance(value, list):
        return any(_has_value(item) for item in value)
    return isinstance(value, (int, float)) and value == value


def history_lengths(results: Path = RESULTS) -> dict[str, int]:
    """Benchmark name → the number of recorded commits with a measurement of it that the site shows (the result's
    version equal to the one in ``results/benchmarks.json``, as ``asv publish`` requires)."""
    index = json.loads((results / "benchmarks.json").read_text())
    versions = {name: entry.get("version") for name, entry in index.items() if isinstance(entry, dict)}
    commits: dict[str, set[str]] = {}
    for path in sorted((results / MACHINE).glob("*.json")):
        if path.name == "machine.json":
            continue
        data = json.loads(path.read_text())
        columns = data["result_columns"]
        for name, row in data["results"].items():
            version = row[columns.index("version")] if len(row) > columns.index("version") else None
            if name in versions and version == versions[name] and _has_value(row[columns.index("result")]):
                commits.setdefault(name, set()).add(data["commit_hash"])
    return {name: len(shas) for name, shas in commits.items()}


def record_commit(sha: str, config: Path, bench: Sequence[str], package_dir: Path, quick: bool = True) -> float:
    """Run the staged suite against the ``assay`` in ``package_dir`` and save the results as commit ``sha``;
    returns the seconds it took."""
    started = time.perf_counter()
    args = ["run", "--environment", f"existing:{sys.executable}", "--set-commit-hash", sha, "--machine", MACHINE,
            "--show-stderr", "--launch-method", "forkserver", "--durations", "5"]
    if quick:
        args.append("--quick")
    for pattern in bench:
        args += ["--bench", pattern]
    asv(*args, config=config, env={"ASV_PYTHONPATH": str(package_dir)})
    return time.perf_counter() - started


def record(shas: Iterable[str], bench: Sequence[str], results: Path = RESULTS, force: bool = False) -> dict:
    """Record every commit of ``shas`` (skipping recorded ones unless ``force``); ``{sha: seconds}``."""
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="assay-history-") as scratch:
        scratch_dir = Path(scratch)
        staged = stage_suite(scratch_dir / "suite")
        config = write_config(scratch_dir / "asv.conf.json", staged, results)
        register_machine(config)
        todo = [sha for sha in shas if force or not recorded(sha, results)]
        for index, sha in enumerate(todo, start=1):
            subject = git("log", "-1", "--format=%h %s", sha)[:90]
            print(f"[{index}/{len(todo)}] {subject}", flush=True)
            package = extract_package(sha, scratch_dir / f"assay-{sha[:8]}")
            timings[sha] = record_commit(sha, config, bench, package)
            shutil.rmtree(package, ignore_errors=True)
            print(f"[{index}/{len(todo)}] {sha[:8]} recorded in {timings[sha]:.0f} s", flush=True)
    return timings


def _npm_package(spec: str) -> str:
    return spec.rsplit("@", 1)[0]


def vendor_libraries(cache: Path = VENDOR_CACHE) -> Path:
    """The npm packages of :data:`VENDOR` installed under ``cache`` (once: later calls find them there); returns
    the ``node_modules`` folder. Needs ``npm`` and the npm registry the first time."""
    modules = cache / "node_modules"
    needed = {spec for spec, _ in VENDOR.values()}
    if all((modules / _npm_package(spec) / path).is_file() for spec, path in VENDOR.values()):
        return modules
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is needed once to fetch the asv site's JavaScript libraries (jQuery, flot, "
                           f"bootstrap) into {cache}; install Node.js/npm (apt-get install npm) and publish again")
    cache.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="asv-vendor-", dir=cache.parent))
    result = subprocess.run([npm, "install", "--prefix", str(staging), "--no-save", "--no-audit", "--no-fund",
                             "--no-package-lock", "--loglevel=error", *sorted(needed)],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        raise RuntimeError(f"npm install of the asv site's libraries failed:\n{result.stderr[-3000:]}")
    shutil.rmtree(cache, ignore_errors=True)
    try:
        staging.rename(cache)
    except OSError:  # a concurrent publish got there first: its copy is as good
        shutil.rmtree(staging, ignore_errors=True)
    return modules


_TAG = re.compile(r"<(script|link)\b[^>]*>", re.IGNORECASE)
_EXTERNAL = re.compile(r"""\b(src|href)\s*=\s*["'](https?://[^"']+)["']""", re.IGNORECASE)
_INTEGRITY = re.compile(r"""\s(integrity|crossorigin|referrerpolicy)\s*=\s*["'][^"']*["']""", re.IGNORECASE)


def localize_site(html: Path, cache: Path = VENDOR_CACHE) -> list[str]:
    """Point the site's pages at local copies of the libraries asv loads from CDNs (copied into ``html/vendor/``),
    so the site works without those hosts; returns the URLs replaced. Raises on an external script or style
    sheet that :data:`VENDOR` does not know (a newer asv), naming it."""
    modules = vendor_libraries(cache)
    replaced: list[str] = []
    unknown: list[str] = []

    def local(match: re.Match) -> str:
        tag = match.group(0)
        found = _EXTERNAL.search(tag)
        if found is None:
            return tag
        url = found.group(2)
        if url not in VENDOR:
            unknown.append(url)
            return tag
        spec, path = VENDOR[url]
        source = modules / _npm_package(spec) / path
        target = html / "vendor" / _npm_package(spec) / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        if source.suffix == ".css" and (source.parent.parent / "fonts").is_dir():  # bootstrap's glyph icons
            shutil.copytree(source.parent.parent / "fonts", target.parent.parent / "fonts", dirs_exist_ok=True)
        replaced.append(url)
        relative = target.relative_to(html).as_posix()
        return _INTEGRITY.sub("", tag.replace(found.group(0), f'{found.group(1)}="{relative}"'))

    for page in sorted(html.glob("*.html")):
        text = page.read_text()
        page.write_text(_TAG.sub(local, text))
    if unknown:
        raise RuntimeError(f"the asv site loads {', '.join(sorted(set(unknown)))}, which record_history.VENDOR "
                           "does not map to an npm package: add it there")
    return replaced


def publish(html: Path = HTML, results: Path = RESULTS) -> Path:
    """``asv publish`` of the recorded history into ``html``, its libraries made local (:func:`localize_site`);
    returns ``html/index.html``."""
    with tempfile.TemporaryDirectory(prefix="assay-publish-") as scratch:
        config = write_config(Path(scratch) / "asv.conf.json", BENCHMARKS, results, html)
        asv("publish", config=config)
    localize_site(html)
    return html / "index.html"


def serve(html: Path = HTML, port: int = 8080) -> None:
    """Serve ``html`` on http://127.0.0.1:PORT/ until interrupted (the site needs http: it fetches its JSON)."""
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    server = ThreadingHTTPServer(("127.0.0.1", port), partial(SimpleHTTPRequestHandler, directory=str(html)))
    print(f"serving the asv site of {html} at http://127.0.0.1:{server.server_port}/ (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def compare(base: str, bench: Sequence[str], factor: float, head: str | None = None, quick: bool = False) -> int:
    """Time ``base`` and ``head`` (default: the working tree, labelled HEAD) in this run, into the scratch results
    folder ``benchmarks/results`` (never the kept history), then ``asv compare``; 1 when a benchmark got worse by
    more than ``factor``, else 0."""
    base_sha = git("rev-parse", "--verify", f"{base}^{{commit}}")
    head_sha = git("rev-parse", "--verify", f"{head or 'HEAD'}^{{commit}}")
    with tempfile.TemporaryDirectory(prefix="assay-compare-") as scratch:
        scratch_dir = Path(scratch)
        staged = stage_suite(scratch_dir / "suite")
        config = write_config(scratch_dir / "asv.conf.json", staged, SCRATCH_RESULTS)
        register_machine(config)
        for sha in (base_sha, head_sha):
            stale = SCRATCH_RESULTS / MACHINE
            for path in stale.glob(f"{sha[:8]}-*.json"):
                path.unlink()
        record_commit(base_sha, config, bench, extract_package(base_sha, scratch_dir / "base"), quick=quick)
        head_package = ROOT if head is None else extract_package(head_sha, scratch_dir / "head")
        record_commit(head_sha, config, bench, head_package, quick=quick)
        from asv.commands.compare import Compare
        from asv.config import Config

        conf = Config.load(str(config))
        worsened, _ = Compare.print_table(conf, base_sha, head_sha, factor=factor, split=True, machine=MACHINE,
                                          only_changed=False, sort="ratio",
                                          commit_names={base_sha: base, head_sha: head or "working tree"})
    return 1 if worsened else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    commands = parser.add_subparsers(dest="command", required=True)
    rec = commands.add_parser("record", help="record commits into benchmarks/history/results")
    rec.add_argument("--commits", type=int, default=DEFAULT_COMMITS,
                     help=f"the newest N commits that contain benchmarks (default {DEFAULT_COMMITS})")
    rec.add_argument("--revs", nargs="+", default=None, help="record these commits instead")
    rec.add_argument("--bench", action="append", default=None,
                     help="asv --bench regular expression (repeatable; default: the history selection)")
    rec.add_argument("--force", action="store_true", help="record again commits that have results")
    rec.add_argument("--results", type=Path, default=RESULTS, help="results folder (default: the kept history)")
    pub = commands.add_parser("publish", help="asv publish of the history into benchmarks/html")
    pub.add_argument("--html", type=Path, default=HTML)
    pub.add_argument("--results", type=Path, default=RESULTS)
    srv = commands.add_parser("serve", help="publish, then serve the site on localhost")
    srv.add_argument("--port", type=int, default=8080)
    srv.add_argument("--html", type=Path, default=HTML)
    cmp_ = commands.add_parser("compare", help="BASE against the working tree (or --head): exit 1 on a regression")
    cmp_.add_argument("base", help="the reference commit (a branch, tag or hash)")
    cmp_.add_argument("--head", default=None, help="a commit instead of the working tree")
    cmp_.add_argument("--bench", action="append", default=None, help="asv --bench regular expression (repeatable)")
    cmp_.add_argument("--factor", type=float, default=1.2, help="ratio counted as a change (default 1.2)")
    cmp_.add_argument("--quick", action="store_true", help="one sample per benchmark (a smoke, not a measurement)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "record":
        shas = [git("rev-parse", "--verify", f"{rev}^{{commit}}") for rev in args.revs] if args.revs else \
            commits_with_benchmarks(args.commits)
        started = time.perf_counter()
        timings = record(shas, args.bench or HISTORY_BENCH, results=args.results, force=args.force)
        total = time.perf_counter() - started
        print(f"recorded {len(timings)} commit(s) in {total:.0f} s "
              f"({len(shas) - len(timings)} already recorded); results in {args.results}")
        return 0
    if args.command == "publish":
        started = time.perf_counter()
        index = publish(args.html, args.results)
        print(f"published {index} in {time.perf_counter() - started:.1f} s")
        return 0
    if args.command == "serve":
        publish(args.html)
        serve(args.html, args.port)
        return 0
    return compare(args.base, args.bench or HISTORY_BENCH, args.factor, args.head, args.quick)


if __name__ == "__main__":
    raise SystemExit(main())
