"""The asv suite never rots and the kept history is one the site can show.

- ``asv check`` imports every benchmark module and checks every benchmark's signature and parameters;
- a quick, dry ``asv run`` in the existing environment runs one cheap benchmark of each domain (exit 0, each ok);
- every domain has time_, peakmem_ and track_ benchmarks, including an error against a reference and an
  operation count, and the history selection of ``benchmarks/record_history.py`` matches them all;
- the kept history (``benchmarks/history/results``) covers at least 20 commits of this repository, and the site
  built from it shows a benchmark of every domain at more than one commit;
- ``record_history.py record`` records a commit end to end (one cheap benchmark, into a temporary folder).

The asv runs take a temporary configuration (results in a temporary folder: ``asv run`` rewrites the results
folder's ``benchmarks.json`` even in a dry run) and ``ASV_PYTHONPATH`` pointing at this checkout, which is what
asv puts on the benchmarks' path in an existing environment.
"""

from __future__ import annotations

import importlib
import inspect
import itertools
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
if str(ROOT) not in sys.path:  # the benchmarks package (asv imports it the same way)
    sys.path.insert(0, str(ROOT))
import record_history  # noqa: E402  (a script of benchmarks/, not a package module)

DOMAINS = {
    "so3": ("bench_so3_harmonics_wigner", "bench_so3_kernels", "bench_so3_coupling", "bench_gaunt_tensor_product"),
    "optics": ("bench_optics",),
    "frames": ("bench_frames",),
    "bridges": ("bench_bridges",),
    "spectral": ("bench_spectral",),
}
# one cheap benchmark per domain for the smoke run (a few seconds each on two loaded cores)
SMOKE = (r"bench_so3_kernels\.track_wigner_D_max_error_eps_l8", r"bench_optics\.ADChain\.time_optic\(8, 64\)",
         r"bench_frames\.DegeneracyCheck\.time_eigh", r"bench_bridges\.MongeMap\.time_monge_map_matrix\(2\)",
         r"bench_spectral\.Kronecker\.time_solve_logdet\(100\)")


def _config(tmp_path: Path) -> Path:
    return record_history.write_config(tmp_path / "asv.conf.json", ROOT / "benchmarks", tmp_path / "results",
                                       tmp_path / "html")


def _asv(tmp_path: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "asv", "--config", str(_config(tmp_path)), *args],
                          capture_output=True, text=True, timeout=timeout, check=False,
                          env={**os.environ, "ASV_PYTHONPATH": str(ROOT)})


def test_asv_check_imports_every_benchmark(tmp_path):
    result = _asv(tmp_path, "check", "--environment", f"existing:{sys.executable}")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def test_quick_dry_run_of_one_benchmark_per_domain(tmp_path):
    bench = [arg for pattern in SMOKE for arg in ("--bench", pattern)]
    record_history.register_machine(_config(tmp_path))  # asv would ask questions about an unknown machine
    result = _asv(tmp_path, "run", "--quick", "--dry-run", "--environment", f"existing:{sys.executable}",
                  "--machine", record_history.MACHINE, "--show-stderr", *bench)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]  # asv exits 2 when a benchmark fails
    assert "Running 5 total benchmarks" in output, output[-3000:]
    assert "failed" not in output, output[-3000:]


def _benchmarks() -> dict[str, list[str]]:
    """module → asv-style names ``module.Class.method(params)`` of every benchmark it defines."""
    found: dict[str, list[str]] = {}
    prefixes = ("time_", "peakmem_", "track_", "mem_", "timeraw_")
    for module_name in itertools.chain.from_iterable(DOMAINS.values()):
        module = importlib.import_module(f"benchmarks.{module_name}")
        names = []
        for attr, value in vars(module).items():
            if attr.startswith(prefixes) and inspect.isfunction(value):
                names.append(f"{module_name}.{attr}")
            elif inspect.isclass(value) and value.__module__ == module.__name__:
                params = getattr(value, "params", None)
                if params and not isinstance(params[0], (list, tuple)):
                    params = [params]
                combos = [""] if not params else [
                    "(" + ", ".join(repr(p) for p in combo) + ")" for combo in itertools.product(*params)]
                for method in vars(value):
                    if method.startswith(prefixes):
                        names += [f"{module_name}.{attr}.{method}{combo}" for combo in combos]
        found[module_name] = names
    return found


def test_every_domain_has_time_peakmem_and_track_benchmarks():
    benchmarks = _benchmarks()
    for domain, modules in DOMAINS.items():
        names = [name for module in modules for name in benchmarks[module]]
        kinds = {kind for name in names for kind in ("time_", "peakmem_", "track_") if f".{kind}" in name}
        assert kinds == {"time_", "peakmem_", "track_"}, f"{domain} has only {sorted(kinds)}"
        tracks = [name for name in names if ".track_" in name]
        assert any("error" in name for name in tracks), f"{domain}: no track_ of an error against a reference"
        counts = ("flops", "gets", "stored", "peak", "saved")
        assert any(word in name.rsplit(".", 1)[1] for name in tracks for word in counts), (
            f"{domain}: no track_ of a FLOP or operation count")


def test_history_selection_matches_every_domain_and_no_dead_pattern():
    benchmarks = _benchmarks()
    every = [name for names in benchmarks.values() for name in names]
    for pattern in record_history.HISTORY_BENCH:
        assert any(re.search(pattern, name) for name in every), f"history pattern {pattern!r} selects nothing"
    selected = [name for name in every if any(re.search(p, name) for p in record_history.HISTORY_BENCH)]
    for domain, modules in DOMAINS.items():
        mine = [name for name in selected if name.split(".", 1)[0] in modules]
        for kind in ("time_", "peakmem_", "track_"):
            assert any(f".{kind}" in name for name in mine), f"the history records no {kind} benchmark of {domain}"


def _git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)


def test_kept_history_covers_at_least_20_commits_of_this_repository():
    results = record_history.RESULTS / record_history.MACHINE
    commits = set()
    for path in results.glob("*.json"):
        if path.name != "machine.json":
            commits.add(json.loads(path.read_text())["commit_hash"])
    assert len(commits) >= 20, f"{len(commits)} commits recorded in {results}; run record_history.py record"
    for sha in commits:
        assert _git("merge-base", "--is-ancestor", sha, "HEAD").returncode == 0, f"{sha} is not a commit of HEAD"
        names = _git("ls-tree", "--name-only", sha, "benchmarks/").stdout.split()
        assert any(Path(name).name.startswith("bench_") for name in names), f"{sha} has no benchmarks"


def test_site_shows_every_domain_at_more_than_one_commit():
    lengths = record_history.history_lengths()
    for domain, modules in DOMAINS.items():
        longest = max((n for name, n in lengths.items() if name.split(".", 1)[0] in modules), default=0)
        assert longest > 1, f"no {domain} benchmark has a history of more than one commit on the site"


def test_suite_staging_keeps_bench_modules_and_their_helpers_only(tmp_path):
    staged = record_history.stage_suite(tmp_path)
    names = {path.name for path in staged.iterdir()}
    assert {"__init__.py", "bench_optics.py", "bench_gaunt_tensor_product.py", "gaunt_table.py"} <= names
    assert not names & {"frames_accuracy.py", "optics_tradeoff.py", "record_history.py"}  # scripts, not suite
    assert "import torch" in (staged / "__init__.py").read_text()  # preloaded by asv's fork server


def test_commits_with_benchmarks_are_oldest_first_and_refuse_zero():
    shas = record_history.commits_with_benchmarks(3)
    assert len(shas) == 3 and shas[-1] == _git("rev-parse", "HEAD").stdout.strip()
    assert _git("merge-base", "--is-ancestor", shas[0], shas[1]).returncode == 0
    with pytest.raises(ValueError, match="count must be a positive number"):
        record_history.commits_with_benchmarks(0)


def test_record_writes_a_result_for_the_commit(tmp_path):
    head = _git("rev-parse", "HEAD").stdout.strip()
    results = tmp_path / "results"
    code = record_history.main(["record", "--revs", "HEAD", "--bench", r"bench_optics\.ChainCounts\.track_peak",
                                "--results", str(results)])
    assert code == 0
    (result_file,) = [p for p in (results / record_history.MACHINE).glob("*.json") if p.name != "machine.json"]
    data = json.loads(result_file.read_text())
    assert data["commit_hash"] == head
    recorded_values = data["results"]["bench_optics.ChainCounts.track_peak"][0]
    from benchmarks.bench_optics import ChainCounts

    expected = []
    for scheme, n in itertools.product(*ChainCounts.params):  # the same counts, measured here in-process
        case = ChainCounts()
        case.setup(scheme, n)
        expected.append(case.track_peak(scheme, n))
    assert recorded_values == expected
    assert record_history.recorded(head, results)


def test_site_libraries_are_made_local_and_an_unknown_one_is_named(tmp_path):
    jquery = "https://code.jquery.com/jquery-3.3.1.min.js"
    page = tmp_path / "index.html"
    page.write_text(f'<script src="{jquery}" integrity="sha256-x" crossorigin="anonymous"></script>\n'
                    '<a href="https://example.invalid/">a link is not a library</a>\n')
    assert record_history.localize_site(tmp_path) == [jquery]
    text = page.read_text()
    assert '<script src="vendor/jquery/dist/jquery.min.js"></script>' in text and "https://example.invalid/" in text
    assert (tmp_path / "vendor" / "jquery" / "dist" / "jquery.min.js").read_text().startswith("/*! jQuery v3.3.1")
    page.write_text('<link rel="stylesheet" href="https://cdn.example.invalid/new.css">')
    with pytest.raises(RuntimeError, match=re.escape("https://cdn.example.invalid/new.css")):
        record_history.localize_site(tmp_path)
