"""The space-time tradeoff of lenses, optics and checkpointed chains, with torch's measured points.

Run from the repository root::

    python -m benchmarks.optics_tradeoff            # prints the tables, writes docs/img/optics_tradeoff.png
    python -m benchmarks.optics_tradeoff --no-plot  # tables only (no matplotlib needed)

For a chain of ``n`` primitive lenses it runs every scheme through the instrumented evaluator
(:func:`assay.reference.optics.measure_run`), checks each count against its closed form, and runs the same
segmentations through ``torch.utils.checkpoint`` with hooks (:func:`assay.kernels.optics.measure_torch_chain`).
The plot needs matplotlib (an optional extra, not a core dependency).
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from assay.reference.optics import (
    ChainCost,
    checkpointed,
    closed_form_cost,
    left_nested,
    measure_run,
    optic_chain,
    primitive_lens,
    right_nested,
)

OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "img" / "optics_tradeoff.png"


def counter_lenses(n: int) -> list:
    """Integer lenses ``x ↦ x + i`` with ``put(x, c) = 3c + x``: cheap, exact, all distinct."""
    return [primitive_lens(lambda x, i=i: x + i, lambda x, c: 3 * c + x, name=f"l{i}") for i in range(n)]


def measured(scheme: str, n: int, k: int | None = None) -> ChainCost:
    """Counts of one instrumented run, asserted equal to the closed form."""
    lenses = counter_lenses(n)
    composite = {
        "lens-right": lambda: right_nested(lenses),
        "lens-left": lambda: left_nested(lenses),
        "optic": lambda: optic_chain(lenses),
        "checkpoint": lambda: checkpointed(lenses, k),
    }[scheme]()
    counts = measure_run(composite, 0, 1).counts()
    expected = closed_form_cost(scheme, n, k)
    if counts != expected:
        raise AssertionError(f"{scheme} n={n} k={k}: measured {counts}, closed form {expected}")
    return counts


def model_rows(n_values: tuple[int, ...], k_values: dict[int, tuple[int, ...]]) -> list[tuple]:
    rows = []
    for n in n_values:
        for scheme in ("lens-right", "lens-left", "optic"):
            rows.append((scheme, n, "", *astuple(measured(scheme, n))))
        for k in k_values[n]:
            rows.append(("checkpoint", n, k, *astuple(measured("checkpoint", n, k))))
    return rows


def torch_rows(cases: list[tuple[str, int, int]]) -> list[tuple]:
    from assay.kernels.optics import closed_form_for, measure_torch_chain, model_segments

    rows = []
    for scheme, n, k in cases:
        counts = measure_torch_chain(n, scheme, k)
        model = closed_form_for(scheme, n, k)
        rows.append((scheme, n, k, counts.gets, counts.started, counts.saved_tensors, counts.saved_bytes,
                     model.gets, model.stored, model.peak, model_segments(scheme, n, k)))
    return rows


def astuple(cost: ChainCost) -> tuple[int, int, int]:
    return cost.gets, cost.stored, cost.peak


def print_tables(model: list[tuple], torch_measured: list[tuple]) -> None:
    print("Model (instrumented run == closed form), counts per forward+backward:")
    print("| scheme | n | k | gets | stored | peak |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in model:
        print("| " + " | ".join(str(x) for x in row) + " |")
    print()
    print("torch.utils.checkpoint measured with hooks (sin layers, width 8, float64) vs the model of its segmentation:")
    print("| torch scheme | n | k | gets (fwd hooks) | started (pre-hooks) | saved tensors | saved bytes "
          "| model gets | model stored | model peak | segmentation |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for row in torch_measured:
        *head, segments = row
        text = ",".join(map(str, segments)) if len(segments) <= 12 else f"{len(segments)} segments"
        print("| " + " | ".join(str(x) for x in head) + f" | {text} |")


def plot(n_sweep: int, model_k: list[int], torch_measured: list[tuple], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (by_k, by_n, tradeoff) = plt.subplots(1, 3, figsize=(16, 4.8))
    ks = list(range(1, n_sweep + 1))
    costs = [closed_form_cost("checkpoint", n_sweep, k) for k in ks]
    by_scheme = {scheme: [r for r in torch_measured if r[0] == scheme and r[1] == n_sweep]
                 for scheme in ("checkpoint", "checkpoint_sequential")}

    # (a) against k at fixed n: recomputation, stored residuals, peak; torch's measured points on top
    by_k.plot(ks, [c.gets for c in costs], "-", color="C0", label="gets (model)")
    by_k.plot(ks, [c.stored for c in costs], "-", color="C1", label="stored (model)")
    by_k.plot(ks, [c.peak for c in costs], "-", color="C2", label="peak (model)")
    points = by_scheme["checkpoint"]
    by_k.plot([r[2] for r in points], [r[3] for r in points], "x", color="k", ms=9, mew=2,
              label="torch checkpoint: forward hooks")
    by_k.plot([r[2] for r in points], [r[5] for r in points], "+", color="k", ms=11, mew=2,
              label="torch checkpoint: saved tensors")
    points = by_scheme["checkpoint_sequential"]
    by_k.plot([r[2] for r in points], [r[3] for r in points], "x", color="C3", ms=9, mew=2,
              label="torch checkpoint_sequential: hooks")
    by_k.plot([r[2] for r in points], [r[5] for r in points], "+", color="C3", ms=11, mew=2,
              label="torch checkpoint_sequential: saved")
    by_k.set_xscale("log", base=2)
    by_k.set_xlabel("layers per segment k (k=1: optic chain, k=n: one lens)")
    by_k.set_ylabel("count")
    by_k.set_title(f"n = {n_sweep}: against the segment length k")
    by_k.legend(fontsize=7)

    # (b) growth with n for each scheme (k = √n for checkpointing)
    ns = [4, 9, 16, 25, 36, 49, 64, 81, 100, 121, 144]
    series = {
        "right-nested lens": [closed_form_cost("lens-right", n) for n in ns],
        "left-nested lens": [closed_form_cost("lens-left", n) for n in ns],
        "optic chain": [closed_form_cost("optic", n) for n in ns],
        "checkpoint k=√n": [closed_form_cost("checkpoint", n, math.isqrt(n)) for n in ns],
    }
    for index, (name, values) in enumerate(series.items()):
        by_n.plot(ns, [v.gets for v in values], "-o", ms=3, color=f"C{index}", label=f"{name}: gets")
        style = ":" if name == "right-nested lens" else "--"  # its peak n+1 coincides with the optic chain's
        by_n.plot(ns, [v.peak for v in values], style, color=f"C{index}", label=f"{name}: peak")
    by_n.set_xscale("log")
    by_n.set_yscale("log")
    by_n.set_xlabel("chain length n")
    by_n.set_title("against n: gets (solid), peak live values (dashed)")
    by_n.legend(fontsize=7)

    # (c) the tradeoff itself: time (gets) against memory (peak), one point per k
    tradeoff.plot([c.peak for c in costs], [c.gets for c in costs], ".", color="0.6", label="checkpoint, every k")
    for k in model_k:
        c = costs[k - 1]
        tradeoff.annotate(f"k={k}", (c.peak, c.gets), textcoords="offset points", xytext=(5, -12), fontsize=8)
    optic, lens_r = closed_form_cost("optic", n_sweep), closed_form_cost("lens-right", n_sweep)
    lens_l = closed_form_cost("lens-left", n_sweep)
    tradeoff.plot(optic.peak, optic.gets, "s", color="C2", ms=10, mfc="none", mew=2, label="optic chain")
    tradeoff.plot(lens_r.peak, lens_r.gets, "^", color="C0", ms=10, mfc="none", mew=2, label="right-nested lens")
    tradeoff.plot([], [], " ", label=f"left-nested lens: peak {lens_l.peak}, {lens_l.gets} gets (off scale)")
    for scheme, color in (("checkpoint", "k"), ("checkpoint_sequential", "C3")):
        points = by_scheme[scheme]
        tradeoff.plot([r[9] for r in points], [r[3] for r in points], "x", color=color, ms=9, mew=2,
                      label=f"torch {scheme} (hook gets at the model peak)")
    tradeoff.axvline(2 * math.isqrt(n_sweep), color="0.85", lw=1, zorder=0)
    tradeoff.set_xlabel("peak live values (memory)")
    tradeoff.set_ylabel("layer forwards over both passes (time)")
    tradeoff.set_title(f"n = {n_sweep}: time against memory (min peak 2√n at k=√n)")
    tradeoff.legend(fontsize=7, loc="lower left")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    print(f"wrote {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-plot", action="store_true", help="print the tables only")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    arguments = parser.parse_args()
    k_values = {16: (1, 2, 4, 8, 16), 32: (1, 4, 8, 32), 64: (1, 2, 4, 8, 16, 32, 64)}
    model = model_rows((16, 32, 64), k_values)
    cases = [("autograd", 64, 1)]
    cases += [("checkpoint", 64, k) for k in (1, 2, 4, 8, 16, 32, 64)]
    cases += [("checkpoint_sequential", 64, k) for k in (2, 4, 8, 16, 32)]
    torch_measured = torch_rows(cases)
    print_tables(model, torch_measured)
    if not arguments.no_plot:
        plot(64, [1, 2, 4, 8, 16, 32, 64], torch_measured, arguments.output)


if __name__ == "__main__":
    main()
