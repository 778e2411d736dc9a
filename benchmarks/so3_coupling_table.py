"""Side-by-side timing of every 3j symbol (and CG coefficient) with l ≤ L: assay against pywigxjpf and wigners.

Run: ``python benchmarks/so3_coupling_table.py [--lmax 10 20] [--kinds 3j cg] [--repeats 5] [--sympy-lmax 6]
[--markdown] [--json FILE]``. One table, every figure from this run, in one process:

- **assay** — ``wigner_3j_table(L)`` / ``clebsch_gordan_table(L)`` *cold*: the table cache is cleared before every
  call, so each time includes building the layout, the keys and every correctly rounded value.
- **pywigxjpf** (C, WIGXJPF) — ``wig3jj(2l1, …, 2m3)`` once per symbol from a Python loop over prepared argument
  tuples; its factorial tables (``wig_table_init``) are set up once, outside the timing. CG is ``wig3jj`` times the
  prepared factor ``(−1)^(l1−l2+M)·√(2l3+1)`` (pywigxjpf has no CG function).
- **wigners** (Rust) — ``wigner_3j(l1, …, m3)`` / ``clebsch_gordan(l1, m1, l2, m2, l3, M)`` once per symbol, its
  3j cache cleared before each run.
- **sympy** (optional, exact then ``float``) for ``L ≤ --sympy-lmax``.

The routes of one case run alternately, ``--repeats`` times, with the garbage collector paused during each timed
call; the table shows each route's minimum and the ratio peer/assay (above 1: assay is faster). Times are the
process's CPU time by default (``--clock cpu``: fair on a shared, loaded machine, and every route is
single-threaded) or wall time (``--clock wall``). ``max ulp`` is each peer's largest distance, in doubles, from
assay's correctly rounded values (0 = the same double).
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import platform
import time
from collections.abc import Callable

import numpy as np


def symbols(lmax: int):
    """Every 3j argument tuple ``(l1, l2, l3, m1, m2, m3)`` with degrees ≤ lmax, in the table's order."""
    for l1 in range(lmax + 1):
        for l2 in range(lmax + 1):
            for l3 in range(abs(l1 - l2), min(l1 + l2, lmax) + 1):
                for m1 in range(-l1, l1 + 1):
                    for m2 in range(max(-l2, -l3 - m1), min(l2, l3 - m1) + 1):
                        yield l1, l2, l3, m1, m2, -m1 - m2


CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}


def timed(function: Callable[[], object], clock: Callable[[], float]) -> tuple[float, object]:
    """``(seconds, result)`` of one call, the garbage collector paused during it (as ``timeit`` does)."""
    gc.collect()
    gc.disable()
    try:
        start = clock()
        result = function()
        return clock() - start, result
    finally:
        gc.enable()


class Assay:
    """``wigner_3j_table`` / ``clebsch_gordan_table`` cold: the table cache is cleared before every call."""

    name = "assay"

    def __init__(self, lmax: int, kind: str) -> None:
        from assay.reference.so3 import tables

        self.tables = tables
        self.build = tables.wigner_3j_table if kind == "3j" else tables.clebsch_gordan_table
        self.lmax = lmax

    def __call__(self) -> np.ndarray:
        self.tables._build.cache_clear()
        return self.build(self.lmax).values


class Pywigxjpf:
    name = "pywigxjpf"
    _initialized = False

    def __init__(self, lmax: int, kind: str, args: list[tuple[int, ...]]) -> None:
        import pywigxjpf

        if Pywigxjpf._initialized:  # the tables are global to the C library: free them before sizing them anew
            pywigxjpf.wig_temp_free()
            pywigxjpf.wig_table_free()
        pywigxjpf.wig_table_init(2 * lmax, 3)
        pywigxjpf.wig_temp_init(2 * lmax)
        Pywigxjpf._initialized = True
        self.function = pywigxjpf.wig3jj
        self.doubled = [tuple(2 * a for a in s) for s in args]
        self.factors = None
        if kind == "cg":  # ⟨l1 m1; l2 m2 | l3 M⟩ = (−1)^(l1−l2+M) √(2l3+1) 3j(l1 l2 l3; m1 m2 −M), M = −m3
            self.factors = [(-1.0 if (l1 - l2 - m3) % 2 else 1.0) * math.sqrt(2 * l3 + 1)
                            for l1, l2, l3, _, _, m3 in args]

    def __call__(self) -> list[float]:
        f = self.function
        if self.factors is None:
            return [f(*a) for a in self.doubled]
        return [f(*a) * c for a, c in zip(self.doubled, self.factors)]


class Wigners:
    name = "wigners"

    def __init__(self, lmax: int, kind: str, args: list[tuple[int, ...]]) -> None:
        import wigners

        self.module = wigners
        self.kind = kind
        self.args = args if kind == "3j" else [(l1, m1, l2, m2, l3, -m3) for l1, l2, l3, m1, m2, m3 in args]

    def __call__(self) -> list[float]:
        self.module.clear_wigner_3j_cache()
        f = self.module.wigner_3j if self.kind == "3j" else self.module.clebsch_gordan
        return [f(*a) for a in self.args]


class Sympy:
    name = "sympy"

    def __init__(self, lmax: int, kind: str, args: list[tuple[int, ...]]) -> None:
        from sympy.physics import wigner

        self.function = wigner.wigner_3j if kind == "3j" else wigner.clebsch_gordan
        self.args = args if kind == "3j" else [(l1, l2, l3, m1, m2, -m3) for l1, l2, l3, m1, m2, m3 in args]

    def __call__(self) -> list[float]:
        f = self.function
        return [float(f(*a)) for a in self.args]


def ulp_distance(values: np.ndarray, reference: np.ndarray) -> int:
    """Largest number of doubles between two arrays, entry by entry (0: identical)."""
    a = np.asarray(values, dtype=np.float64).view(np.int64)
    b = np.asarray(reference, dtype=np.float64).view(np.int64)
    a = np.where(a < 0, np.int64(-(2**63)) - a, a)  # the sign-magnitude bits as a monotone integer
    b = np.where(b < 0, np.int64(-(2**63)) - b, b)
    return int(np.max(np.abs(a - b))) if len(a) else 0


def run_case(lmax: int, kind: str, repeats: int, sympy_lmax: int, clock: str = "cpu") -> dict:
    args = list(symbols(lmax))
    peer_types = [Pywigxjpf, Wigners] + ([Sympy] if lmax <= sympy_lmax else [])
    assay = Assay(lmax, kind)
    peers = [peer(lmax, kind, args) for peer in peer_types]
    best = {"assay": math.inf, **{p.name: math.inf for p in peers}}
    outputs: dict[str, object] = {}
    for _ in range(repeats):
        for route in (assay, *peers):
            seconds, outputs[route.name] = timed(route, CLOCKS[clock])
            best[route.name] = min(best[route.name], seconds)
    reference = outputs["assay"]
    assert len(reference) == len(args)
    row = {"lmax": lmax, "kind": kind, "symbols": len(args), "repeats": repeats, "clock": clock,
           "assay_s": best["assay"]}
    for peer in peers:
        row[f"{peer.name}_s"] = best[peer.name]
        row[f"{peer.name}_ratio"] = best[peer.name] / best["assay"]
        row[f"{peer.name}_max_ulp"] = ulp_distance(np.array(outputs[peer.name]), reference)
    return row


PEERS = ("pywigxjpf", "wigners", "sympy")


def _peers_in(rows: list[dict]) -> list[str]:
    return [name for name in PEERS if any(f"{name}_s" in row for row in rows)]


def _header(peers: list[str]) -> list[str]:
    return ["kind", "L", "symbols", "assay ms"] + [f"{n} {c}" for n in peers for c in ("ms", "/assay", "max ulp")]


def _cells(row: dict, peers: list[str]) -> list[str]:
    cells = [f"{row['kind']}", f"{row['lmax']}", f"{row['symbols']:,}", f"{row['assay_s'] * 1e3:.1f}"]
    for name in peers:
        if f"{name}_s" in row:
            cells += [f"{row[f'{name}_s'] * 1e3:.1f}", f"{row[f'{name}_ratio']:.1f}x", f"{row[f'{name}_max_ulp']}"]
        else:
            cells += ["-", "-", "-"]
    return cells


def text_table(rows: list[dict], peers: list[str] | None = None) -> str:
    peers = _peers_in(rows) if peers is None else peers
    header = _header(peers)
    table = [header] + [_cells(row, peers) for row in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    return "\n".join("  ".join(cell.rjust(w) for cell, w in zip(r, widths)) for r in table)


def markdown_table(rows: list[dict]) -> str:
    peers = _peers_in(rows)
    header = _header(peers)
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---:" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cells(row, peers)) + " |" for row in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lmax", type=int, nargs="+", default=[10, 20])
    parser.add_argument("--kinds", nargs="+", default=["3j", "cg"], choices=["3j", "cg"])
    parser.add_argument("--repeats", type=int, default=5, help="alternating runs per case; minima are reported")
    parser.add_argument("--sympy-lmax", type=int, default=6, help="largest L also timed with sympy (13 s at L = 10)")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="cpu", help="process CPU time or wall time")
    parser.add_argument("--markdown", action="store_true", help="print the table as markdown (for the docs)")
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args()
    rows = []
    for lmax in args.lmax:
        for kind in args.kinds:
            rows.append(run_case(lmax, kind, args.repeats, args.sympy_lmax, args.clock))
            print(text_table(rows[-1:], list(PEERS)).splitlines()[-1], flush=True)
    print()
    print(markdown_table(rows) if args.markdown else text_table(rows))
    print(f"\n{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"numpy {np.__version__}; {args.clock} time, minimum of {args.repeats} alternating runs each")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(rows, handle, indent=2)


if __name__ == "__main__":
    main()
