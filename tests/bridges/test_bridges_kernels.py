"""assay.kernels.bridges against assay.reference.bridges: Light SB plan, drift, SDE and bridge sampling, the
closed-form Gaussian plan, Sinkhorn; dtypes, determinism, FLOP counts, bad input."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from assay.core.flops import count_flops, fit_loglog_exponent
from assay.kernels.bridges import (
    LightSB,
    brownian_bridge_sample,
    entropic_cross_covariance,
    monge_map_matrix,
    sinkhorn_plan,
)
from assay.properties.bridges import (
    bridge_variance_pvalue,
    coupling_marginal_error,
    drift_quadrature_error,
    gibbs_error,
    k1_parameter_error,
    plan_moment_error,
    two_sample_projection_pvalue,
)
from assay.reference.bridges import cbw2_uvp, gaussian_bridge, mixture_benchmark, monge_map
from assay.reference.bridges._mp import to_float_array

ALPHA = 1e-3  # false-alarm rate of each statistical assertion (fixed seeds: the verdict is reproducible)
EPS64 = 2.0**-52


def _exact_model(bench, dtype=torch.float64, diagonal=True):
    log_alpha, r, S = bench.light_sb_parameters()
    S = np.diagonal(S, axis1=1, axis2=2) if diagonal else S
    return LightSB.from_parameters(log_alpha, r, S, bench.epsilon, dtype=dtype)


@pytest.mark.parametrize(("dim", "eps"), [(2, 0.1), (16, 1.0), (8, 10.0)])
@pytest.mark.parametrize("diagonal", [True, False])
def test_exact_parameters_reproduce_the_benchmark_plan(dim, eps, diagonal):
    bench = mixture_benchmark(dim, eps, seed=0)
    x = bench.sample_p0(64, 1)
    true_means, true_covs = bench.conditional_moments(x)
    for dtype, bound in ((torch.float64, 1e-11), (torch.float32, 1e-3)):
        # the logits (xᵀSx + 2rᵀx)/(2ε) reach ~10³ here and each loses ~|logit|·ε of the dtype in the weights;
        # 10× that: 1e-11 (float64), 1e-3 (float32). A missing ε or a transposed S is an O(1) error.
        model = _exact_model(bench, dtype, diagonal)
        means, covs = model.conditional_moments(torch.tensor(x, dtype=dtype))
        assert plan_moment_error(means.detach().double(), covs.detach().double(), true_means, true_covs) < bound


@pytest.mark.parametrize("t", [0.0, 0.4, 0.95])
@pytest.mark.parametrize("diagonal", [True, False])
def test_drift_matches_the_reference_and_the_quadrature(t, diagonal):
    bench = mixture_benchmark(2, 1.0, seed=0)
    model = _exact_model(bench, diagonal=diagonal)
    x = bench.sample_p0(6, 3)
    drift = model.drift(torch.tensor(x), t).detach().numpy()
    expected = bench.drift(x, t)
    # a softmax-weighted sum of per-component solves; ~10² ε of the largest drift in float64
    assert np.max(np.abs(drift - expected)) < 1e-12 * np.max(np.abs(expected))
    assert drift_quadrature_error(drift, bench.potential.log_density, x, t, bench.epsilon, nodes=100) < 1e-12


def test_k1_solves_the_gaussian_case_exactly():
    rng = np.random.default_rng(4)
    dim, eps = 3, 0.6
    x, y = rng.standard_normal((dim, dim)), rng.standard_normal((dim, dim))
    a, A, b, B = rng.standard_normal(dim), x @ x.T + np.eye(dim), rng.standard_normal(dim), y @ y.T + np.eye(dim)
    bridge = gaussian_bridge(a, A, b, B, eps, dps=30)
    S, r = (to_float_array(m) for m in bridge.light_sb_parameters())
    C = to_float_array(bridge.C)
    assert k1_parameter_error(S, r, a, A, b, B, C, eps) < 1e-14
    model = LightSB.from_parameters(np.zeros(1), r[None], S[None], eps)
    points = rng.standard_normal((10, dim))
    means, covs = model.conditional_moments(torch.tensor(points))
    gain = np.linalg.solve(A, C).T
    true_means = b + (points - a) @ gain.T
    true_covs = np.broadcast_to(B - gain @ C, (10, dim, dim))
    assert plan_moment_error(means.detach(), covs.detach(), true_means, true_covs) < 1e-13


def test_conditional_samples_and_sde_terminal_samples_match_the_exact_plan():
    bench = mixture_benchmark(2, 1.0, seed=0)
    model = _exact_model(bench)
    x = np.repeat(bench.sample_p0(4, 2), 600, axis=0)  # 4 starting points, 600 paths each
    plan = bench.sample_plan(x, np.random.default_rng(3))
    samples = model.sample(torch.tensor(x), torch.Generator().manual_seed(4)).numpy()
    assert two_sample_projection_pvalue(samples, plan) > ALPHA
    terminal = model.sde_sample(torch.tensor(x), n_steps=100, generator=torch.Generator().manual_seed(5)).numpy()
    # Euler–Maruyama's weak error is O(1/n_steps) ≈ 1% of a standard deviation, below what KS resolves at n = 2400
    assert two_sample_projection_pvalue(terminal, plan) > ALPHA
    # and the test has power: the terminal of a model with 2ε is rejected
    wrong = LightSB.from_parameters(*bench.light_sb_parameters()[:2], np.diagonal(bench.light_sb_parameters()[2],
                                    axis1=1, axis2=2), 2 * bench.epsilon)
    assert two_sample_projection_pvalue(wrong.sample(torch.tensor(x), torch.Generator().manual_seed(4)).numpy(),
                                        plan) < ALPHA


def test_brownian_bridge_has_variance_t_one_minus_t_epsilon():
    gen = torch.Generator().manual_seed(0)
    x0, x1 = torch.randn(2000, 3, generator=gen, dtype=torch.float64), torch.randn(2000, 3, generator=gen,
                                                                                  dtype=torch.float64)
    t = torch.rand(2000, generator=gen, dtype=torch.float64) * 0.9 + 0.05
    for eps in (0.1, 1.0, 10.0):
        xt = brownian_bridge_sample(x0, x1, t, eps, torch.Generator().manual_seed(1))
        assert bridge_variance_pvalue(xt, x0, x1, t, eps) > ALPHA
        # the pre-2024 official code's standard deviation t(1−t)ε (no square root) is rejected
        noise = (xt - (1 - t[:, None]) * x0 - t[:, None] * x1) / torch.sqrt(t * (1 - t) * eps)[:, None]
        buggy = (1 - t[:, None]) * x0 + t[:, None] * x1 + (t * (1 - t) * eps)[:, None] * noise
        assert bridge_variance_pvalue(buggy, x0, x1, t, eps) < ALPHA


def test_gaussian_kernels_agree_with_the_reference():
    rng = np.random.default_rng(8)
    for dim in (1, 2, 5):
        x, y = rng.standard_normal((dim, dim)), rng.standard_normal((dim, dim))
        A, B = x @ x.T + np.eye(dim), y @ y.T + 0.5 * np.eye(dim)
        for eps in (0.05, 1.0, 20.0):
            C = entropic_cross_covariance(torch.tensor(A), torch.tensor(B), eps).numpy()
            expected = to_float_array(gaussian_bridge(np.zeros(dim), A, np.zeros(dim), B, eps, dps=30).C)
            # three symmetric roots through eigh, each ≈ κ ε (κ ≲ 30 here): 2000 ε of max|C| leaves room
            assert np.max(np.abs(C - expected)) < 2000 * EPS64 * np.max(np.abs(expected))
            assert gibbs_error(C, A, B, eps) < 1e-11
        M = monge_map_matrix(torch.tensor(A), torch.tensor(B)).numpy()
        expected_m = to_float_array(monge_map(np.zeros(dim), A, np.zeros(dim), B, dps=30)[0])
        assert np.max(np.abs(M - expected_m)) < 2000 * EPS64 * np.max(np.abs(expected_m))


def test_sinkhorn_plan_is_gibbs_with_the_right_marginals_and_matches_the_gaussian_on_a_grid():
    a, A, b, B, eps = 0.3, 1.3, -0.5, 0.6, 2.0
    x = torch.linspace(a - 9 * A**0.5, a + 9 * A**0.5, 120, dtype=torch.float64)[:, None]
    y = torch.linspace(b - 9 * B**0.5, b + 9 * B**0.5, 120, dtype=torch.float64)[:, None]
    p = torch.exp(-((x[:, 0] - a) ** 2) / (2 * A))
    q = torch.exp(-((y[:, 0] - b) ** 2) / (2 * B))
    p, q = p / p.sum(), q / q.sum()
    plan = sinkhorn_plan(x, y, eps, p, q, tol=1e-14)
    assert coupling_marginal_error(plan.numpy(), p.numpy(), q.numpy()) < 1e-12
    cross = float(((plan * ((x - (p @ x)) @ (y - (q @ y)).T))).sum())
    expected = float(gaussian_bridge([a], [[A]], [b], [[B]], eps).C[0, 0])
    assert abs(cross - expected) < 1e-10 * abs(expected)


def test_fit_is_deterministic_and_learns_the_plan():
    bench = mixture_benchmark(2, 1.0, seed=0)
    x0 = torch.tensor(bench.sample_p0(20_000, 1))
    x1 = torch.tensor(bench.sample_p1(20_000, 2))
    models = []
    for _ in range(2):
        model = LightSB(2, 8, 1.0, seed=0)
        losses = model.fit(x0, x1, steps=600, lr=2e-2, schedule="cosine", seed=3, progress=False)
        models.append(model)
    assert torch.equal(models[0].r, models[1].r)
    x_test = bench.sample_p0(300, 7)
    true_means, true_covs = bench.conditional_moments(x_test)
    target = bench.target_moments(50_000, 4)[1]
    means, covs = models[0].conditional_moments(torch.tensor(x_test))
    score = cbw2_uvp(means.detach().numpy(), covs.detach().numpy(), true_means, true_covs, target)
    # a short fit (600 steps, K = 8) scores 0.13 % — the untrained model (r from p1 samples) scores 21 %
    assert score < 0.5
    untrained = LightSB(2, 8, 1.0, seed=0)
    untrained.init_r_from_samples(x1[:100], 0)
    means, covs = untrained.conditional_moments(torch.tensor(x_test))
    assert cbw2_uvp(means.detach().numpy(), covs.detach().numpy(), true_means, true_covs, target) > 10
    assert np.mean(losses[-100:]) < np.mean(losses[:100])


@pytest.mark.parametrize("eps", [0.01, 0.1, 1.0, 10.0])
def test_closed_form_gradient_equals_autograd(eps):
    # fit() steps with loss_and_gradient (diagonal model); it must be the gradient of loss() to rounding, also at
    # small ε where most softmax weights fall below e^-60 and are clamped
    generator = torch.Generator().manual_seed(11)
    model = LightSB(6, 9, eps, seed=2)
    with torch.no_grad():
        model.s.add_(0.3 * torch.randn(model.s.shape, generator=generator, dtype=torch.float64))
        model.log_alpha.add_(torch.randn(9, generator=generator, dtype=torch.float64))
    x0 = torch.randn(50, 6, generator=generator, dtype=torch.float64)
    x1 = 1.5 * torch.randn(40, 6, generator=generator, dtype=torch.float64) + 0.5
    loss = model.loss(x0, x1)
    loss.backward()
    closed_loss, grads = model.loss_and_gradient(x0, x1)
    assert abs(float(closed_loss - loss.detach())) <= 64 * EPS64 * max(1.0, abs(float(loss.detach())))
    for grad, parameter in zip(grads, (model.log_alpha, model.r, model.s)):
        scale = float(parameter.grad.abs().max())
        assert float((grad - parameter.grad).abs().max()) <= 1e-12 * scale
    with pytest.raises(ValueError, match="diagonal model"):
        LightSB(2, 3, 1.0, covariance="full").loss_and_gradient(x0[:, :2], x1[:, :2])
    with pytest.raises(ValueError, match=r"x1 must have shape \(n, 6\)"):
        model.loss_and_gradient(x0, x1[:, :5])
    with pytest.raises(ValueError, match="x0 must be finite"):
        model.loss_and_gradient(torch.full_like(x0, float("nan")), x1)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_clamped_logsumexp_agrees_with_torch(dtype):
    from assay.kernels.bridges.lightsb import _log_sum_and_weights, _logsumexp

    generator = torch.Generator().manual_seed(4)
    logits = (torch.rand(300, 50, generator=generator, dtype=torch.float64) * -1e4).to(dtype)
    logits[:, 7] = 0  # one dominant term per row; the rest span e^0 … e^-10000
    logits[:5, 8] = -1e-3  # and rows with two comparable ones
    expected = torch.logsumexp(logits.double(), dim=-1)
    lse, weights = _log_sum_and_weights(logits)
    tolerance = 4 * torch.finfo(dtype).eps
    assert float((lse.double() - expected).abs().max()) <= tolerance
    assert float((_logsumexp(logits).double() - expected).abs().max()) <= tolerance
    assert float((weights.double() - torch.softmax(logits.double(), dim=-1)).abs().max()) <= tolerance


def test_float32_model_and_loss_flops_are_linear_in_batch_components_and_dimension():
    model = LightSB(4, 5, 0.5, dtype=torch.float32)
    x = torch.randn(16, 4)
    assert model.loss(x, x).dtype == torch.float32
    assert model.sample(x, 0).dtype == torch.float32
    counts = []
    dims = (16, 32, 64, 128)
    for dim in dims:
        model = LightSB(dim, 50, 1.0, dtype=torch.float32)
        batch = torch.randn(128, dim)
        counts.append(count_flops(model.loss, batch, batch))
    # matrix products of (batch × D) by (D × K): 2·n·K·D per product, so FLOPs ∝ D
    assert abs(fit_loglog_exponent(dims, counts) - 1.0) < 0.05


def test_bad_input_is_refused_with_the_argument_named():
    with pytest.raises(ValueError, match="epsilon must be finite and > 0"):
        LightSB(2, 3, 0.0)
    with pytest.raises(ValueError, match=r"n_components \(K\) must be >= 1"):
        LightSB(2, 0, 1.0)
    with pytest.raises(TypeError, match=r"dtype must be torch\.float32 or torch\.float64"):
        LightSB(2, 3, 1.0, dtype=torch.int64)
    model = LightSB(2, 3, 1.0)
    with pytest.raises(ValueError, match=r"x must have shape \(n, 2\)"):
        model.sample(torch.zeros(4, 3))
    with pytest.raises(ValueError, match="x must be finite"):
        model.drift(torch.tensor([[0.0, float("nan")]], dtype=torch.float64), 0.5)
    with pytest.raises(ValueError, match="x1 must be finite"):
        model.fit(torch.zeros(10, 2), torch.full((10, 2), float("nan")), steps=1)
    with pytest.raises(ValueError, match="t must lie in"):
        model.drift(torch.zeros(1, 2, dtype=torch.float64), 1.0)
    with pytest.raises(ValueError, match="S must be positive definite"):
        LightSB.from_parameters(np.zeros(1), np.zeros((1, 2)), -np.eye(2)[None], 1.0)
    with pytest.raises(ValueError, match="A must be positive definite"):
        entropic_cross_covariance(torch.diag(torch.tensor([1.0, -1.0])), torch.eye(2), 1.0)
    with pytest.raises(ValueError, match="epsilon must be a finite number > 0"):
        brownian_bridge_sample(torch.zeros(2, 1), torch.zeros(2, 1), 0.5, -1.0)
    with pytest.raises(ValueError, match="x and y must have the same dimension"):
        sinkhorn_plan(torch.zeros(3, 1), torch.zeros(3, 2), 1.0)
