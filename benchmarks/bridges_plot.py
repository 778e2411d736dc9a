"""The 2-D figure of docs/bridges.md: samples and drift fields of assay's benchmark and a fitted Light SB.

Run: ``python benchmarks/bridges_plot.py [--out docs/img/bridges_2d.png] [--epsilon 1.0] [--steps 5000]``.

Panels: (1) p0 and p1 samples of ``mixture_benchmark(2, ε, seed=0)``; (2) Light SB samples of π(·|x) for five
starting points, over the exact plan's samples; (3) the true drift field at t = 0.5 (black) and the fitted model's
(red), with SDE trajectories of the fitted model.
"""

from __future__ import annotations

import argparse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="docs/img/bridges_2d.png")
    parser.add_argument("--epsilon", type=float, default=1.0)
    parser.add_argument("--steps", type=int, default=5000)
    args = parser.parse_args()

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    import torch

    from assay.kernels.bridges import LightSB
    from assay.reference.bridges import mixture_benchmark

    bench = mixture_benchmark(2, args.epsilon, seed=0)
    x0 = torch.tensor(bench.sample_p0(2**15, 1))
    x1 = torch.tensor(bench.sample_p1(2**15, 2))
    model = LightSB(2, 50, args.epsilon, seed=0)
    model.fit(x0, x1, steps=args.steps, lr=1e-2, schedule="cosine", progress=False)

    fig, axes = plt.subplots(1, 3, figsize=(15, 5))
    axes[0].scatter(*x0[:3000].T, s=2, alpha=0.4, label="p0")
    axes[0].scatter(*x1[:3000].T, s=2, alpha=0.4, label="p1")
    axes[0].legend()
    axes[0].set_title(f"benchmark D = 2, ε = {args.epsilon:g}")
    starts = bench.sample_p0(5, 3)
    for i, start in enumerate(starts):
        repeated = np.repeat(start[None], 400, axis=0)
        exact = bench.sample_plan(repeated, np.random.default_rng(i))
        fitted = model.sample(torch.tensor(repeated), i).numpy()
        axes[1].scatter(*exact.T, s=3, alpha=0.3, color=f"C{i}")
        axes[1].scatter(*fitted.T, s=3, alpha=0.6, color=f"C{i}", marker="x")
        axes[1].scatter(*start, s=80, color=f"C{i}", edgecolor="k", marker="*")
    axes[1].set_title("π(·|x): exact (dots) vs Light SB (crosses), x = stars")
    grid = np.stack(np.meshgrid(np.linspace(-4, 4, 17), np.linspace(-4, 4, 17)), -1).reshape(-1, 2)
    true_drift = bench.drift(grid, 0.5)
    with torch.no_grad():
        fitted_drift = model.drift(torch.tensor(grid), 0.5).numpy()
        paths = model.sde_sample(torch.tensor(starts), 100, 0, return_trajectory=True).numpy()
    axes[2].quiver(*grid.T, *true_drift.T, color="k", alpha=0.6, angles="xy")
    axes[2].quiver(*grid.T, *fitted_drift.T, color="r", alpha=0.6, angles="xy")
    for i in range(len(starts)):
        axes[2].plot(paths[:, i, 0], paths[:, i, 1], color=f"C{i}", lw=1)
    axes[2].set_title("drift at t = 0.5: true (black), Light SB (red); SDE paths")
    for ax in axes:
        ax.set_aspect("equal")
    fig.tight_layout()
    fig.savefig(args.out, dpi=110)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
