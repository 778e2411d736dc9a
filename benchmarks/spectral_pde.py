"""The GP PDE solver (GP-HM style) on the paper's test problems: final relative L2 errors, times, a resolution study.

Run: ``python benchmarks/spectral_pde.py [--threads 2] [--json docs/img/spectral_pde.json] [--plots docs/img] [--only
NAME ...] [--resolution]``.

``--only NAME ...`` runs a subset of the rows, ``--sizes N ...`` sets the resolution study's grids, and
``--merge A.json B.json --json out.json --plots DIR`` merges the JSON files of separate runs (and draws the
resolution figure). Rows (float64, CPU; ``ROWS`` below): ``poisson1d-sin100`` and ``poisson1d-sin6cos100`` at
N = 300 (the logged GP-HM run used N = 300), ``poisson2d-sin100`` at 300 × 300 (8 rounds), Allen–Cahn in 1-D
(N = 300) and 2-D (64 × 64, the dense Newton limit), and advection with β = 200 on 30 × 150 (Gaussian kernel fitted
to the inflow lines, one solve), each with ``rounds`` rounds of (exact collocation solve, 100 Adam steps on the
kernel's log likelihood); ``--resolution`` adds the error of
``poisson1d-sin100`` against N (under-resolved grids are run with ``allow_underresolved=True`` and flagged). Every
error is the **final** one, never the best checkpoint. ``--plots`` writes ``spectral_pde_solution.png`` (1-D
sin(6x)cos(100x): solution and pointwise error) and ``spectral_pde_resolution.png``."""

from __future__ import annotations

import argparse
import json
import time
import warnings

ROWS = [  # (problem, grid, rounds, kernel)
    ("poisson1d-sin100", 300, 5, "student_t"),
    ("poisson1d-sin6cos100", 300, 5, "student_t"),
    ("poisson2d-sin100", 300, 8, "student_t"),
    ("allen-cahn1d-sin100", 300, 5, "student_t"),
    ("allen-cahn2d-sin20", 64, 5, "student_t"),
    ("advection-beta200", (30, 150), 1, "gaussian"),
]
RESOLUTION = [("poisson1d-sin100", n) for n in (150, 200, 250, 300, 400)]


def _run(name: str, n, rounds: int, keep: bool = False, kernel: str = "student_t") -> dict:
    from assay.kernels.spectral.pde import solve_pde

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start = time.perf_counter()
        result = solve_pde(name, n, rounds=rounds, kernel_steps=100, allow_underresolved=True, keep_values=keep,
                           progress=False, kernel=kernel)
        seconds = time.perf_counter() - start
    row = result.as_dict()
    row["seconds"] = seconds
    row["warnings"] = [str(w.message) for w in caught]
    print(f"{name:22s} N={n!s:9s}  final rel L2 {result.relative_l2:.3e}  ({seconds:.1f} s)"
          + ("  [under-resolved]" if row["warnings"] else ""), flush=True)
    return row if not keep else {**row, "_result": result}


def _resolution_plot(directory: str, resolution: list[dict]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    points = sorted((r["n"][0], r["relative_l2"]) for r in resolution)
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.loglog([n for n, _ in points], [e for _, e in points], "o-")
    # (N − 1)/(2·2π) > 100/(2π) cycles per unit  ⇔  N > 201
    ax.axvline(202, ls="--", c="gray", label="Nyquist: N = 202 (2 points per period)")
    ax.set_xlabel("N (collocation points)")
    ax.set_ylabel("final relative L2 error")
    ax.set_title("poisson1d-sin100 on [0, 2π]")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(f"{directory}/spectral_pde_resolution.png", dpi=120)


def _merge(paths: list[str], out: str, plots: str) -> None:
    merged: dict = {"rows": [], "resolution": []}
    for path in paths:
        with open(path) as handle:
            part = json.load(handle)
        merged["torch"], merged["threads"] = part["torch"], part["threads"]
        merged["rows"] += part["rows"]
        merged["resolution"] += part["resolution"]
    resolution_ns = {r["n"][0] for r in merged["resolution"]}
    merged["resolution"] += [r for r in merged["rows"] if r["problem"] == "poisson1d-sin100"
                             and r["n"][0] not in resolution_ns]
    merged["resolution"].sort(key=lambda r: r["n"][0])
    if out:
        with open(out, "w") as handle:
            json.dump(merged, handle, indent=2)
    if plots and merged["resolution"]:
        _resolution_plot(plots, merged["resolution"])


def _plots(directory: str, rows: list[dict], resolution: list[dict]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from assay.kernels.spectral.pde import problem

    kept = [r for r in rows if r["problem"] == "poisson1d-sin6cos100"]
    result = kept[0]["_result"] if kept else _run("poisson1d-sin6cos100", 300, 5, keep=True)["_result"]
    prob = problem("poisson1d-sin6cos100")
    x = result.grid[0]
    exact = prob.solution(x)
    fig, axes = plt.subplots(2, 1, figsize=(8, 5), sharex=True)
    axes[0].plot(x.numpy(), exact.numpy(), lw=0.6, label="exact sin(6x)cos(100x)")
    axes[0].plot(x.numpy(), result.values.numpy(), ".", ms=2, label="GP collocation values (N = 300)")
    axes[0].legend(loc="upper right", fontsize=8)
    axes[1].semilogy(x.numpy(), (result.values - exact).abs().clamp_min(1e-17).numpy(), lw=0.8)
    axes[1].set_ylabel("|u − u*| at the grid")
    axes[1].set_xlabel("x")
    fig.tight_layout()
    fig.savefig(f"{directory}/spectral_pde_solution.png", dpi=120)
    if resolution:
        _resolution_plot(directory, resolution)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", default="")
    parser.add_argument("--plots", default="")
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--resolution", action="store_true")
    parser.add_argument("--sizes", nargs="*", type=int, default=None, help="grid sizes of the resolution study")
    parser.add_argument("--rounds", type=int, default=None, help="override the rounds of the selected rows")
    parser.add_argument("--merge", nargs="*", default=None, help="merge these JSON files instead of running")
    args = parser.parse_args()
    if args.merge:
        _merge(args.merge, args.json, args.plots)
        return
    import torch

    torch.set_num_threads(args.threads)
    rows = [_run(name, n, args.rounds or rounds, keep=bool(args.plots) and name == "poisson1d-sin6cos100",
                 kernel=kernel)
            for name, n, rounds, kernel in ROWS if args.only is None or name in args.only]
    if args.plots and not any(r["problem"] == "poisson1d-sin6cos100" for r in rows):
        args.plots = ""  # the solution figure needs that row
    study = RESOLUTION if args.sizes is None else [("poisson1d-sin100", n) for n in args.sizes]
    resolution = [_run(name, n, 5) for name, n in study] if args.resolution else []
    plain = [{k: v for k, v in r.items() if k != "_result"} for r in rows]
    out = {"torch": torch.__version__, "threads": args.threads, "rows": plain, "resolution": resolution}
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(out, handle, indent=2)
    if args.plots:
        _plots(args.plots, rows, resolution)


if __name__ == "__main__":
    main()
