"""Side-by-side timing of assay's torch SO(3) kernels against their peers, with ratios, in one run.

Run: ``python benchmarks/so3_kernels_table.py [--repeats 15] [--threads 2] [--device cpu] [--json out.json]
[--only sh|wigner] [--lmax 4,8,12,24] [--dtypes float64,float32] [--points 100000]``.

Spherical harmonics (real, integral-normalized, polar axis z — every peer's default; the same points for all):

- ``assay``: :func:`assay.kernels.so3.harmonics.spherical_harmonics` on a torch tensor (on the CPU its C forward
  kernel, :mod:`assay.kernels._native`, where it is built; the JSON records which);
- ``assay torch route``: the same call inside ``assay.kernels._native.disabled()`` — the torch operations the
  kernel uses on GPUs and without a compiler (the CPU kernel before the C one);
- ``sphericart``: ``sphericart.SphericalHarmonics(L).compute(x)`` on the numpy view of the same points (C++,
  its own OpenMP threads);
- ``sphericart-torch``: ``sphericart.torch.SphericalHarmonics(L)(x)`` on the same torch tensor;
- forward + backward: ``y = f(x); y.backward(g)`` with a fixed random ``g``, for assay and sphericart-torch (the
  numpy API has no autograd).
- ``e3nn`` (float64, l ≤ 12): ``o3.spherical_harmonics(range(L+1), x, normalize=True)`` against assay with
  ``polar_axis="y"`` (e3nn's basis: the same numbers).

Wigner D (float64, 1000 rotation matrices, L = 4, 10): e3nn ``Irreps("0e+1o+…").D_from_matrix(R)`` with the
default dtype set to float64 (e3nn builds its generators in it) against ``wigner_D_block_diagonal(L, R,
polar_axis="y")``.

Method: each call is warmed up twice (tables, allocations), then the routes of one case are timed *alternately*
``--repeats`` times, so a busy machine slows all of them alike; the table shows the minimum (and the median) wall
time of each and the ratio of the minima **assay / peer** (below 1: assay is faster), plus the largest difference
between assay's and the peer's result relative to the peer's largest value.
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


def alternate_timings(routes: dict, repeats: int, synchronize) -> dict:
    """``{name: (min_s, median_s)}``: every route warmed up twice, then all timed in turn ``repeats`` times."""
    for function in routes.values():
        function()
        function()
    synchronize()
    times = {name: [] for name in routes}
    for _ in range(repeats):
        for name, function in routes.items():
            times[name].append(_timed(function, synchronize))
    return {name: (min(values), statistics.median(values)) for name, values in times.items()}


def _relative_difference(ours, theirs) -> float:
    import torch

    ours, theirs = torch.as_tensor(ours).double().cpu(), torch.as_tensor(theirs).double().cpu()
    return ((ours - theirs).abs().max() / theirs.abs().max()).item()


def harmonics_rows(lmaxes, dtypes, count, repeats, device, synchronize) -> list[dict]:
    """One row per (L, dtype): forward against sphericart and sphericart-torch, forward+backward against the latter."""
    import torch

    from assay.kernels import _native
    from assay.kernels.so3.harmonics import spherical_harmonics

    try:
        import sphericart
        import sphericart.torch as sphericart_torch
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise SystemExit(f"sphericart and sphericart-torch are needed: {error}") from error

    rows = []
    for dtype_name in dtypes:
        dtype = getattr(torch, dtype_name)
        points = _points(count, dtype, device)
        numpy_points = points.cpu().numpy()
        for lmax in lmaxes:
            numpy_calculator = sphericart.SphericalHarmonics(lmax)
            torch_calculator = sphericart_torch.SphericalHarmonics(lmax)
            gradient = torch.randn(count, (lmax + 1) ** 2, dtype=dtype,
                                   generator=torch.Generator().manual_seed(lmax)).to(device)
            leaf = points.clone().requires_grad_()

            def assay_backward(lmax=lmax, gradient=gradient, leaf=leaf):
                leaf.grad = None
                spherical_harmonics(lmax, leaf).backward(gradient)

            def peer_backward(calculator=torch_calculator, gradient=gradient, leaf=leaf):
                leaf.grad = None
                calculator(leaf).backward(gradient)

            def assay_torch_route(lmax=lmax, x=points):
                with _native.disabled():
                    spherical_harmonics(lmax, x)

            routes = {
                "assay": lambda lmax=lmax, x=points: spherical_harmonics(lmax, x),
                "assay_torch_route": assay_torch_route,
                "sphericart": lambda c=numpy_calculator, x=numpy_points: c.compute(x),
                "sphericart_torch": lambda c=torch_calculator, x=points: c(x),
                "assay_fwd_bwd": assay_backward,
                "sphericart_torch_fwd_bwd": peer_backward,
            }
            if device.type != "cpu":
                del routes["sphericart"]
            timings = alternate_timings(routes, repeats, synchronize)
            ours = spherical_harmonics(lmax, points)
            leaf.grad = None
            spherical_harmonics(lmax, leaf).backward(gradient)
            our_gradient = leaf.grad.clone()
            leaf.grad = None
            torch_calculator(leaf).backward(gradient)
            row = {"lmax": lmax, "dtype": dtype_name, "points": count}
            for name, (best, median) in timings.items():
                row[f"{name}_min_ms"] = 1e3 * best
                row[f"{name}_median_ms"] = 1e3 * median
            if "sphericart" in timings:
                row["assay/sphericart"] = timings["assay"][0] / timings["sphericart"][0]
                row["assay_torch_route/sphericart"] = timings["assay_torch_route"][0] / timings["sphericart"][0]
                row["max_rel_diff_sphericart"] = _relative_difference(ours, numpy_calculator.compute(numpy_points))
            row["assay/sphericart_torch"] = timings["assay"][0] / timings["sphericart_torch"][0]
            row["fwd_bwd assay/sphericart_torch"] = (timings["assay_fwd_bwd"][0]
                                                     / timings["sphericart_torch_fwd_bwd"][0])
            row["max_rel_diff_gradient"] = _relative_difference(our_gradient, leaf.grad)
            rows.append(row)
            print(_harmonics_line(row), flush=True)
    return rows


HARMONICS_HEADER = (f"{'L':>3} {'dtype':>8} {'assay':>9} {'torch rt':>9} {'sphericart':>11} {'sph-torch':>10} "
                    f"{'a/sph':>6} {'rt/sph':>6} "
                    f"{'a/sph-t':>8} | {'assay f+b':>10} {'sph-t f+b':>10} {'a/sph-t':>8} | {'Δ values':>9} "
                    f"{'Δ grad':>8}")


def _harmonics_line(row: dict) -> str:
    def ms(name):
        value = row.get(f"{name}_min_ms")
        return "—" if value is None else f"{value:.2f}ms"

    def ratio(name):
        value = row.get(name)
        return "—" if value is None else f"{value:.2f}"

    difference = row.get("max_rel_diff_sphericart")
    return (f"{row['lmax']:>3} {row['dtype']:>8} {ms('assay'):>9} {ms('assay_torch_route'):>9} "
            f"{ms('sphericart'):>11} {ms('sphericart_torch'):>10} {ratio('assay/sphericart'):>6} "
            f"{ratio('assay_torch_route/sphericart'):>6} {ratio('assay/sphericart_torch'):>8} | "
            f"{ms('assay_fwd_bwd'):>10} {ms('sphericart_torch_fwd_bwd'):>10} "
            f"{ratio('fwd_bwd assay/sphericart_torch'):>8} | "
            f"{'—' if difference is None else f'{difference:.1e}':>9} {row['max_rel_diff_gradient']:>8.1e}")


def e3nn_rows(count, repeats, device, synchronize) -> list[dict]:
    """Spherical harmonics against e3nn (float64, l ≤ 12) and Wigner D against e3nn."""
    import torch

    try:
        from e3nn import o3
    except ImportError:  # pragma: no cover - depends on the environment
        print("e3nn is not installed: its rows are skipped")
        return []

    from assay.kernels.so3.harmonics import spherical_harmonics
    from assay.kernels.so3.wigner import wigner_D_block_diagonal

    rows = []
    points = _points(count, torch.float64, device)
    cases = []
    for lmax in (4, 8, 12):
        degrees = list(range(lmax + 1))
        cases.append((f"SH {count:.0e} pts, l<={lmax}",
                      lambda lmax=lmax: spherical_harmonics(lmax, points, polar_axis="y"),
                      lambda degrees=degrees: o3.spherical_harmonics(degrees, points, normalize=True)))
    rotations = _rotations(1000, torch.float64, device)
    for lmax in (4, 10):
        irreps = o3.Irreps([(1, (l, (-1) ** l)) for l in range(lmax + 1)])
        cases.append((f"D 1000 rot, l<={lmax}",
                      lambda lmax=lmax: wigner_D_block_diagonal(lmax, rotations, polar_axis="y"),
                      lambda irreps=irreps: irreps.D_from_matrix(rotations)))
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)  # e3nn builds its generators in the default dtype
    try:
        for name, ours, theirs in cases:
            timings = alternate_timings({"assay": ours, "e3nn": theirs}, repeats, synchronize)
            rows.append({
                "case": name,
                "assay_min_ms": 1e3 * timings["assay"][0], "assay_median_ms": 1e3 * timings["assay"][1],
                "e3nn_min_ms": 1e3 * timings["e3nn"][0], "e3nn_median_ms": 1e3 * timings["e3nn"][1],
                "assay/e3nn": timings["assay"][0] / timings["e3nn"][0],
                "max_abs_difference": (ours() - theirs()).abs().max().item(),
            })
    finally:
        torch.set_default_dtype(previous)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: torch's)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--lmax", default="4,8,12,24", help="degrees of the harmonics table")
    parser.add_argument("--dtypes", default="float64,float32")
    parser.add_argument("--only", choices=("sh", "e3nn"), default=None, help="one of the two tables")
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args()

    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)

    def synchronize():
        if device.type == "cuda":
            torch.cuda.synchronize()

    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, device {device}, "
          f"{args.repeats} alternating repeats, {args.points} points; times are minima, ratios assay/peer")
    result = {"torch": torch.__version__, "threads": torch.get_num_threads(), "device": str(device),
              "repeats": args.repeats}
    if args.only in (None, "sh"):
        try:
            from importlib.metadata import version

            result["sphericart"] = version("sphericart")
        except Exception:  # pragma: no cover - an unusual install
            result["sphericart"] = "unknown"
        from assay.kernels import _native
        from assay.kernels.so3._sh_kernel import NATIVE_SOURCE, native_forward

        native_forward(torch.float64)  # builds the C kernel, or records why not
        result["native"] = _native.status().get(str(NATIVE_SOURCE), "off (ASSAY_NATIVE=0)")
        print(f"\nSpherical harmonics (real, integral, polar axis z), sphericart {result['sphericart']}; "
              f"assay's C kernel: {result['native']}")
        print(HARMONICS_HEADER)
        result["harmonics"] = harmonics_rows([int(v) for v in args.lmax.split(",")], args.dtypes.split(","),
                                             args.points, args.repeats, device, synchronize)
    if args.only in (None, "e3nn"):
        rows = e3nn_rows(args.points, args.repeats, device, synchronize)
        if rows:
            print(f"\nAgainst e3nn (float64)\n{'case':<22} {'assay min':>10} {'assay med':>10} {'e3nn min':>10} "
                  f"{'e3nn med':>10} {'assay/e3nn':>11} {'max |diff|':>11}")
            for row in rows:
                print(f"{row['case']:<22} {row['assay_min_ms']:8.2f}ms {row['assay_median_ms']:8.2f}ms "
                      f"{row['e3nn_min_ms']:8.2f}ms {row['e3nn_median_ms']:8.2f}ms {row['assay/e3nn']:10.2f}x "
                      f"{row['max_abs_difference']:11.2e}")
        result["e3nn"] = rows
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(result, handle, indent=2)


if __name__ == "__main__":
    main()
