"""The mixture-potential benchmark: exactness of its plan, drift and Light SB parameters; metrics; bad input."""

from __future__ import annotations

import numpy as np
import pytest

from assay.properties.bridges import drift_quadrature_error, two_sample_projection_pvalue
from assay.reference.bridges import (
    GaussianMixture,
    MixtureBenchmark,
    bw2_squared,
    bw2_uvp,
    cbw2_uvp,
    gaussian_fit,
    mixture_benchmark,
    w2_squared,
)

ALPHA = 1e-3  # false-alarm rate of every statistical assertion here (fixed seeds: the verdict is reproducible)


def test_generator_is_deterministic_and_follows_the_recipe():
    first, second = mixture_benchmark(16, 1.0, seed=3), mixture_benchmark(16, 1.0, seed=3)
    np.testing.assert_array_equal(first.potential.means, second.potential.means)
    np.testing.assert_array_equal(first.potential.weights, second.potential.weights)
    assert not np.array_equal(first.potential.means, mixture_benchmark(16, 1.0, seed=4).potential.means)
    # the same p0 and potential for every ε (only the plan changes)
    np.testing.assert_array_equal(first.potential.means, mixture_benchmark(16, 10.0, seed=3).potential.means)
    means = first.potential.means
    for column in means.T:  # each coordinate of the 5 centres is a permutation of the centred grid
        np.testing.assert_allclose(np.sort(column), 1.5 * (np.arange(5) - 2))
    np.testing.assert_allclose(first.potential.covariances, np.broadcast_to(0.25 * np.eye(16), (5, 16, 16)))


@pytest.mark.parametrize(("dim", "eps"), [(2, 0.1), (3, 1.0), (2, 10.0)])
def test_plan_samples_match_the_exact_conditional_moments(dim, eps):
    bench = mixture_benchmark(dim, eps, seed=1)
    x = bench.sample_p0(4, np.random.default_rng(0))
    mean, cov = bench.conditional_moments(x)
    rng = np.random.default_rng(1)
    for i in range(4):
        y = bench.sample_plan(np.repeat(x[i : i + 1], 20_000, axis=0), rng)
        # each coordinate's sample mean is N(mean, var/n): a two-sided z test per coordinate, Bonferroni-combined
        z = (y.mean(0) - mean[i]) / np.sqrt(np.diag(cov[i]) / y.shape[0])
        assert np.max(np.abs(z)) < 3.29 + 0.5 * dim, z  # |z| < 3.9 for dim 2 ≈ α/dim two-sided
        np.testing.assert_allclose(np.cov(y.T).reshape(dim, dim), cov[i], rtol=0.1, atol=0.05 * np.max(cov[i]))


def test_light_sb_parameters_reproduce_the_plan_to_rounding():
    bench = mixture_benchmark(8, 0.1, seed=2)
    log_alpha, r, S = bench.light_sb_parameters()
    x = bench.sample_p0(50, 5)
    logits = log_alpha + (np.einsum("ni,kij,nj->nk", x, S, x) + 2 * x @ r.T) / (2 * bench.epsilon)
    logits -= logits.max(1, keepdims=True)
    weights = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    np.testing.assert_allclose(weights, np.exp(bench.plan_log_weights(x)), rtol=0, atol=1e-12)
    means = r[None] + np.einsum("kij,nj->nki", S, x)
    np.testing.assert_allclose(means, bench.plan_component_means(x), rtol=0, atol=1e-12)
    np.testing.assert_allclose(bench.epsilon * S, bench.plan_component_covariances, rtol=1e-14, atol=0)


@pytest.mark.parametrize("t", [0.0, 0.5, 0.9])
def test_drift_is_epsilon_grad_log_of_the_heat_smoothed_potential(t):
    bench = mixture_benchmark(2, 1.0, seed=0)
    x = bench.sample_p0(5, 9)
    error = drift_quadrature_error(bench.drift(x, t), bench.potential.log_density, x, t, bench.epsilon, nodes=100)
    # tensor Gauss–Hermite with 100 nodes per axis integrates these Gaussian-mixture integrands to rounding
    # (measured ≤ 1.3e-15; 60 nodes still leave 2e-10 at t = 0, where the smoothing is widest)
    assert error < 1e-13


def test_p1_samples_agree_with_the_rao_blackwellized_moments():
    bench = mixture_benchmark(3, 1.0, seed=0)
    mean, cov = bench.target_moments(100_000, 1)
    y = bench.sample_p1(100_000, 2)
    np.testing.assert_allclose(y.mean(0), mean, atol=5 * np.sqrt(np.max(np.diag(cov)) / 50_000))
    np.testing.assert_allclose(np.cov(y.T), cov, rtol=0.03, atol=0.03 * np.max(cov))
    _x2, y2 = bench.sample_pair(3000, 3)
    assert two_sample_projection_pvalue(y[:3000], y2) > ALPHA


def test_metrics_as_defined():
    rng = np.random.default_rng(0)
    m1, m2 = rng.standard_normal(3), rng.standard_normal(3)
    s1, s2 = np.diag([1.0, 2.0, 0.5]), np.diag([0.3, 1.0, 4.0])
    assert bw2_squared(m1, s1, m1, s1) == pytest.approx(0.0, abs=1e-14)
    assert float(bw2_squared(m1, s1, m2, s2)) == pytest.approx(float(w2_squared(m1, s1, m2, s2)), rel=1e-12)
    assert bw2_uvp(m1, s1, m2, s2) == pytest.approx(100 * float(w2_squared(m1, s1, m2, s2)) / np.trace(s2), rel=1e-12)
    value = cbw2_uvp(np.stack([m1, m2]), np.stack([s1, s2]), np.stack([m2, m2]), np.stack([s2, s2]), np.eye(3))
    assert value == pytest.approx(100 * float(w2_squared(m1, s1, m2, s2)) / 2 / 3, rel=1e-12)
    samples = rng.standard_normal((5, 10, 3))
    _mean, cov = gaussian_fit(samples)
    np.testing.assert_allclose(cov[2], np.cov(samples[2].T), rtol=1e-12)


def test_bad_input_is_refused_with_the_argument_named():
    with pytest.raises(ValueError, match="epsilon must be finite and > 0"):
        mixture_benchmark(2, 0.0)
    with pytest.raises(ValueError, match="dim must be >= 1"):
        mixture_benchmark(0, 1.0)
    with pytest.raises(ValueError, match="n_components must be >= 1"):
        mixture_benchmark(2, 1.0, n_components=0)
    with pytest.raises(ValueError, match="K >= 1"):
        GaussianMixture(np.array([]), np.zeros((0, 2)), np.zeros((0, 2, 2)))
    with pytest.raises(ValueError, match="covariances must be positive definite"):
        GaussianMixture(np.ones(1), np.zeros((1, 2)), np.diag([1.0, -1.0])[None])
    bench = mixture_benchmark(2, 1.0)
    with pytest.raises(ValueError, match="x must be finite"):
        bench.sample_plan(np.array([[0.0, np.nan]]))
    with pytest.raises(ValueError, match=r"x must have shape \(n, 2\)"):
        bench.conditional_moments(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="p0 has dimension 2 but the potential has dimension 3"):
        MixtureBenchmark(bench.p0, 1.0, mixture_benchmark(3, 1.0).potential)
    with pytest.raises(ValueError, match="samples must be finite"):
        gaussian_fit(np.array([[0.0, 1.0], [np.nan, 2.0]]))
