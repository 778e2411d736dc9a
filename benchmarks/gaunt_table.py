"""One table: the Gaunt tensor product by every route, assay's and e3nn's, measured in the same run.

Run: ``python benchmarks/gaunt_table.py [--device cpu|cuda] [--threads 2] [--batch 4096] [--channels 1 32]
[--lmax 2 4 6 8 12 16] [--repeats 5] [--json docs/img/gaunt_benchmark.json] [--plots docs/img]``.

Cases: float32, ``batch`` rows of ``C`` channels, inputs and output of degrees ``0..L`` (``L1 = L2 = Lout = L``),
features in e3nn's ``mul_ir`` layout. Routes:

- ``assay fourier`` — :func:`assay.kernels.so3.gaunt_tensor_product.gaunt_tensor_product` with ``method="fourier"``;
- ``assay s2grid`` — the same with ``method="s2grid"``; ``assay cg`` — ``method="cg"`` (sparse real Gaunt);
- ``e3nn tp`` — ``o3.TensorProduct`` with every Gaunt path (l1+l2+l3 even) as ``"uuu"`` without weights, each path
  scaled so the output equals the Gaunt product (``path_weight = (√((2l1+1)(2l2+1)(2l3+1)/4π) |(l1 l2 l3; 0 0 0)|)²``,
  e3nn multiplies a path by the square root of its weight);
- ``e3nn s2grid`` — ``o3.ToS2Grid`` → pointwise product → ``o3.FromS2Grid`` (``normalization="integral"``,
  ``res = (3L+2 rounded up to even, 3L+1)``, the smallest grid found exact), on ``(batch, C, (L+1)²)`` inputs
  prepared outside the timed region.

Each route is warmed up (the first call, which builds plans/modules, is reported as ``first``), then the routes of a
case are timed alternately ``--repeats`` times, so a busy machine slows all alike; the table shows the minimum (and
median) per call. A route whose single call exceeds ``--max-seconds`` is timed once; a route whose predicted time
(from the previous L) exceeds ``--skip-seconds`` is skipped and marked so. ``error`` is the largest
``|z − z_ref| / (‖x‖‖y‖)`` over the first 64 rows against assay's sparse CG route in float64. ``peak MiB`` is the
additional peak resident memory of one call, sampled every 0.2 ms in a fresh subprocess (CUDA: peak allocated).
``OMP_WAIT_POLICY=PASSIVE`` is set unless already set (spinning OpenMP threads distort timings on a shared
machine). ``flops/row`` is
the count for one channel-row: ``FlopCounterMode`` (matrix products and FFTs, :mod:`assay.core.flops`) for every
route but assay's CG, whose exact operation count is used.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROUTES = ("assay fourier", "assay s2grid", "assay cg", "e3nn tp", "e3nn s2grid")
ASSAY_METHODS = {"assay fourier": "fourier", "assay s2grid": "s2grid", "assay cg": "cg"}
#: exponent used to predict the next L's time from the previous one (skip rule)
GROWTH = {"assay fourier": 3, "assay s2grid": 4, "assay cg": 5, "e3nn tp": 6, "e3nn s2grid": 4}


def _e3nn_resolution(lmax: int) -> tuple[int, int]:
    beta = 3 * lmax + 2
    return beta + beta % 2, 3 * lmax + 1


def _gaunt_path_weight(l1: int, l2: int, l3: int) -> float:
    from assay.reference.so3.coupling import wigner_3j

    return (2 * l1 + 1) * (2 * l2 + 1) * (2 * l3 + 1) / (4 * math.pi) * float(wigner_3j(l1, l2, l3, 0, 0, 0)) ** 2


def _inputs(lmax: int, channels: int, batch: int, dtype, device):
    import torch

    generator = torch.Generator().manual_seed(lmax * 100 + channels)
    size = channels * (lmax + 1) ** 2
    x = torch.randn(batch, size, generator=generator, dtype=torch.float64)
    y = torch.randn(batch, size, generator=generator, dtype=torch.float64)
    return x.to(device=device, dtype=dtype), y.to(device=device, dtype=dtype)


def build_route(route: str, lmax: int, channels: int, x, y):
    """``(call, to_flat)``: a no-argument function computing the product, and a map of its output to mul_ir."""

    from assay.kernels.so3._sh_layout import stack, unstack

    if route in ASSAY_METHODS:
        from assay.kernels.so3.gaunt_tensor_product import gaunt_tensor_product

        method = ASSAY_METHODS[route]
        return (lambda: gaunt_tensor_product(x, y, lmax, lmax, lmax, method=method, channels=channels)), (lambda z: z)
    from e3nn import o3

    if route == "e3nn tp":
        irreps = o3.Irreps([(channels, (l, (-1) ** l)) for l in range(lmax + 1)])
        instructions = [(l1, l2, l3, "uuu", False, _gaunt_path_weight(l1, l2, l3))
                        for l1 in range(lmax + 1) for l2 in range(lmax + 1)
                        for l3 in range(abs(l1 - l2), min(l1 + l2, lmax) + 1, 2)]
        module = o3.TensorProduct(irreps, irreps, irreps, instructions, irrep_normalization="none",
                                  path_normalization="none").to(device=x.device, dtype=x.dtype)
        return (lambda: module(x, y)), (lambda z: z)
    res = _e3nn_resolution(lmax)
    to_grid = o3.ToS2Grid(lmax, res, normalization="integral", dtype=x.dtype, device=x.device)
    from_grid = o3.FromS2Grid(res, lmax, normalization="integral", dtype=x.dtype, device=x.device)
    xs, ys = stack(x, lmax, channels, "mul_ir"), stack(y, lmax, channels, "mul_ir")
    return (lambda: from_grid(to_grid(xs) * to_grid(ys))), (lambda z: unstack(z, lmax, "mul_ir"))


def _synchronize(device) -> None:
    import torch

    if torch.device(device).type == "cuda":
        torch.cuda.synchronize()


def _timed(call, device) -> float:
    start = time.perf_counter()
    call()
    _synchronize(device)
    return time.perf_counter() - start


def _error(route_output, x, y, lmax: int, channels: int) -> float:

    from assay.kernels.so3.gaunt_tensor_product import gaunt_tensor_product

    rows = min(64, x.shape[0])
    xd, yd = x[:rows].double().cpu(), y[:rows].double().cpu()
    reference = gaunt_tensor_product(xd, yd, lmax, lmax, lmax, method="cg")
    scale = (xd.norm(dim=1) * yd.norm(dim=1))[:, None]
    return float(((route_output[:rows].double().cpu() - reference).abs() / scale).max())


def flops_per_row(route: str, lmax: int) -> int:
    """FLOPs (or the exact operation count, assay cg) of one channel-row."""
    import torch

    from assay.core.flops import count_flops

    if route == "assay cg":
        from assay.kernels.so3.cg_tensor_product import gaunt_coupling_count

        return (lmax + 1) ** 4 + 2 * gaunt_coupling_count(lmax, lmax, lmax)
    if route == "assay fourier":
        from assay.kernels.so3.gaunt_tensor_product import fourier_gaunt_stacked, fourier_plan

        plan = fourier_plan(lmax, lmax, lmax, torch.float32, "meta")
        x = torch.empty(1, (lmax + 1) ** 2, device="meta")
        return count_flops(fourier_gaunt_stacked, x, x, plan)
    x, y = _inputs(lmax, 1, 1, torch.float32, "cpu")
    call, _ = build_route(route, lmax, 1, x, y)
    with torch.no_grad():
        return count_flops(call)


def _resident_bytes() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _sampled_peak_rss(call) -> int:
    """Peak resident memory above the level before ``call``, sampled every 0.2 ms by a thread (Linux)."""
    import threading

    baseline = _resident_bytes()
    peak = [baseline]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _resident_bytes())
            time.sleep(0.0002)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        call()
    finally:
        done.set()
        sampler.join()
    peak[0] = max(peak[0], _resident_bytes())
    return peak[0] - baseline


def _memory_worker(route: str, lmax: int, channels: int, batch: int, device: str) -> None:
    """Subprocess entry: print the additional peak memory (MiB) of one full-size call."""
    import torch

    x, y = _inputs(lmax, channels, batch, torch.float32, device)
    small_call, _ = build_route(route, lmax, channels, x[:2], y[:2])
    with torch.no_grad():
        small_call()  # builds plans / modules / tables
        call, _ = build_route(route, lmax, channels, x, y)
        if torch.device(device).type == "cuda":
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
            before = torch.cuda.memory_allocated()
            call()
            torch.cuda.synchronize()
            peak = (torch.cuda.max_memory_allocated() - before) / 2**20
        else:
            peak = _sampled_peak_rss(call) / 2**20
    print(json.dumps({"peak_mib": peak}))


def _peak_memory(route: str, lmax: int, channels: int, batch: int, device: str, threads: int) -> float | None:
    command = [sys.executable, __file__, "--worker", route, str(lmax), str(channels), "--batch", str(batch),
               "--device", device, "--threads", str(threads)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=900, check=True,
                              env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
        return float(json.loads(done.stdout.strip().splitlines()[-1])["peak_mib"])
    except (subprocess.SubprocessError, ValueError, KeyError, IndexError):
        return None


def run_case(lmax, channels, args, previous) -> dict:
    import torch

    x, y = _inputs(lmax, channels, args.batch, torch.float32, args.device)
    results: dict[str, dict] = {}
    calls = {}
    with torch.no_grad():
        for route in args.routes:
            last = previous.get(route)
            if last is not None and last.get("min_s") is not None:
                predicted = last["min_s"] * (lmax / last["lmax"]) ** GROWTH[route]
                if predicted > args.skip_seconds:
                    results[route] = {"skipped": f"predicted {predicted:.0f} s per call"}
                    continue
            elif last is not None and "skipped" in last:
                results[route] = {"skipped": last["skipped"] + " (at a smaller L)"}
                continue
            try:
                start = time.perf_counter()
                call, to_flat = build_route(route, lmax, channels, x, y)
                output = call()
                _synchronize(args.device)
                first = time.perf_counter() - start
            except ImportError as error:
                results[route] = {"skipped": f"unavailable: {error}"}
                continue
            single = _timed(call, args.device)
            results[route] = {"first_s": first, "times": [single],
                              "error": _error(to_flat(output), x, y, lmax, channels)}
            if single <= args.max_seconds:
                calls[route] = call
        for _ in range(args.repeats - 1):
            for route, call in calls.items():
                results[route]["times"].append(_timed(call, args.device))
    for route, entry in results.items():
        if "times" in entry:
            times = entry.pop("times")
            entry["min_s"], entry["median_s"] = min(times), statistics.median(times)
            entry["lmax"] = lmax
            if args.memory:
                entry["peak_mib"] = _peak_memory(route, lmax, channels, args.batch, args.device, args.threads)
    return results


def _format_ms(entry: dict) -> str:
    if "skipped" in entry:
        return "skipped"
    return f"{entry['min_s'] * 1e3:.1f} ({entry['median_s'] * 1e3:.1f})"


def print_table(rows: list[dict], routes) -> None:
    header = ["L", "C", *[f"{r} ms" for r in routes], "e3nn tp / best assay", "best assay", "max error", "peak MiB"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        entries = row["routes"]
        assay = {r: e["min_s"] for r, e in entries.items() if r in ASSAY_METHODS and "min_s" in e}
        best = min(assay, key=assay.get) if assay else None
        tp = entries.get("e3nn tp", {}).get("min_s")
        ratio = f"{tp / assay[best]:.1f}×" if best and tp else "–"
        errors = ", ".join(f"{e['error']:.1e}" for r, e in entries.items() if "error" in e)
        peaks = ", ".join("–" if e.get("peak_mib") is None else f"{e['peak_mib']:.0f}"
                          for r, e in entries.items() if "min_s" in e)
        cells = [str(row["lmax"]), str(row["channels"]), *[_format_ms(entries.get(r, {"skipped": 1})) for r in routes],
                 ratio, best.split()[-1] if best else "–", errors, peaks]
        print("| " + " | ".join(cells) + " |")


def plot(rows: list[dict], flops: dict, routes, directory: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    directory.mkdir(parents=True, exist_ok=True)
    written = []
    channel_counts = sorted({row["channels"] for row in rows})
    figure, axes = plt.subplots(1, len(channel_counts), figsize=(6 * len(channel_counts), 4.5), squeeze=False)
    for axis, channels in zip(axes[0], channel_counts):
        for route in routes:
            points = [(row["lmax"], row["routes"][route]["min_s"] * 1e3) for row in rows
                      if row["channels"] == channels and "min_s" in row["routes"].get(route, {})]
            if points:
                axis.plot(*zip(*points), marker="o", label=route)
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("L (inputs and output)")
        axis.set_ylabel("ms per call")
        axis.set_title(f"batch {rows[0]['batch']}, C = {channels}, float32, {rows[0]['device']}")
        axis.grid(True, which="both", alpha=0.3)
        axis.legend()
    figure.tight_layout()
    path = directory / "gaunt_time.png"
    figure.savefig(path, dpi=110)
    written.append(path)
    figure, axis = plt.subplots(figsize=(6, 4.5))
    for route in routes:
        points = sorted((int(l), count) for l, count in flops.get(route, {}).items())
        if points:
            axis.plot(*zip(*points), marker="o", label=route)
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xlabel("L (inputs and output)")
    axis.set_ylabel("FLOPs per channel-row")
    axis.set_title("Gaunt tensor product: operation counts")
    axis.grid(True, which="both", alpha=0.3)
    axis.legend()
    figure.tight_layout()
    path = directory / "gaunt_flops.png"
    figure.savefig(path, dpi=110)
    written.append(path)
    return written


def _passive_openmp() -> None:
    """On a shared machine, OpenMP threads that spin while waiting steal the cores the other thread needs (measured
    here: 74 ms → 17 ms per call with 2 threads under load); ask for passive waiting unless the user chose."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=4096)
    parser.add_argument("--channels", type=int, nargs="+", default=[1, 32])
    parser.add_argument("--lmax", type=int, nargs="+", default=[2, 4, 6, 8, 12, 16])
    parser.add_argument("--routes", nargs="+", default=list(ROUTES), choices=ROUTES)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--max-seconds", type=float, default=10.0)
    parser.add_argument("--skip-seconds", type=float, default=60.0)
    parser.add_argument("--no-memory", dest="memory", action="store_false")
    parser.add_argument("--flops-lmax", type=int, nargs="+", default=None,
                        help="degrees for the FLOP plot (default: --lmax plus 24 and 32 for assay's routes)")
    parser.add_argument("--json", type=Path, default=Path("docs/img/gaunt_benchmark.json"))
    parser.add_argument("--plots", type=Path, default=Path("docs/img"))
    parser.add_argument("--worker", nargs=3, metavar=("ROUTE", "L", "C"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    _passive_openmp()

    import torch

    torch.set_num_threads(args.threads)
    if args.worker:
        route, lmax, channels = args.worker[0], int(args.worker[1]), int(args.worker[2])
        _memory_worker(route, lmax, channels, args.batch, args.device)
        return
    rows = []
    previous: dict[int, dict[str, dict]] = {}
    for lmax in sorted(args.lmax):
        for channels in args.channels:
            start = time.perf_counter()
            entries = run_case(lmax, channels, args, previous.get(channels, {}))
            previous.setdefault(channels, {}).update({r: e for r, e in entries.items()})
            rows.append({"lmax": lmax, "channels": channels, "batch": args.batch, "device": args.device,
                         "threads": args.threads, "routes": entries})
            print(f"# L={lmax} C={channels} done in {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    flops: dict[str, dict[int, int]] = {}
    flop_degrees = args.flops_lmax or sorted(set(args.lmax) | {24, 32})
    for route in args.routes:
        for lmax in flop_degrees:
            if lmax > max(args.lmax) and not route.startswith("assay"):
                continue  # e3nn's modules get slow to build beyond the timed degrees
            if route == "assay s2grid" and lmax > 24:
                continue
            try:
                flops.setdefault(route, {})[lmax] = flops_per_row(route, lmax)
            except ImportError:
                break
    print_table(rows, args.routes)
    print()
    print("FLOPs per channel-row:", json.dumps({r: {str(k): v for k, v in c.items()} for r, c in flops.items()}))
    load = os.getloadavg()
    meta = {"torch": torch.__version__, "threads": args.threads, "loadavg": load, "dtype": "float32",
            "lout": "L (inputs and output share the degree)"}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"meta": meta, "rows": rows, "flops": flops}, indent=1))
    for path in plot(rows, flops, args.routes, args.plots):
        print("wrote", path)
    print("wrote", args.json, "| load average during the run:", load)


if __name__ == "__main__":
    main()
