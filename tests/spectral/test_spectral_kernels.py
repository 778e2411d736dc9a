"""The torch kernels against the references: covariances and derivative kernels (float64, float32, CUDA when
present), Kronecker algebra against dense mpmath algebra, FLOP counts, the objective, and bad input."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import torch

from assay.core.flops import count_flops, fit_loglog_exponent
from assay.kernels import spectral as ks
from assay.reference import spectral as ref

W, MU, S = [0.5, 1.5], [1.0, 3.0], [0.3, 0.7]
TAUS = [0.0, 1e-12, -1e-12, 1e-6, 0.3, -0.3, 0.77, -1.7, 2.5]
DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


def _reference(kind: str, order: int) -> np.ndarray:
    mixture = ref.GaussianMixture(W, MU, S) if kind == "gaussian" else ref.StudentTMixture(W, MU, S, 5)
    return np.array([float(ref.covariance_derivative(mixture, t, order, dps=30)) for t in TAUS])


def _kernel(kind: str, tau: torch.Tensor, order: int) -> torch.Tensor:
    if kind == "gaussian":
        return ks.spectral_mixture_kernel(tau, W, MU, S, order=order)
    return ks.student_t_mixture_kernel(tau, W, MU, S, nu=5, order=order)


def _bound(dtype: torch.dtype, order: int) -> float:
    # Error relative to the scale |k^(2⌈n/2⌉)(0)|: the inputs τ, μ, σ are exact, so the error comes from rounding
    # 2πμ, α = 2π²σ² and the products inside cos/exp: |Δ(ωτ)| ≲ 2ε|ωτ| with |ωτ| ≤ 2π·3·2.5 ≈ 47, and the
    # Leibniz sum of order n has n+1 terms of size ≤ the scale. Bound: 4·(n+1)·(1 + 47)·ε ≈ 200(n+1)ε.
    eps = torch.finfo(dtype).eps
    return 200 * (order + 1) * eps


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("kind", ["gaussian", "student_t"])
@pytest.mark.parametrize("order", [0, 1, 2, 3, 4])
def test_kernels_match_closed_form_reference(device, dtype, kind, order):
    tau = torch.tensor(TAUS, dtype=dtype, device=device)
    actual = _kernel(kind, tau, order)
    assert actual.dtype == dtype and actual.device.type == device and actual.shape == tau.shape
    expected = _reference(kind, order)
    mixture = ref.GaussianMixture(W, MU, S) if kind == "gaussian" else ref.StudentTMixture(W, MU, S, 5)
    scale = abs(float(ref.covariance_derivative(mixture, 0, order + order % 2)))
    # float32 inputs τ are themselves rounded; compare against the reference at the rounded τ
    if dtype == torch.float32:
        rounded = tau.double().cpu().tolist()
        expected = np.array([float(ref.covariance_derivative(mixture, t, order, dps=30)) for t in rounded])
    error = np.max(np.abs(actual.double().cpu().numpy() - expected)) / scale
    assert error <= _bound(dtype, order), error


@pytest.mark.parametrize("kind", ["gaussian", "student_t"])
def test_derivative_kernels_at_zero_are_not_the_abs_value_artifact(kind):
    tau = torch.zeros(1, dtype=torch.float64)
    k2 = float(_kernel(kind, tau, 2))
    mixture = ref.GaussianMixture(W, MU, S) if kind == "gaussian" else ref.StudentTMixture(W, MU, S, 5)
    assert k2 == pytest.approx(float(ref.spectral_moment(mixture, 2, dps=20)), rel=1e-13)
    assert k2 < -100  # differentiating through |τ| in torch would give exactly 0
    assert float(_kernel(kind, tau, 1)) == 0.0 and float(_kernel(kind, tau, 3)) == 0.0


def test_student_t_orders_and_nu_are_checked():
    with pytest.raises(ValueError, match="order must be <= 4"):
        ks.student_t_mixture_kernel(torch.zeros(1), W, MU, S, nu=5, order=5)
    with pytest.raises(ValueError, match="odd positive integer"):
        ks.student_t_mixture_kernel(torch.zeros(1), W, MU, S, nu=4)
    with pytest.raises(TypeError, match="odd positive integer"):
        ks.student_t_mixture_kernel(torch.zeros(1), W, MU, S, nu=2.5)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"weights": [0.5, -1.0]}, ValueError, "weights must be > 0"),
        ({"scales": [0.3, 0.0]}, ValueError, "scales must be > 0"),
        ({"means": [1.0, float("nan")]}, ValueError, "means must be finite"),
        ({"means": [1.0]}, ValueError, "same length"),
        ({"tau": torch.tensor([float("nan")])}, ValueError, "tau must be finite"),
        ({"tau": "abc"}, TypeError, "tau must be a tensor"),
        ({"order": -1}, ValueError, "order must be >= 0"),
        ({"order": 1.5}, TypeError, "order must be a non-negative int"),
    ],
)
def test_bad_kernel_input_refused(kwargs, error, match):
    args = {"tau": torch.zeros(3, dtype=torch.float64), "weights": W, "means": MU, "scales": S, "order": 0} | kwargs
    with pytest.raises(error, match=match):
        ks.spectral_mixture_kernel(**args)


def test_gram_matches_pairwise():
    x = torch.linspace(0, 1, 5, dtype=torch.float64)
    g = ks.gram(ks.spectral_mixture_kernel, x, order=2, weights=W, means=MU, scales=S)
    assert torch.equal(g, ks.spectral_mixture_kernel(x[:, None] - x[None, :], W, MU, S, order=2))


# ---- Kronecker algebra ---------------------------------------------------------------------------------------
MIXES = [ref.GaussianMixture([1.0], [0.5], [0.8]), ref.StudentTMixture([0.7], [0.2], [0.5], 5),
         ref.GaussianMixture([1.2, 0.4], [0.0, 1.0], [0.4, 0.3])]
GRIDS = [[0.0, 0.3, 0.6, 0.9], [0.0, 0.5, 1.0], [0.0, 0.4]]


def _factors(dims: int) -> list[torch.Tensor]:
    out = []
    for m, g in zip(MIXES[:dims], GRIDS[:dims]):
        out.append(torch.tensor([[float(ref.covariance(m, a - b)) for b in g] for a in g], dtype=torch.float64))
    return out


def _dense_reference(dims: int) -> mpmath.matrix:
    grids = [[repr(v) for v in g] for g in GRIDS[:dims]]
    return ref.grid_covariance(MIXES[:dims], grids, dps=30)


@pytest.mark.parametrize("dims", [1, 2, 3])
@pytest.mark.parametrize("noise", [1e-3, 0.1])
def test_kronecker_equals_dense_reference(dims, noise):
    # Bound 1e-10 relative (the criterion): the factors are float64 roundings of the kernel (relative 1e-16)
    # and cond(K + noise·I) ≤ N·k(0)/noise ≤ 24·1.6/1e-3 ≈ 4e4, so the solve is good to ~1e-11.
    factors = _factors(dims)
    dense = _dense_reference(dims)
    n = dense.rows
    y = torch.tensor(np.random.default_rng(dims).standard_normal(n), dtype=torch.float64)
    with mpmath.workdps(30):
        x_ref = np.array([float(v) for v in ref.gp_solve(dense, y.tolist(), noise)])
        ld_ref = float(ref.gp_logdet(dense, noise))
        q_ref = float(ref.gp_quadratic_form(dense, y.tolist(), noise))
        mv_ref = np.array([float(v) for v in dense * mpmath.matrix(y.tolist())])
    assert np.max(np.abs(ks.kron_solve(factors, y, noise).numpy() - x_ref)) / np.max(np.abs(x_ref)) <= 1e-10
    assert abs(float(ks.kron_logdet(factors, noise)) - ld_ref) / max(abs(ld_ref), n) <= 1e-10
    assert abs(float(ks.kron_quadratic_form(factors, y, noise)) - q_ref) / abs(q_ref) <= 1e-10
    assert np.max(np.abs(ks.kron_matvec(factors, y).numpy() - mv_ref)) / np.max(np.abs(mv_ref)) <= 1e-13
    # several right-hand sides at once
    two = torch.stack([y, 2 * y], dim=1)
    assert torch.allclose(ks.kron_solve(factors, two, noise)[:, 1], 2 * ks.kron_solve(factors, y, noise), rtol=1e-12)


def test_per_factor_jitter_is_not_total_noise():
    factors = _factors(2)
    eps = 0.05
    dense = ks.kron_dense(factors)
    per_factor_dense = ks.kron_dense([f + eps * torch.eye(f.shape[0], dtype=f.dtype) for f in factors])
    y = torch.linspace(-1, 1, dense.shape[0], dtype=torch.float64)
    assert float(ks.kron_logdet_per_factor_jitter(factors, eps)) == pytest.approx(
        float(torch.logdet(per_factor_dense)), rel=1e-12)
    assert torch.allclose(ks.kron_solve_per_factor_jitter(factors, y, eps), torch.linalg.solve(per_factor_dense, y),
                          rtol=1e-10)
    total = float(torch.logdet(dense + eps * torch.eye(dense.shape[0], dtype=dense.dtype)))
    assert abs(float(ks.kron_logdet_per_factor_jitter(factors, eps)) - total) > 0.1


def test_kronecker_derivative_and_prediction_match_dense_reference():
    grids = [[repr(v) for v in g] for g in GRIDS[:2]]
    factors = _factors(2)
    u = torch.tensor([0.3, -1.2, 0.5, 2.0, -0.7, 0.1, 0.9, -0.4, 1.1, 0.0, -2.0, 0.6], dtype=torch.float64)
    d2 = torch.tensor([[float(ref.covariance_derivative(MIXES[0], a - b, 2)) for b in GRIDS[0]] for a in GRIDS[0]],
                      dtype=torch.float64)
    with mpmath.workdps(35):
        dense = ref.derivative_operator(MIXES[:2], grids, [2, 0], dps=30)
        expected = np.array([float(v) for v in dense * mpmath.matrix(u.tolist())])
    actual = ks.kron_derivative(factors, d2, u, dim=0)
    # cond(K_1) ≈ 1e3 for this grid; the dense reference is exact: bound 1e-10 relative to max|expected|
    assert np.max(np.abs(actual.numpy() - expected)) / np.max(np.abs(expected)) <= 1e-10
    grid_shaped = ks.kron_derivative(factors, d2, u.reshape(4, 3), dim=0)
    assert torch.equal(grid_shaped.reshape(-1), actual)
    new = [[0.15, 0.7], [0.25, 0.8]]
    cross = [torch.tensor([[float(ref.covariance(m, a - b)) for b in g] for a in n], dtype=torch.float64)
             for m, g, n in zip(MIXES, GRIDS, new)]
    pred = ks.kron_predict(cross, factors, u, 0.01)
    points = [(a, b) for a in new[0] for b in new[1]]
    with mpmath.workdps(35):
        expected_pred = np.array([float(v) for v in ref.gp_predictive_mean(
            MIXES[:2], grids, u.tolist(), [(repr(a), repr(b)) for a, b in points], noise="0.01", dps=30)])
    assert np.max(np.abs(pred.numpy() - expected_pred)) / np.max(np.abs(expected_pred)) <= 1e-10


def test_kronecker_bad_input_refused():
    factors = _factors(2)
    with pytest.raises(ValueError, match=r"y must have shape \(12,\)"):
        ks.kron_solve(factors, torch.zeros(11, dtype=torch.float64), 0.1)
    with pytest.raises(ValueError, match="noise must be finite and >= 0"):
        ks.kron_logdet(factors, -1.0)
    with pytest.raises(ValueError, match="must be a square 2-D tensor"):
        ks.kron_logdet([torch.zeros(2, 3, dtype=torch.float64)], 0.1)
    with pytest.raises(ValueError, match="not positive definite"):
        ks.kron_logdet([-factors[0], factors[1]], 0.0)  # (−K1)⊗(−K2) would be positive definite
    with pytest.raises(ValueError, match="factors\\[0\\] must be finite"):
        ks.kron_solve([torch.full((2, 2), float("nan"), dtype=torch.float64)], torch.zeros(2, dtype=torch.float64))
    with pytest.raises(TypeError, match="share one dtype"):
        ks.kron_logdet([factors[0], factors[1].float()], 0.1)
    with pytest.raises(ValueError, match="dim must be an int"):
        ks.kron_derivative(factors, factors[0], torch.zeros(12, dtype=torch.float64), dim=2)


def test_matvec_flops_scale_as_n_sum_of_sides():
    # 2 N Σ n_d FLOPs (mode products), not 2 N² — on a D-dimensional grid O(D N^{(D+1)/D}).
    sizes, counts = [], []
    for n in (8, 16, 32):
        factors = [torch.eye(n, dtype=torch.float64)] * 2
        v = torch.zeros(n * n, dtype=torch.float64)
        flops = count_flops(ks.kron_matvec, factors, v)
        assert flops == 2 * (n * n) * (2 * n)
        sizes.append(n * n)
        counts.append(flops)
    assert fit_loglog_exponent(sizes, counts) == pytest.approx(1.5, abs=1e-9)


def test_log_weight_objective_matches_reference_nll():
    x = [0.0, 0.4, 0.9, 1.3, 2.0]
    y = [0.5, -0.3, 1.1, 0.2, -0.8]
    mixture = ref.GaussianMixture([0.3, 2.0], [0.5, 1.5], [0.4, 0.2])
    with mpmath.workdps(35):
        k = ref.grid_covariance([mixture], [[repr(v) for v in x]], dps=30)
        expected = float(ref.gp_negative_log_likelihood(k, y, "0.01", dps=30))
    actual = ks.log_weight_objective(torch.tensor(x, dtype=torch.float64), torch.tensor(y, dtype=torch.float64),
                                     torch.log(torch.tensor([0.3, 2.0], dtype=torch.float64)), [0.5, 1.5], [0.4, 0.2],
                                     0.01)
    assert float(actual) == pytest.approx(expected, rel=1e-12)
    factors = [torch.tensor([[float(ref.covariance(mixture, a - b)) for b in x] for a in x], dtype=torch.float64)]
    assert float(ks.kronecker_objective(factors, torch.tensor(y, dtype=torch.float64), 0.01)) == pytest.approx(
        expected, rel=1e-12)


def test_gaussian_kernel_k0_equals_weight_sum_exactly():
    assert float(ks.spectral_mixture_kernel(torch.zeros(1, dtype=torch.float64), W, MU, S)) == math.fsum(W)
