"""Conformance: entropic OT plans — the Gaussian closed form, discrete (Sinkhorn) plans, the Monge map, and Light SB
plans and drifts against assay.reference.bridges.

Capabilities (signatures in ``assay.conformance.bridges.domain``) and the properties checked:

- ``bridges.gaussian_eot`` — Cov(X0, X1) of the entropic plan between two Gaussians equals the closed form
  (mpmath, 30 digits) and has the Gibbs form: the cross block of the plan's precision is −I/ε.
- ``bridges.entropic_plan`` — the discrete plan is a coupling (marginals), is Gibbs (log P + ½‖x − y‖²/ε is
  f_i + g_j), and on a fine 1-D grid of two discretized Gaussians its cross-covariance is the closed form.
- ``bridges.monge_map`` — the Bures–Wasserstein map's linear part equals the closed form.
- ``bridges.lightsb_conditional_moments`` — the mixture benchmark's exact Light SB parameters reproduce the true
  plan π*(·|x); K = 1 parameters from the Gaussian closed form reproduce the Gaussian conditional.
- ``bridges.lightsb_drift`` — the drift equals the benchmark's true drift ε ∇ log Σ_k w_k N(x | μ_k, Σ_k + (1−t)εI).

ε is passed in the adapter's declared ``bridges.epsilon`` convention (converted exactly from the default).
"""

from __future__ import annotations

import numpy as np
import pytest

from assay.conformance.bridges.support import adapter_epsilon, gaussian_case, snippet
from assay.conformance.contracts import contract_for
from assay.conformance.plugin import profile_sizes
from assay.conformance.support import summarize_rel

GAUSSIAN_EOT = "bridges.gaussian_eot"
ENTROPIC_PLAN = "bridges.entropic_plan"
MONGE_MAP = "bridges.monge_map"
MOMENTS = "bridges.lightsb_conditional_moments"
DRIFT = "bridges.lightsb_drift"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    sizes = profile_sizes(metafunc)
    if "dim" in metafunc.fixturenames:
        metafunc.parametrize("dim", sizes["dims"], ids=lambda d: f"D={d}")
    if "bench_dim" in metafunc.fixturenames:
        metafunc.parametrize(("bench_dim", "bench_eps"), sizes["bench"],
                             ids=[f"D={d},eps={e:g}" for d, e in sizes["bench"]])


def _float(m) -> np.ndarray:
    """An mpmath matrix as a 2-D float64 array (a 1 × 1 matrix stays 2-D)."""
    return np.array([[float(m[i, j]) for j in range(m.cols)] for i in range(m.rows)])


@pytest.mark.assay_capability(GAUSSIAN_EOT, limits={"dimension": "dim"})
def test_gaussian_eot_matches_the_closed_form(assay_adapter, assay_check, assay_sizes, dim) -> None:
    from assay.properties.bridges import gibbs_error
    from assay.reference.bridges import gaussian_bridge

    function = assay_adapter.get(GAUSSIAN_EOT)
    diffs, scales, gibbs, inputs, actual, expected = [], [], [], [], [], []
    for index, eps in enumerate(assay_sizes["epsilons"]):
        a, A, b, B = gaussian_case(dim, index)
        reference = _float(gaussian_bridge(a, A, b, B, eps, dps=30).C)
        got = np.asarray(function(a, A, b, B, adapter_epsilon(assay_adapter, eps)), dtype=np.float64)
        if got.shape != (dim, dim):
            raise AssertionError(f"{assay_adapter.name}: {GAUSSIAN_EOT} returned shape {got.shape}, expected "
                                 f"({dim}, {dim})")
        diffs.append(np.max(np.abs(got - reference)))
        scales.append(np.max(np.abs(reference)))
        gibbs.append(gibbs_error(got, A, B, eps))
        inputs.append(f"D={dim}, eps={eps:g} (default convention), case {index}")
        actual.append(got.ravel()[:4].tolist())
        expected.append(reference.ravel()[:4].tolist())
    repro = snippet(assay_adapter.spec, GAUSSIAN_EOT, dict(zip("aAbB", gaussian_case(dim, 0))),
                    f"C = f(a, A, b, B, {adapter_epsilon(assay_adapter, assay_sizes['epsilons'][0])!r})",
                    "from assay.reference.bridges import gaussian_bridge\n"
                    f"print(C, gaussian_bridge(a, A, b, B, {assay_sizes['epsilons'][0]!r}).C)")
    assay_check.check(summarize_rel(diffs, scales, inputs, actual, expected),
                      contract_for(GAUSSIAN_EOT, "value", assay_adapter.dtype),
                      "the entropic cross-covariance equals the Gaussian closed form", repro)
    assay_check.check(summarize_rel(gibbs, np.ones(len(gibbs)), inputs),
                      contract_for(GAUSSIAN_EOT, "gibbs", assay_adapter.dtype),
                      "the plan's precision has cross block −I/ε (Gibbs form)", repro)


def _gibbs_residual(plan: np.ndarray, x: np.ndarray, y: np.ndarray, eps: float, dtype: str) -> float:
    """max |log P_ij − log P_il − log P_kj + log P_kl − (x_i − x_k)·(y_j − y_l)/ε| over 4000 random quadruples.

    A Gibbs plan P_ij = a_i b_j exp((f_i + g_j − ½‖x_i − y_j‖²)/ε) makes this zero whatever f, g, a, b are. Entries
    within 2²⁴ of the dtype's smallest normal number carry no relative precision and are left out.
    """
    rng = np.random.default_rng(3)
    i, k = rng.integers(0, plan.shape[0], (2, 4000))
    j, l = rng.integers(0, plan.shape[1], (2, 4000))
    floor = np.finfo(np.float32 if dtype == "float32" else np.float64).tiny * 2.0**24
    quads = np.stack([plan[i, j], plan[i, l], plan[k, j], plan[k, l]])
    keep = np.all(quads > floor, axis=0)
    if not np.all(np.isfinite(plan)) or (plan < 0).any():
        return np.inf
    with np.errstate(divide="ignore"):
        logs = np.log(quads[:, keep])
    expected = np.sum((x[i[keep]] - x[k[keep]]) * (y[j[keep]] - y[l[keep]]), axis=1) / eps
    return float(np.max(np.abs(logs[0] - logs[1] - logs[2] + logs[3] - expected), initial=0.0))


@pytest.mark.assay_capability(ENTROPIC_PLAN, limits={"dimension": "dim"})
def test_entropic_plan_is_a_gibbs_coupling(assay_adapter, assay_check, assay_sizes, dim) -> None:
    from assay.properties.bridges import coupling_marginal_error

    function = assay_adapter.get(ENTROPIC_PLAN)
    rng = np.random.default_rng([7, dim])
    n = int(assay_sizes["cloud"])
    marginal, residual, inputs = [], [], []
    for eps in assay_sizes["epsilons"]:
        x, y = rng.standard_normal((n, dim)), rng.standard_normal((n + 3, dim)) + 0.5
        a = rng.uniform(0.5, 1.5, n)
        b = rng.uniform(0.5, 1.5, n + 3)
        a, b = a / a.sum(), b / b.sum()
        plan = np.asarray(function(x, y, adapter_epsilon(assay_adapter, eps), a, b), dtype=np.float64)
        if plan.shape != (n, n + 3):
            raise AssertionError(f"{assay_adapter.name}: {ENTROPIC_PLAN} returned shape {plan.shape}")
        marginal.append(coupling_marginal_error(plan, a, b))
        residual.append(_gibbs_residual(plan, x, y, eps, assay_adapter.dtype))
        inputs.append(f"D={dim}, eps={eps:g}, {n} × {n + 3} weighted points (seed [7, {dim}])")
    assay_check.check(summarize_rel(marginal, np.ones(len(marginal)), inputs),
                      contract_for(ENTROPIC_PLAN, "marginals", assay_adapter.dtype),
                      "the plan's marginals are the given weights")
    assay_check.check(summarize_rel(residual, np.ones(len(residual)), inputs),
                      contract_for(ENTROPIC_PLAN, "gibbs", assay_adapter.dtype),
                      "log P + ½‖x − y‖²/ε is a sum f_i + g_j (the plan is entropic for this ε)")


@pytest.mark.assay_capability(ENTROPIC_PLAN, limits={"dimension": "dim"})
def test_entropic_plan_on_a_gaussian_grid_matches_the_closed_form(assay_adapter, assay_check, assay_sizes,
                                                                   dim) -> None:
    from assay.reference.bridges import gaussian_bridge

    if dim != 1:
        pytest.skip("the grid comparison is one-dimensional (a 1-D grid of each Gaussian)")
    function = assay_adapter.get(ENTROPIC_PLAN)
    points = int(assay_sizes["grid"])
    diffs, scales, inputs = [], [], []
    for eps in assay_sizes["epsilons"]:
        if eps < 0.5:  # fine grids need ε ≳ h²: the plan's conditional spread √ε must cover several grid cells
            continue
        a, A, b, B = 0.3, 1.3, -0.5, 0.6
        x = np.linspace(a - 9 * np.sqrt(A), a + 9 * np.sqrt(A), points)
        y = np.linspace(b - 9 * np.sqrt(B), b + 9 * np.sqrt(B), points)
        p = np.exp(-((x - a) ** 2) / (2 * A))
        q = np.exp(-((y - b) ** 2) / (2 * B))
        p, q = p / p.sum(), q / q.sum()
        plan = np.asarray(function(x[:, None], y[:, None], adapter_epsilon(assay_adapter, eps), p, q),
                          dtype=np.float64)
        cross = float(np.sum(plan * np.outer(x - p @ x, y - q @ y)))
        expected = float(gaussian_bridge([a], [[A]], [b], [[B]], eps).C[0, 0])
        diffs.append(abs(cross - expected))
        scales.append(abs(expected))
        inputs.append(f"eps={eps:g}, {points}-point grids over ±9σ of N(0.3, 1.3) and N(-0.5, 0.6)")
    if not diffs:
        pytest.skip("no ε ≥ 0.5 in this profile")
    assay_check.check(summarize_rel(diffs, scales, inputs), contract_for(ENTROPIC_PLAN, "gaussian_grid",
                                                                         assay_adapter.dtype),
                      "the grid plan's cross-covariance is the Gaussian closed form")


@pytest.mark.assay_capability(MONGE_MAP, limits={"dimension": "dim"})
def test_monge_map_matches_the_closed_form(assay_adapter, assay_check, dim) -> None:
    from assay.reference.bridges import monge_map

    function = assay_adapter.get(MONGE_MAP)
    diffs, scales, inputs = [], [], []
    for index in range(3):
        a, A, b, B = gaussian_case(dim, 10 + index)
        reference = _float(monge_map(a, A, b, B, dps=30)[0])
        got = np.asarray(function(a, A, b, B), dtype=np.float64)
        diffs.append(np.max(np.abs(got - reference)))
        scales.append(np.max(np.abs(reference)))
        inputs.append(f"D={dim}, case {10 + index}")
    assay_check.check(summarize_rel(diffs, scales, inputs), contract_for(MONGE_MAP, "value", assay_adapter.dtype),
                      "the Monge map's linear part equals A^{−½}(A^{½}BA^{½})^{½}A^{−½}",
                      snippet(assay_adapter.spec, MONGE_MAP, dict(zip("aAbB", gaussian_case(dim, 10))),
                              "M = f(a, A, b, B)", "from assay.reference.bridges import monge_map\n"
                              "print(M, monge_map(a, A, b, B)[0])"))


def _bench(dim: int, eps: float):
    from assay.reference.bridges import mixture_benchmark

    return mixture_benchmark(dim, eps, seed=0)


@pytest.mark.assay_capability(MOMENTS, limits={"dimension": "bench_dim"})
def test_benchmark_light_sb_parameters_reproduce_the_true_plan(assay_adapter, assay_check, assay_sizes,
                                                                bench_dim, bench_eps) -> None:
    bench = _bench(bench_dim, bench_eps)
    log_alpha, r, S = bench.light_sb_parameters()
    x = bench.sample_p0(int(assay_sizes["points"]), 1)
    mean, cov = assay_adapter.get(MOMENTS)(log_alpha, r, S, adapter_epsilon(assay_adapter, bench.epsilon), x)
    mean, cov = np.asarray(mean, dtype=np.float64), np.asarray(cov, dtype=np.float64)
    true_mean, true_cov = bench.conditional_moments(x)
    scale = float(np.max(np.abs(true_cov)))
    errors = np.concatenate([np.max(np.abs(mean - true_mean), axis=1) / np.sqrt(scale),
                             np.max(np.abs(cov - true_cov), axis=(1, 2)) / scale])
    inputs = [f"mean at x[{i}]" for i in range(len(x))] + [f"cov at x[{i}]" for i in range(len(x))]
    assay_check.check(summarize_rel(errors, np.ones(len(errors)), inputs),
                      contract_for(MOMENTS, "value", assay_adapter.dtype),
                      f"the benchmark's exact Light SB parameters (D={bench.dim}, ε={bench.epsilon:g}) reproduce π*",
                      snippet(assay_adapter.spec, MOMENTS, {"x": x[:1]},
                              "from assay.reference.bridges import mixture_benchmark\n"
                              f"bench = mixture_benchmark({bench.dim}, {bench.epsilon!r}, seed=0)\n"
                              "log_alpha, r, S = bench.light_sb_parameters()\n"
                              f"m, c = f(log_alpha, r, S, {adapter_epsilon(assay_adapter, bench.epsilon)!r}, x)",
                              "print(m, bench.conditional_moments(x)[0])"))


@pytest.mark.assay_capability(MOMENTS, limits={"dimension": "dim"})
def test_one_component_solves_the_gaussian_case(assay_adapter, assay_check, assay_sizes, dim) -> None:
    from assay.reference.bridges import gaussian_bridge

    errors, inputs = [], []
    for index, eps in enumerate(assay_sizes["epsilons"]):
        a, A, b, B = gaussian_case(dim, 20 + index)
        bridge = gaussian_bridge(a, A, b, B, eps, dps=30)
        S, r = (_float(m) for m in bridge.light_sb_parameters())
        C = _float(bridge.C)
        x = np.random.default_rng(index).standard_normal((8, dim))
        mean, cov = assay_adapter.get(MOMENTS)(np.zeros(1), r.reshape(1, dim), S.reshape(1, dim, dim),
                                               adapter_epsilon(assay_adapter, eps), x)
        gain = np.linalg.solve(A, C).T
        true_cov = B - gain @ C
        scale = float(np.max(np.abs(true_cov)))
        errors.append(max(np.max(np.abs(np.asarray(mean) - (b + (x - a) @ gain.T))) / np.sqrt(scale),
                          np.max(np.abs(np.asarray(cov) - true_cov)) / scale))
        inputs.append(f"D={dim}, eps={eps:g}, case {20 + index}")
    assay_check.check(summarize_rel(errors, np.ones(len(errors)), inputs),
                      contract_for(MOMENTS, "gaussian_k1", assay_adapter.dtype),
                      "K = 1 with S = CᵀA⁻¹, r = b − S a is the Gaussian plan N(b + CᵀA⁻¹(x − a), B − CᵀA⁻¹C)")


@pytest.mark.assay_capability(DRIFT, limits={"dimension": "bench_dim"})
def test_drift_is_the_true_bridge_drift(assay_adapter, assay_check, assay_sizes, bench_dim, bench_eps) -> None:
    bench = _bench(bench_dim, bench_eps)
    log_alpha, r, S = bench.light_sb_parameters()
    x = bench.sample_p0(int(assay_sizes["points"]), 2)
    diffs, scales, inputs = [], [], []
    for t in (0.0, 0.3, 0.7, 0.95):
        got = np.asarray(assay_adapter.get(DRIFT)(log_alpha, r, S, adapter_epsilon(assay_adapter, bench.epsilon),
                                                  x, t), dtype=np.float64)
        expected = bench.drift(x, t)
        diffs.append(np.max(np.abs(got - expected)))
        scales.append(np.max(np.abs(expected)))
        inputs.append(f"D={bench.dim}, eps={bench.epsilon:g}, t={t}")
    assay_check.check(summarize_rel(diffs, scales, inputs), contract_for(DRIFT, "value", assay_adapter.dtype),
                      "the Light SB drift equals ε ∇ log Σ_k w_k N(x | μ_k, Σ_k + (1−t)εI)")
