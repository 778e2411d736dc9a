"""Side-by-side timing of every 3j symbol with l ≤ L: assay (exact, correctly rounded) against sympy.

Run: ``python benchmarks/so3_coupling_table.py [--sympy-lmax 10] [--lmax 6 10 20]``. Prints one table with the
ratio sympy/assay, measured in the same process. sympy is timed evaluating ``float(wigner_3j(...))`` for the same
symbols (sympy caches nothing between calls; assay's cache is cleared before each run so both are cold).
"""

from __future__ import annotations

import argparse
import json
import time


def symbols(lmax: int):
    for l1 in range(lmax + 1):
        for l2 in range(lmax + 1):
            for l3 in range(abs(l1 - l2), min(l1 + l2, lmax) + 1):
                for m1 in range(-l1, l1 + 1):
                    for m2 in range(max(-l2, -l3 - m1), min(l2, l3 - m1) + 1):
                        yield l1, l2, l3, m1, m2, -m1 - m2


def measure_assay(lmax: int) -> tuple[float, int]:
    from assay.reference.so3 import tables

    tables._build.cache_clear()
    start = time.perf_counter()
    table = tables.wigner_3j_table(lmax)
    return time.perf_counter() - start, len(table)


def measure_sympy(lmax: int) -> tuple[float, int]:
    from sympy.physics.wigner import wigner_3j

    start = time.perf_counter()
    count = 0
    for args in symbols(lmax):
        float(wigner_3j(*args))
        count += 1
    return time.perf_counter() - start, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lmax", type=int, nargs="+", default=[6, 10, 20])
    parser.add_argument("--sympy-lmax", type=int, default=10, help="largest L timed with sympy (13 s at L = 10)")
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args()
    rows = []
    print(f"{'L':>3} {'symbols':>10} {'assay s':>9} {'sympy s':>9} {'sympy/assay':>12}")
    for lmax in args.lmax:
        assay_seconds, count = measure_assay(lmax)
        row = {"lmax": lmax, "symbols": count, "assay_s": assay_seconds}
        if lmax <= args.sympy_lmax:
            sympy_seconds, sympy_count = measure_sympy(lmax)
            assert sympy_count == count
            row.update(sympy_s=sympy_seconds, ratio=sympy_seconds / assay_seconds)
        rows.append(row)
        sympy_text = f"{row['sympy_s']:9.3f} {row['ratio']:11.1f}x" if "sympy_s" in row else f"{'-':>9} {'-':>12}"
        print(f"{lmax:>3} {count:>10,} {assay_seconds:9.3f} {sympy_text}", flush=True)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(rows, handle, indent=2)


if __name__ == "__main__":
    main()
