"""Nanoseconds per point of the C spherical-harmonics forward pass on one thread, with its output in cache.

Run: ``python benchmarks/sh_native_per_point.py [--lmax 4,8,16,24] [--points 2048] [--repeats 7]``.

The C function is called directly through ctypes (no Python wrapper, no helper threads) on ``--points`` random
points, again and again into the same output (2048 points at lmax = 4 are 400 KB of float64: in the second-level
cache), so the figure is the kernel's own cost per point: normalization, recurrence and the write of the block's
output. The table shows the minimum over ``--repeats`` timings of about 0.2 s each. To compare two versions of the
kernel, run the script with ``PYTHONPATH`` pointing at each version's package (``git archive <commit> assay``); the
built libraries are cached per source, so both stay built.
"""

from __future__ import annotations

import argparse
import time


def per_point_ns(lmax: int, dtype, count: int, repeats: int) -> float:
    import torch

    from assay.kernels.so3 import _sh_kernel

    forward = _sh_kernel.native_forward(dtype)
    if forward is None:
        raise SystemExit("the C kernel is not in use here: see assay.kernels._native.status()")
    points = torch.randn(count, 3, dtype=dtype, generator=torch.Generator().manual_seed(lmax))
    out = torch.empty(count, (lmax + 1) ** 2, dtype=dtype)
    betas = _sh_kernel._flat_betas(max(lmax, 1), dtype)
    scale = torch.ones((lmax + 1) ** 2, dtype=dtype)
    arguments = (count, points.data_ptr(), lmax, betas.data_ptr(), scale.data_ptr(), 1, 0,
                 _sh_kernel._least_subnormal(dtype), out.data_ptr())
    start = time.perf_counter()
    calls = 0
    while time.perf_counter() - start < 0.05:  # warm up, and size a timing to about 0.2 s
        forward(*arguments)
        calls += 1
    calls = max(1, calls * 4)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            forward(*arguments)
        best = min(best, (time.perf_counter() - start) / calls / count)
    return best * 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lmax", default="4,8,16,24")
    parser.add_argument("--points", type=int, default=2048)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    import torch

    print(f"C forward, one thread, {args.points} points in cache; ns per point (minimum of {args.repeats})")
    print(f"{'lmax':>5} {'float64':>9} {'float32':>9}")
    for lmax in (int(value) for value in args.lmax.split(",")):
        cells = [per_point_ns(lmax, dtype, args.points, args.repeats) for dtype in (torch.float64, torch.float32)]
        print(f"{lmax:>5} {cells[0]:>9.1f} {cells[1]:>9.1f}")


if __name__ == "__main__":
    main()
