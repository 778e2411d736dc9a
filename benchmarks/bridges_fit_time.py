"""How long one Light SB fit takes at D = 64 on this CPU, with the quality table's settings (issue: under a minute).

Run: ``python benchmarks/bridges_fit_time.py [--dims 64] [--eps 0.1 1 10] [--threads 2] [--repeats 2] [--json F]``.

Per (D, ε): the instance ``mixture_benchmark(D, ε, seed=0)``, training pools of 2¹⁷ exact samples of p0 and p1
(float32, drawn once, not timed), then ``LightSB(D, 50, ε).fit`` with the settings of
``benchmarks/bridges_lightsb_table.py`` (10 000 Adam steps, cosine lr, batch 2048 for ε = 0.1 and 128 otherwise),
timed alone; the minimum over ``--repeats`` fits (same seed, so the same work) is reported with the median. The
quality of these fits is in the table (same settings and seeds); this script only times them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time


def _settings() -> tuple[dict, dict]:
    """The quality table's batch sizes and learning rates (one source: bridges_lightsb_table.py)."""
    try:
        from bridges_lightsb_table import BATCH_SIZES, LEARNING_RATES
    except ImportError:  # imported as benchmarks.bridges_fit_time (asv)
        from benchmarks.bridges_lightsb_table import BATCH_SIZES, LEARNING_RATES
    return BATCH_SIZES, LEARNING_RATES


def measure_fit(dim: int, eps: float, steps: int, pool: int, repeats: int) -> dict:
    import torch

    from assay.kernels.bridges import LightSB
    from assay.reference.bridges import mixture_benchmark

    batch_sizes, learning_rates = _settings()
    bench = mixture_benchmark(dim, eps, seed=0)
    x0 = torch.tensor(bench.sample_p0(pool, 1), dtype=torch.float32)
    x1 = torch.tensor(bench.sample_p1(pool, 2), dtype=torch.float32)
    seconds = []
    for _ in range(repeats):
        model = LightSB(dim, 50, eps, dtype=torch.float32, seed=0)
        start = time.perf_counter()
        model.fit(x0, x1, steps=steps, batch_size=batch_sizes[eps], lr=learning_rates[eps], schedule="cosine",
                  seed=0, progress=False)
        seconds.append(time.perf_counter() - start)
    return {"dim": dim, "epsilon": eps, "steps": steps, "batch_size": batch_sizes[eps],
            "min_seconds": min(seconds), "median_seconds": statistics.median(seconds), "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dims", type=int, nargs="+", default=[64])
    parser.add_argument("--eps", type=float, nargs="+", default=[0.1, 1.0, 10.0])
    parser.add_argument("--steps", type=int, default=10_000)
    parser.add_argument("--pool", type=int, default=2**17)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--json", default="")
    args = parser.parse_args()
    import os

    import torch

    torch.set_num_threads(args.threads)
    rows = []
    print("| ε | D | batch | fit time, min of repeats (s) | median (s) |\n|---|---|---|---|---|")
    for eps in args.eps:
        for dim in args.dims:
            row = measure_fit(dim, eps, args.steps, args.pool, args.repeats)
            rows.append(row)
            print(f"| {eps:g} | {dim} | {row['batch_size']} | {row['min_seconds']:.1f} | {row['median_seconds']:.1f} |",
                  flush=True)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"threads": args.threads, "torch": torch.__version__, "load_average": os.getloadavg(),
                       "rows": rows}, handle, indent=1)


if __name__ == "__main__":
    main()
