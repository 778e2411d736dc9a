"""Frame averaging speed: assay's batched kernel vs frame-averaging-pytorch vs a per-cloud loop (same run).

Workload (issue 9): 4096 clouds × 64 points in ℝ³, float32, CPU, E(3) frames (8 sign frames), through a small
per-point MLP (default 3 → 32 → 32 → 1, SiLU, summed over points; ``--hidden``/``--layers`` change it) — the
invariant output. One thread by default so the ratios are not set by how many cores happen to be free
(``--threads 2`` uses both of the development machine's cores).

Method: every case is warmed up once, then all cases are timed *alternately*, one call each per round, for
``--rounds`` rounds, so a busy or throttled machine slows all of them alike; the table shows the minimum over the
rounds (and the median), and the ratios are ratios of minima (of medians in the JSON too).

- ``assay``: :func:`assay.kernels.frames.frame_average` (degeneracy check on, policy ``haar``; the generic clouds
  here are never degenerate, so the check is the only extra work), default ``chunk="auto"`` (``fn`` called on
  pieces of about ``AUTO_CHUNK_POINTS`` = 32768 points);
- ``assay, chunk=None``: the same with ``fn`` called once on all B·|F| framed clouds (the kernel before chunking);
- ``frame-averaging-pytorch``: ``FrameAverage(mlp, dim=3, invariant_output=True)`` (one call on the whole batch);
- ``per-cloud loop``: what a user with a one-cloud frame-averaging function writes — ``frame_average`` called on
  one ``(n, 3)`` cloud at a time in a Python loop (the same kernel, validation and degeneracy check included; each
  call puts the cloud's 8 framed copies through the MLP in one call);
- ``per-cloud loop, by hand``: the leanest loop — per cloud ``eigh`` of the scatter, the 8 sign frames as one
  ``(8, 3, 3)`` tensor, one MLP call, a mean; no validation, no degeneracy check (a lower bound on loop overhead);
- the degeneracy check on its own (relative gaps and the flag from the eigenvalues) vs the batched ``eigh``.

Both loops are timed on ``--loop-clouds`` clouds and scaled to ``--clouds`` (a loop's time is linear in the clouds).
``--chunks`` also times ``chunk = P // n`` for P in 2048 … 65536 points per call (how ``AUTO_CHUNK_POINTS`` was
chosen).

Usage: ``python benchmarks/frames_benchmark.py [--threads 1] [--clouds 4096] [--points 64] [--hidden 32]
[--layers 2] [--rounds 9] [--chunks] [--json PATH]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
import warnings

import torch


def mlp(hidden: int = 32, layers: int = 2) -> torch.nn.Module:
    torch.manual_seed(0)
    modules: list[torch.nn.Module] = [torch.nn.Linear(3, hidden), torch.nn.SiLU()]
    for _ in range(layers - 1):
        modules += [torch.nn.Linear(hidden, hidden), torch.nn.SiLU()]
    return torch.nn.Sequential(*modules, torch.nn.Linear(hidden, 1))


def alternating_timings(cases: dict, rounds: int) -> tuple[dict, dict]:
    """Minimum and median wall time of each case over ``rounds`` rounds that call every case once, in turn."""
    for fn in cases.values():
        fn()  # warm-up
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, fn in cases.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return ({name: min(values) for name, values in times.items()},
            {name: statistics.median(values) for name, values in times.items()})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--clouds", type=int, default=4096)
    parser.add_argument("--points", type=int, default=64)
    parser.add_argument("--loop-clouds", type=int, default=512, help="clouds timed in the loop (scaled up)")
    parser.add_argument("--hidden", type=int, default=32, help="MLP width")
    parser.add_argument("--layers", type=int, default=2, help="hidden layers of the MLP")
    parser.add_argument("--rounds", type=int, default=9, help="rounds of alternating timings")
    parser.add_argument("--chunks", action="store_true", help="also sweep the chunk size")
    parser.add_argument("--json", default="")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    from assay.kernels.frames import frame_average

    net = mlp(args.hidden, args.layers)
    points = torch.randn(args.clouds, args.points, 3, generator=torch.Generator().manual_seed(1))
    points = points * torch.tensor([1.0, 2.0, 3.0])  # anisotropic: simple spectra

    def per_point(Y: torch.Tensor) -> torch.Tensor:
        return net(Y).sum(dim=(-1, -2))

    scale = args.clouds / args.loop_clouds  # the loops run on a subset; their time is linear in the clouds
    subset = points[: args.loop_clouds]
    patterns = torch.tensor([[a, b, c] for a in (1.0, -1.0) for b in (1.0, -1.0) for c in (1.0, -1.0)])

    def loop() -> None:
        for cloud in subset:
            frame_average(per_point, cloud)

    def by_hand() -> None:
        for cloud in subset:
            centred = cloud - cloud.mean(dim=0)
            _, vectors = torch.linalg.eigh(centred.T @ centred)
            frames = vectors[None] * patterns[:, None, :]  # (8, 3, 3): V diag(s)
            per_point(centred[None] @ frames).mean()

    centred = points - points.mean(dim=1, keepdim=True)
    scatter = centred.transpose(1, 2) @ centred
    eigenvalues = torch.linalg.eigvalsh(scatter)
    tol = torch.finfo(points.dtype).eps ** 0.5

    def check() -> torch.Tensor:
        top = eigenvalues[:, -1:].clamp_min(torch.finfo(points.dtype).tiny)
        return ((eigenvalues[:, 1:] - eigenvalues[:, :-1]) / top <= tol).any(dim=1)

    cases = {
        "assay": lambda: frame_average(per_point, points),
        "assay, chunk=None": lambda: frame_average(per_point, points, chunk=None),
    }
    if args.chunks:
        for size in (2048, 4096, 8192, 16384, 32768, 65536):
            cases[f"assay, {size} points per call"] = (
                lambda size=size: frame_average(per_point, points, chunk=max(1, size // args.points)))
    agreement = float("nan")
    with torch.no_grad():
        try:
            from frame_averaging_pytorch import FrameAverage

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                peer = FrameAverage(torch.nn.Sequential(net, torch.nn.Flatten(-2)), dim=3, invariant_output=True)
            peer_value = peer(points).sum(-1)
            ours = frame_average(per_point, points).value
            agreement = float(((peer_value - ours).abs() / ours.abs().clamp_min(1)).max())
            cases["frame-averaging-pytorch"] = lambda: peer(points)
        except ImportError:
            pass
        cases["per-cloud loop"] = loop
        cases["per-cloud loop, by hand"] = by_hand
        cases["eigh"] = lambda: torch.linalg.eigh(scatter)
        cases["degeneracy check"] = check
        results, medians = alternating_timings(cases, args.rounds)
    for timings in (results, medians):
        for name in ("per-cloud loop", "per-cloud loop, by hand"):
            timings[name] *= scale

    rows = [
        ("assay frame_average (with degeneracy check)", results["assay"]),
        ("assay frame_average, chunk=None (one fn call)", results["assay, chunk=None"]),
        *[(f"  assay, {key.split(', ')[1]}", value) for key, value in results.items() if "per call" in key],
        ("frame-averaging-pytorch FrameAverage", results.get("frame-averaging-pytorch", float("nan"))),
        (f"per-cloud loop of frame_average ({args.loop_clouds}, scaled)", results["per-cloud loop"]),
        (f"per-cloud loop by hand ({args.loop_clouds}, scaled)", results["per-cloud loop, by hand"]),
        ("  eigh of the 3×3 scatters", results["eigh"]),
        ("  degeneracy check (gaps + flag)", results["degeneracy check"]),
    ]
    print(f"{args.clouds} clouds × {args.points} points, MLP 3→{args.hidden}×{args.layers}→1, float32, CPU, "
          f"{args.threads} thread(s), "
          f"torch {torch.__version__}, {platform.processor() or platform.machine()}")
    for name, seconds in rows:
        print(f"{name:<50} {seconds * 1e3:10.2f} ms")
    print(f"(minimum of {args.rounds} alternating rounds; medians in the JSON)")
    def ratios_of(timings: dict) -> dict:
        return {
            "peer_over_assay": timings.get("frame-averaging-pytorch", float("nan")) / timings["assay"],
            "loop_over_assay": timings["per-cloud loop"] / timings["assay"],
            "hand_loop_over_assay": timings["per-cloud loop, by hand"] / timings["assay"],
            "one_call_over_assay": timings["assay, chunk=None"] / timings["assay"],
            "check_over_eigh": timings["degeneracy check"] / timings["eigh"],
        }

    ratios = {**ratios_of(results), "max_relative_difference_to_peer": agreement}
    print(f"frame-averaging-pytorch / assay: {ratios['peer_over_assay']:.2f}×")
    print(f"per-cloud loop / assay:          {ratios['loop_over_assay']:.1f}×")
    print(f"per-cloud loop by hand / assay:  {ratios['hand_loop_over_assay']:.1f}×")
    print(f"chunk=None / assay:              {ratios['one_call_over_assay']:.2f}×")
    print(f"degeneracy check / eigh:         {ratios['check_over_eigh']:.3f}")
    print(f"max relative difference of the two invariant outputs: {agreement:.2e}")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"config": vars(args), "seconds": results, "median_seconds": medians, "ratios": ratios,
                       "median_ratios": ratios_of(medians), "load_average": os.getloadavg(),
                       "torch": torch.__version__}, handle, indent=2)


if __name__ == "__main__":
    main()
