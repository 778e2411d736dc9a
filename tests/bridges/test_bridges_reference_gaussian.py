"""The closed-form Gaussian entropic plan / Schrödinger bridge against independent computations and POT."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

from assay.core.conventions import names, resolve
from assay.reference.bridges import (
    conventions,
    cross_covariance_via_sqrtm,
    gaussian_bridge,
    monge_map,
    w2_squared,
)
from assay.reference.bridges._mp import to_float_array


def _case(dim: int, seed: int):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((dim, dim))
    y = rng.standard_normal((dim, dim))
    return rng.standard_normal(dim), x @ x.T + np.eye(dim), rng.standard_normal(dim), y @ y.T + 0.5 * np.eye(dim)


def _norm(m) -> mpmath.mpf:
    return max(abs(m[i, j]) for i in range(m.rows) for j in range(m.cols))


@pytest.mark.parametrize(("dim", "eps"), [(1, "0.5"), (2, "0.1"), (3, "1"), (3, "10")])
def test_closed_form_agrees_with_independent_routes_to_1e_25_at_40_digits(dim, eps):
    a, A, b, B = _case(dim, dim)
    bridge = gaussian_bridge(a, A, b, B, eps, dps=40)
    with mpmath.workdps(50):
        # C by the general principal square root of 4AB + ε²I (mpmath.sqrtm, Denman–Beavers) — another algorithm
        other = cross_covariance_via_sqrtm(A, B, eps, dps=40)
        assert _norm(bridge.C - other) / _norm(bridge.C) < mpmath.mpf("1e-25")
        # Janati's value formula against the objective evaluated on the plan (cost + KL, by determinants)
        assert abs(bridge.value() - bridge.value_direct()) / abs(bridge.value()) < mpmath.mpf("1e-25")
        # the Gibbs property: the precision's cross block is −I/ε exactly
        cross = bridge.joint_precision_cross_block()
        target = -mpmath.eye(dim) / bridge.epsilon
        assert _norm(cross - target) * bridge.epsilon < mpmath.mpf("1e-25")


def test_bridge_marginals_drift_and_light_sb_parameters_are_consistent():
    a, A, b, B = _case(3, 7)
    bridge = gaussian_bridge(a, A, b, B, "0.7", dps=40)
    eps, C = bridge.epsilon, bridge.C
    with mpmath.workdps(50):
        for t in (mpmath.mpf("0.2"), mpmath.mpf("0.5"), mpmath.mpf("0.9")):
            m = bridge.drift_matrix(t)
            derivative = -2 * (1 - t) * bridge.A + 2 * t * bridge.B + (1 - 2 * t) * (C + C.T + eps * mpmath.eye(3))
            assert _norm(m + m.T + eps * mpmath.eye(3) - derivative) < mpmath.mpf("1e-30")
        mean0, cov0 = bridge.marginal(0)
        mean1, cov1 = bridge.marginal(1)
        assert _norm(cov0 - bridge.A) == 0 and _norm(cov1 - bridge.B) == 0
        assert _norm(mean0 - bridge.a) == 0 and _norm(mean1 - bridge.b) == 0
        s, _r = bridge.light_sb_parameters()
        _, cond_cov = bridge.conditional([0, 0, 0])
        assert _norm(eps * s - cond_cov) < mpmath.mpf("1e-30")  # ε S = B − CᵀA⁻¹C: the Gibbs form again
        assert _norm(s - s.T) < mpmath.mpf("1e-30")
        assert min(mpmath.eigsy(s)[0]) > 0


def test_drift_is_the_conditional_expectation_of_the_brownian_bridge_drift():
    # g(x, t) = (E[X1 | X_t = x] − x)/(1 − t), computed from the joint Gaussian of (X_t, X1)
    a, A, b, B = _case(2, 3)
    bridge = gaussian_bridge(a, A, b, B, "1.3", dps=40)
    t = mpmath.mpf("0.35")
    x = mpmath.matrix([mpmath.mpf("0.4"), mpmath.mpf("-1.1")])
    with mpmath.workdps(50):
        mean_t, cov_t = bridge.marginal(t)
        cov_1t = (1 - t) * bridge.C.T + t * bridge.B
        expected_end = bridge.b + cov_1t * mpmath.lu_solve(cov_t, x - mean_t)
        expected = (expected_end - x) / (1 - t)
        assert _norm(bridge.drift(x, t) - expected) < mpmath.mpf("1e-30")


def test_small_epsilon_recovers_the_monge_map():
    a, A, b, B = _case(3, 11)
    m, _, _ = monge_map(a, A, b, B, dps=40)
    with mpmath.workdps(50):
        for power in (4, 8):
            eps = mpmath.mpf(10) ** -power
            bridge = gaussian_bridge(a, A, b, B, eps, dps=40)
            # C = A M + O(ε): the coupling of the Monge map has Cov(X, T X) = A M
            assert _norm(bridge.C - bridge.A * m) < 10 * eps


def test_epsilon_conventions_convert_exactly():
    assert set(names(conventions.EPSILON)) == {"half_cost", "janati_sigma2", "full_cost", "diffusion_sigma"}
    assert resolve(conventions.EPSILON, "POT") == "full_cost"
    a, A, b, B = _case(2, 5)
    reference = gaussian_bridge(a, A, b, B, "0.4", dps=30)
    with mpmath.workdps(40):
        sigma = mpmath.sqrt(mpmath.mpf("0.4"))
    for name, value in (("janati", "0.4"), ("full_cost", "0.8"), ("torchcfm", sigma)):
        other = gaussian_bridge(a, A, b, B, value, convention=name, dps=30)
        with mpmath.workdps(40):
            assert _norm(other.C - reference.C) < mpmath.mpf("1e-28"), name
    with mpmath.workdps(40):
        assert abs(reference.value("janati") - 2 * reference.value()) < mpmath.mpf("1e-28")
    with pytest.raises(ValueError, match="convention must be one of"):
        gaussian_bridge(a, A, b, B, 1, convention="sigma_squared_over_two")


def test_w2_matches_pot_bures_wasserstein_and_the_monge_map_matches_pot():
    ot = pytest.importorskip("ot")
    a, A, b, B = _case(3, 2)
    w2 = float(w2_squared(a, A, b, B, dps=30))
    assert w2 == pytest.approx(float(ot.gaussian.bures_wasserstein_distance(a, b, A, B)) ** 2, rel=1e-12)
    linear, _ = ot.gaussian.bures_wasserstein_mapping(a, b, A, B)
    m, _, _ = monge_map(a, A, b, B, dps=30)
    # POT's mapping is applied to row vectors (x @ linear): its matrix is Mᵀ = M
    assert np.max(np.abs(linear - to_float_array(m))) < 1e-12 * np.max(np.abs(linear))


@pytest.mark.parametrize("eps", [0.1, 0.5, 3.0])
def test_pot_sinkhorn_on_a_1d_grid_agrees_with_the_closed_form(eps):
    ot = pytest.importorskip("ot")
    a, A, b, B = 0.3, 1.3, -0.5, 0.6
    x = np.linspace(a - 9 * np.sqrt(A), a + 9 * np.sqrt(A), 200)
    y = np.linspace(b - 9 * np.sqrt(B), b + 9 * np.sqrt(B), 200)
    p = np.exp(-((x - a) ** 2) / (2 * A))
    q = np.exp(-((y - b) ** 2) / (2 * B))
    p, q = p / p.sum(), q / q.sum()
    plan = ot.sinkhorn(p, q, (x[:, None] - y[None]) ** 2, reg=2 * eps, method="sinkhorn_log", stopThr=1e-13,
                       numItermax=100_000)
    cross = np.sum(plan * np.outer(x - p @ x, y - q @ y))
    expected = float(gaussian_bridge([a], [[A]], [b], [[B]], eps).C[0, 0])
    # a Gaussian sampled on a grid of spacing h keeps its moments up to exp(−2π²σ²/h²) (Poisson summation), so
    # the discrete plan's cross-covariance is the closed form to Sinkhorn's stopping threshold
    assert abs(cross - expected) < 1e-9 * abs(expected)


def test_bad_input_is_refused_with_the_argument_named():
    a, A, b, B = _case(2, 1)
    with pytest.raises(ValueError, match="epsilon must be > 0"):
        gaussian_bridge(a, A, b, B, 0)
    with pytest.raises(ValueError, match="epsilon must be > 0"):
        gaussian_bridge(a, A, b, B, -1.0)
    with pytest.raises(ValueError, match="A must be positive definite"):
        gaussian_bridge(a, np.diag([1.0, -1.0]), b, B, 1)
    with pytest.raises(ValueError, match="B must be symmetric"):
        gaussian_bridge(a, A, b, np.array([[1.0, 0.5], [0.0, 1.0]]), 1)
    with pytest.raises(ValueError, match="b must have the dimension of a"):
        gaussian_bridge(a, A, [0.0, 1.0, 2.0], B, 1)
    with pytest.raises(ValueError, match="B must be 2×2"):
        gaussian_bridge(a, A, b, np.eye(3), 1)
    with pytest.raises(ValueError, match="a\\[0\\] must be finite"):
        gaussian_bridge([float("nan"), 0.0], A, b, B, 1)
    with pytest.raises(TypeError, match="epsilon must be a real number"):
        gaussian_bridge(a, A, b, B, True)
    with pytest.raises(ValueError, match="t must lie in"):
        gaussian_bridge(a, A, b, B, 1).marginal(1.5)


def test_pot_sinkhorn_on_a_2d_grid_agrees_with_the_closed_form():
    ot = pytest.importorskip("ot")
    a, b = np.array([0.3, -0.2]), np.array([-0.5, 0.4])
    A, B = np.array([[1.3, 0.4], [0.4, 0.8]]), np.array([[0.6, -0.2], [-0.2, 0.9]])
    eps = 1.0

    def grid(mean, cov, n=24, width=8.0):
        s = np.sqrt(np.diag(cov))
        axes = [np.linspace(mean[i] - width * s[i], mean[i] + width * s[i], n) for i in range(2)]
        points = np.stack(np.meshgrid(*axes, indexing="ij"), -1).reshape(-1, 2)
        d = points - mean
        weights = np.exp(-0.5 * np.einsum("ni,ij,nj->n", d, np.linalg.inv(cov), d))
        return points, weights / weights.sum()

    x, p = grid(a, A)
    y, q = grid(b, B)
    plan = ot.sinkhorn(p, q, ot.dist(x, y), reg=2 * eps, method="sinkhorn_log", stopThr=1e-12, numItermax=100_000)
    cross = (x - p @ x).T @ plan @ (y - q @ y)
    expected = to_float_array(gaussian_bridge(a, A, b, B, eps).C)
    # a 24 × 24 tensor grid over ±8σ (spacing 0.7σ): the lattice keeps the Gaussian moments to exp(−2π²/0.5) and
    # Sinkhorn stops at 1e-12 — measured 2e-15; at ε = 0.5 the conditional spread needs a finer grid (1e-9 at 24)
    assert np.max(np.abs(cross - expected)) < 1e-12 * np.max(np.abs(expected))
