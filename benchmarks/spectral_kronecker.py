"""Kronecker GP algebra: assay against dense algebra and against GPyTorch/linear_operator, time and error side by side.

Run: ``python benchmarks/spectral_kronecker.py [--big 1000] [--repeats 3] [--threads 2] [--json out.json]``.

Cases (float64, CPU, the same factors for every implementation, measured in one process):

- **dense check** on a 60 × 50 grid (N = 3000, the largest that dense float64 algebra handles quickly):
  ``A = K1 ⊗ K2 + σ²I`` with spectral-mixture factors on [0, 1] (w = 1, μ = 2, σ = 0.5) and σ² = 1e-2; assay's
  Saatçi solve/log det and linear_operator's ``KroneckerProductLinearOperator(K1, K2).add_diagonal(σ²)`` against a
  dense Cholesky of the 3000 × 3000 matrix (relative errors: ``‖x − x_dense‖∞/‖x_dense‖∞`` and
  ``|ld − ld_dense|/|ld_dense|``);
- **the eigenvalue clamp**: the same grid, noise-free log det of ``(K1 + 1e-6 I) ⊗ (K2 + 1e-6 I)`` (per-factor
  jitter); linear_operator clamps the Kronecker eigenvalues at 1e-7, assay does not;
- **big grid**: ``--big`` × ``--big`` (default 1000 × 1000, N = 10⁶): solve + log det, assay and linear_operator,
  minimum and median wall time over ``--repeats`` runs after a warm-up, and their relative difference.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time


def _factor(n: int, torch, jitter: float = 0.0):
    from assay.kernels.spectral import spectral_mixture_kernel

    x = torch.linspace(0, 1, n, dtype=torch.float64)
    k = spectral_mixture_kernel(x[:, None] - x[None, :], [1.0], [2.0], [0.5])
    return k + jitter * torch.eye(n, dtype=torch.float64)


def _time(fn, repeats: int) -> tuple[float, float, object]:
    result = fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), result


def _assay_solve_logdet(factors, y, noise):
    from assay.kernels.spectral import kron_eigh, kron_logdet, kron_solve

    eigen = kron_eigh(factors)
    return kron_solve(eigen, y, noise), kron_logdet(eigen, noise)


def _gpytorch_solve_logdet(factors, y, noise):
    import torch
    from linear_operator.operators import DenseLinearOperator, KroneckerProductLinearOperator

    op = KroneckerProductLinearOperator(*[DenseLinearOperator(f) for f in factors])
    op = op.add_diagonal(torch.tensor(noise, dtype=y.dtype))
    return op.solve(y[:, None]).squeeze(-1), op.logdet()


def dense_check(torch, gpytorch_ok: bool) -> dict:
    factors = [_factor(60, torch), _factor(50, torch)]
    y = torch.randn(3000, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    noise = 1e-2
    dense = torch.kron(*factors) + noise * torch.eye(3000, dtype=torch.float64)
    lower = torch.linalg.cholesky(dense)
    x_dense = torch.cholesky_solve(y[:, None], lower).squeeze(-1)
    ld_dense = float(2 * torch.log(torch.diagonal(lower)).sum())
    out = {"grid": [60, 50], "noise": noise, "dense_logdet": ld_dense}
    runs = [("assay", _assay_solve_logdet)] + ([("gpytorch", _gpytorch_solve_logdet)] if gpytorch_ok else [])
    for name, fn in runs:
        x, ld = fn(factors, y, noise)
        out[name] = {"solve_rel_error": float((x - x_dense).abs().max() / x_dense.abs().max()),
                     "logdet_rel_error": abs(float(ld) - ld_dense) / abs(ld_dense)}
    return out


def clamp_check(torch, gpytorch_ok: bool) -> dict:
    from assay.kernels.spectral import kron_logdet

    factors = [_factor(60, torch, 1e-6), _factor(50, torch, 1e-6)]
    ld_dense = sum(3000 // f.shape[0] * float(torch.logdet(f)) for f in factors)  # det(A⊗B) = det(A)^m det(B)^n
    out = {"grid": [60, 50], "per_factor_jitter": 1e-6, "dense_logdet": ld_dense,
           "assay_logdet": float(kron_logdet(factors, 0.0))}
    if gpytorch_ok:
        from linear_operator.operators import DenseLinearOperator, KroneckerProductLinearOperator

        op = KroneckerProductLinearOperator(*[DenseLinearOperator(f) for f in factors])
        out["gpytorch_logdet"] = float(op.logdet())
    return out


def big_grid(torch, n: int, repeats: int, gpytorch_ok: bool) -> dict:
    factors = [_factor(n, torch), _factor(n, torch)]
    y = torch.randn(n * n, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    noise = 1e-2
    out = {"grid": [n, n], "noise": noise}
    t_min, t_med, (x_a, ld_a) = _time(lambda: _assay_solve_logdet(factors, y, noise), repeats)
    out["assay"] = {"min_s": t_min, "median_s": t_med, "logdet": float(ld_a)}
    if gpytorch_ok:
        t_min, t_med, (x_g, ld_g) = _time(lambda: _gpytorch_solve_logdet(factors, y, noise), repeats)
        out["gpytorch"] = {"min_s": t_min, "median_s": t_med, "logdet": float(ld_g),
                           "solve_rel_difference": float((x_g - x_a).abs().max() / x_a.abs().max()),
                           "logdet_rel_difference": abs(float(ld_g) - float(ld_a)) / abs(float(ld_a))}
        out["ratio_gpytorch_over_assay"] = out["gpytorch"]["min_s"] / out["assay"]["min_s"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", default="")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    try:
        import linear_operator  # noqa: F401

        gpytorch_ok = True
    except ImportError:
        gpytorch_ok = False
    results = {"torch": torch.__version__, "threads": args.threads, "dense_check": dense_check(torch, gpytorch_ok),
               "clamp_check": clamp_check(torch, gpytorch_ok), "big_grid": big_grid(torch, args.big, args.repeats,
                                                                                     gpytorch_ok)}
    d = results["dense_check"]
    print(f"dense check 60×50 (noise {d['noise']}): dense log det {d['dense_logdet']:.10g}")
    for name in ("assay", "gpytorch"):
        if name in d:
            print(f"  {name:9s} solve rel err {d[name]['solve_rel_error']:.2e}   log det rel err "
                  f"{d[name]['logdet_rel_error']:.2e}")
    c = results["clamp_check"]
    print(f"clamp check 60×50, per-factor jitter 1e-6, noise-free log det: dense {c['dense_logdet']:.6f}, "
          f"assay {c['assay_logdet']:.6f}" + (f", gpytorch {c['gpytorch_logdet']:.6f}" if "gpytorch_logdet" in c
                                              else ""))
    b = results["big_grid"]
    print(f"big grid {b['grid'][0]}×{b['grid'][1]} (N = {math.prod(b['grid'])}): solve + log det")
    for name in ("assay", "gpytorch"):
        if name in b:
            print(f"  {name:9s} min {b[name]['min_s']:.3f} s, median {b[name]['median_s']:.3f} s")
    if "ratio_gpytorch_over_assay" in b:
        print(f"  ratio gpytorch/assay {b['ratio_gpytorch_over_assay']:.2f}; solve rel diff "
              f"{b['gpytorch']['solve_rel_difference']:.2e}, log det rel diff "
              f"{b['gpytorch']['logdet_rel_difference']:.2e}")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=2)


if __name__ == "__main__":
    main()
