"""Side-by-side timing of assay's torch SO(3) kernels against e3nn, with ratios, in one run.

Run: ``python benchmarks/so3_kernels_table.py [--repeats 15] [--threads 2] [--device cpu] [--json out.json]``.

Cases (float64, the same inputs for both, measured in the same process):

- spherical harmonics of degrees 0..L on 10⁵ points, L = 4, 8, 12: e3nn ``o3.spherical_harmonics(range(L+1), x,
  normalize=True)`` against ``spherical_harmonics(L, x, polar_axis="y")`` (e3nn's basis: the same numbers);
- Wigner D of degrees 0..L for 1000 rotation matrices, L = 4, 10: e3nn ``Irreps("0e+1o+…").D_from_matrix(R)``
  (the block-diagonal matrix; Euler angles then ``matrix_exp`` per degree and angle), with the default dtype set to
  float64 because e3nn builds its generators in the default dtype, against ``wigner_D_block_diagonal(L, R,
  polar_axis="y")``.

Each call is warmed up twice, then the two implementations are timed alternately ``--repeats`` times (so a busy
machine slows both alike); the table shows the minimum and the median wall time of each and the ratio of the
minima (e3nn / assay: > 1 means assay is faster), plus the largest difference between the two results.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time


def _points(count, dtype, device):
    import torch

    generator = torch.Generator().manual_seed(0)
    return torch.randn(count, 3, dtype=dtype, generator=generator).to(device)


def _rotations(count, dtype, device):
    import torch

    generator = torch.Generator().manual_seed(1)
    q = torch.randn(count, 4, dtype=dtype, generator=generator)
    w, x, y, z = (q / torch.linalg.vector_norm(q, dim=-1, keepdim=True)).unbind(-1)
    rows = [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
            2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
            2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)]
    return torch.stack(rows, dim=-1).reshape(count, 3, 3).to(device)


def _timed(function, synchronize) -> float:
    start = time.perf_counter()
    function()
    synchronize()
    return time.perf_counter() - start


def compare(name, ours, theirs, repeats, synchronize) -> dict:
    """Warm both up, then time them alternately; returns the row of the table."""
    result_ours, result_theirs = ours(), theirs()
    ours(), theirs()
    synchronize()
    times_ours, times_theirs = [], []
    for _ in range(repeats):
        times_ours.append(_timed(ours, synchronize))
        times_theirs.append(_timed(theirs, synchronize))
    difference = (result_ours - result_theirs).abs().max().item()
    return {
        "case": name,
        "assay_min_ms": 1e3 * min(times_ours),
        "assay_median_ms": 1e3 * statistics.median(times_ours),
        "e3nn_min_ms": 1e3 * min(times_theirs),
        "e3nn_median_ms": 1e3 * statistics.median(times_theirs),
        "ratio": min(times_theirs) / min(times_ours),
        "max_abs_difference": difference,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: torch's)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args()

    import torch
    from e3nn import o3

    from assay.kernels.so3.harmonics import spherical_harmonics
    from assay.kernels.so3.wigner import wigner_D_block_diagonal

    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)

    def synchronize():
        if device.type == "cuda":
            torch.cuda.synchronize()

    rows = []
    points = _points(100_000, torch.float64, device)
    for lmax in (4, 8, 12):
        degrees = list(range(lmax + 1))
        rows.append(compare(
            f"SH 1e5 pts, l<={lmax}",
            lambda lmax=lmax: spherical_harmonics(lmax, points, polar_axis="y"),
            lambda degrees=degrees: o3.spherical_harmonics(degrees, points, normalize=True),
            args.repeats, synchronize))
    rotations = _rotations(1000, torch.float64, device)
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        for lmax in (4, 10):
            irreps = o3.Irreps([(1, (l, (-1) ** l)) for l in range(lmax + 1)])
            rows.append(compare(
                f"D 1000 rot, l<={lmax}",
                lambda lmax=lmax: wigner_D_block_diagonal(lmax, rotations, polar_axis="y"),
                lambda irreps=irreps: irreps.D_from_matrix(rotations),
                args.repeats, synchronize))
    finally:
        torch.set_default_dtype(previous)

    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, device {device}, float64, "
          f"{args.repeats} alternating repeats")
    print(f"{'case':<20} {'assay min':>10} {'assay med':>10} {'e3nn min':>10} {'e3nn med':>10} "
          f"{'e3nn/assay':>11} {'max |diff|':>11}")
    for row in rows:
        print(f"{row['case']:<20} {row['assay_min_ms']:8.2f}ms {row['assay_median_ms']:8.2f}ms "
              f"{row['e3nn_min_ms']:8.2f}ms {row['e3nn_median_ms']:8.2f}ms {row['ratio']:10.2f}x "
              f"{row['max_abs_difference']:11.2e}")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(rows, handle, indent=2)


if __name__ == "__main__":
    main()
