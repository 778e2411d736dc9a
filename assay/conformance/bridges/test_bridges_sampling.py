"""Conformance: samplers — Light SB conditional samples, the bridge SDE at t = 1, and Brownian-bridge noise.

Statistical contracts (unit ``stat``): each test computes a p-value with fixed seeds and records −log10 p; the
bound 3 is exceeded by a correct implementation with probability 10⁻³ (the false-alarm rate).

- ``bridges.lightsb_sample`` — samples of π(·|x) for the benchmark's exact Light SB parameters against exact plan
  samples (KS on axes and fixed random directions, Bonferroni-combined);
- ``bridges.sde_sample`` — X_1 of the simulated bridge SDE from the same starting points against exact plan samples;
- ``bridges.bridge_sample`` — the Brownian-bridge residual has variance t(1 − t)ε (two-sided χ² test).
"""

from __future__ import annotations

import numpy as np
import pytest

from assay.conformance.bridges.support import adapter_epsilon, log10_score, snippet
from assay.conformance.contracts import contract_for
from assay.conformance.plugin import profile_sizes
from assay.core.errors import summarize

SAMPLE = "bridges.lightsb_sample"
SDE = "bridges.sde_sample"
BRIDGE = "bridges.bridge_sample"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "bench_dim" in metafunc.fixturenames:
        cases = [case for case in profile_sizes(metafunc)["bench"] if case[0] <= 8]
        metafunc.parametrize(("bench_dim", "bench_eps"), cases, ids=[f"D={d},eps={e:g}" for d, e in cases])


def _starting_points(bench, total: int) -> np.ndarray:
    """``total`` rows: 4 draws of p0 repeated (the conditional laws at 4 points)."""
    return np.repeat(bench.sample_p0(4, 5), total // 4, axis=0)


@pytest.mark.assay_capability(SAMPLE, limits={"dimension": "bench_dim"})
def test_conditional_samples_follow_the_plan(assay_adapter, assay_check, assay_sizes, bench_dim, bench_eps) -> None:
    from assay.properties.bridges import two_sample_projection_pvalue
    from assay.reference.bridges import mixture_benchmark

    bench = mixture_benchmark(bench_dim, bench_eps, seed=0)
    log_alpha, r, S = bench.light_sb_parameters()
    x = _starting_points(bench, int(assay_sizes["stat_samples"]))
    got = np.asarray(assay_adapter.get(SAMPLE)(log_alpha, r, S, adapter_epsilon(assay_adapter, bench.epsilon), x, 11),
                     dtype=np.float64)
    exact = bench.sample_plan(x, np.random.default_rng(12))
    p = two_sample_projection_pvalue(got, exact)
    assay_check.check(summarize([log10_score(p)], "stat", [f"D={bench_dim}, eps={bench_eps:g}, p={p:.3g}"]),
                      contract_for(SAMPLE, "plan_ks", assay_adapter.dtype),
                      "conditional samples of the exact Light SB parameters follow π*(·|x)",
                      snippet(assay_adapter.spec, SAMPLE, {},
                              "from assay.reference.bridges import mixture_benchmark\n"
                              f"bench = mixture_benchmark({bench_dim}, {bench_eps!r}, seed=0)\n"
                              "x = np.repeat(bench.sample_p0(4, 5), 100, axis=0)\n"
                              "y = f(*bench.light_sb_parameters(), "
                              f"{adapter_epsilon(assay_adapter, bench_eps)!r}, x, 11)",
                              "print(y.mean(0), bench.sample_plan(x, 12).mean(0))"))


@pytest.mark.assay_capability(SDE, limits={"dimension": "bench_dim"})
def test_sde_at_time_one_follows_the_plan(assay_adapter, assay_check, assay_sizes, bench_dim, bench_eps) -> None:
    from assay.properties.bridges import two_sample_projection_pvalue
    from assay.reference.bridges import mixture_benchmark

    bench = mixture_benchmark(bench_dim, bench_eps, seed=0)
    log_alpha, r, S = bench.light_sb_parameters()
    x = _starting_points(bench, int(assay_sizes["stat_samples"]))
    steps = int(assay_sizes["sde_steps"])
    got = np.asarray(assay_adapter.get(SDE)(log_alpha, r, S, adapter_epsilon(assay_adapter, bench.epsilon), x,
                                            steps, 13), dtype=np.float64)
    exact = bench.sample_plan(x, np.random.default_rng(14))
    p = two_sample_projection_pvalue(got, exact)
    assay_check.check(summarize([log10_score(p)], "stat", [f"D={bench_dim}, eps={bench_eps:g}, {steps} steps, "
                                                          f"p={p:.3g}"]),
                      contract_for(SDE, "plan_ks", assay_adapter.dtype),
                      "the bridge SDE's X_1 from x follows π*(·|x)")


@pytest.mark.assay_capability(BRIDGE)
def test_bridge_noise_has_variance_t_one_minus_t_epsilon(assay_adapter, assay_check, assay_sizes) -> None:
    from assay.properties.bridges import bridge_variance_pvalue

    rng = np.random.default_rng(21)
    n = int(assay_sizes["stat_samples"])
    scores, inputs = [], []
    for index, eps in enumerate(assay_sizes["epsilons"]):
        x0, x1 = rng.standard_normal((n, 2)), rng.standard_normal((n, 2))
        t = rng.uniform(0.05, 0.95, n)
        got = np.asarray(assay_adapter.get(BRIDGE)(x0, x1, t, adapter_epsilon(assay_adapter, eps), 30 + index),
                         dtype=np.float64)
        p = bridge_variance_pvalue(got, x0, x1, t, eps)
        scores.append(log10_score(p))
        inputs.append(f"eps={eps:g}, {n} bridges in 2-D, p={p:.3g}")
    assay_check.check(summarize(scores, "stat", inputs), contract_for(BRIDGE, "variance", assay_adapter.dtype),
                      "x_t − (1−t)x0 − t x1 has variance t(1 − t)ε per coordinate",
                      snippet(assay_adapter.spec, BRIDGE, {},
                              "x0 = np.zeros((4000, 1)); x1 = np.zeros((4000, 1)); t = np.full(4000, 0.5)\n"
                              f"xt = f(x0, x1, t, {adapter_epsilon(assay_adapter, 1.0)!r}, 0)",
                              "print(xt.var(), 'expected', 0.25)"))
