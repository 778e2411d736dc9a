"""The spectral property checks, driven by Hypothesis on assay's torch kernels (and shown to catch violations)."""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from assay.kernels import spectral as ks
from assay.properties import spectral as props
from assay.reference import spectral as ref

EPS = float(np.finfo(np.float64).eps)


def _sm(params):
    def kernel(tau, order=0):
        return ks.spectral_mixture_kernel(torch.as_tensor(tau, dtype=torch.float64), params["weights"],
                                          params["means"], params["scales"], order=order)
    return kernel


def _st(params, nu):
    def kernel(tau, order=0):
        return ks.student_t_mixture_kernel(torch.as_tensor(tau, dtype=torch.float64), params["weights"],
                                           params["means"], params["scales"], nu=nu, order=order)
    return kernel


@settings(max_examples=3)
@given(props.mixture_parameters(), props.lags())
def test_gaussian_kernel_properties(params, taus):
    kernel = _sm(params)
    mixture = ref.GaussianMixture(params["weights"], params["means"], params["scales"])
    k0 = sum(params["weights"])
    # k(0) is a sum of Q weights times exp(0)·cos(0) = 1 exactly: a few ulps of rounding in the sum.
    assert props.total_mass_error(kernel, mixture, dps=16) <= 4 * EPS
    # |ωτ| ≤ 2π·4·2 ≈ 50 and ατ² ≤ 2π²·1.5²·4 ≈ 180: cos/exp arguments carry ≈ (50 + 180)·ε absolute error.
    assert props.wiener_khinchin_error(kernel, mixture, taus[:1], dps=16) <= 400 * EPS
    assert props.symmetry_error(kernel, taus, k0) == 0.0  # τ enters as τ² and cos(ωτ): exactly even
    assert props.bound_violation(kernel, taus) <= 4 * EPS
    x = np.linspace(0, 2, 7)
    gram = kernel(x[:, None] - x[None, :])
    assert props.bochner_violation(gram) <= 50 * EPS  # eigenvalues of a PSD matrix to ≈ N·ε·‖G‖
    assert props.stationarity_error(lambda a, b: kernel(a[:, None] - b[None, :]), x, x[::-1], 0.375, k0) <= 400 * EPS
    for order in (2, 4):
        assert props.derivative_at_zero_error(kernel, mixture, order, dps=16) <= 16 * EPS
        assert props.derivative_continuity_error(kernel, mixture, order) <= 1e-6


@settings(max_examples=3)
@given(props.mixture_parameters(max_components=2), props.student_t_nu())
def test_student_t_kernel_properties(params, nu):
    kernel = _st(params, nu)
    mixture = ref.StudentTMixture(params["weights"], params["means"], params["scales"], nu)
    assert props.total_mass_error(kernel, mixture, dps=16) <= 4 * EPS
    assert props.bound_violation(kernel, [0.1, 0.5, -1.3]) <= 4 * EPS
    for order in sorted({0, min(2, nu - 1)}):  # k^(n) exists for n < ν
        assert props.derivative_at_zero_error(kernel, mixture, order, dps=16) <= 16 * EPS
        assert props.derivative_error(kernel, mixture, order, [0.2, -0.7]) <= 1e-12


@settings(max_examples=4)
@given(props.grids(dims=2, max_points=4), st.floats(1e-3, 1.0))
def test_kronecker_properties(grids, noise):
    mixtures = [ref.GaussianMixture([1.0], [0.5], [0.8]), ref.StudentTMixture([0.7], [0.2], [0.5], 5)]
    n = len(grids[0]) * len(grids[1])
    y = np.random.default_rng(n).standard_normal(n)

    def as_t(factors):
        return [torch.tensor(f) for f in factors]

    errors = props.kronecker_errors(
        mixtures, grids, y, noise,
        solve=lambda f, v, s: ks.kron_solve(as_t(f), torch.tensor(v), s),
        logdet=lambda f, s: ks.kron_logdet(as_t(f), s),
        quadratic_form=lambda f, v, s: ks.kron_quadratic_form(as_t(f), torch.tensor(v), s),
        matvec=lambda f, v: ks.kron_matvec(as_t(f), torch.tensor(v)),
    )
    assert max(errors.values()) <= 1e-10, errors


def test_checks_catch_violations():
    params = {"weights": [1.0], "means": [1.0], "scales": [0.3]}
    mixture = ref.GaussianMixture([1.0], [1.0], [0.3])
    good = _sm(params)

    def through_abs(tau, order=0):  # differentiate through |τ| with torch autograd: k''(0) comes out 0
        t = torch.as_tensor(tau, dtype=torch.float64).clone().requires_grad_(True)
        value = ks.spectral_mixture_kernel(t.abs(), [1.0], [1.0], [0.3])
        for _ in range(order):
            (value,) = torch.autograd.grad(value.sum(), t, create_graph=True)
        return value.detach()

    assert props.derivative_at_zero_error(through_abs, mixture, 2) > 0.99
    assert props.derivative_at_zero_error(good, mixture, 2) < 1e-14
    assert props.derivative_continuity_error(through_abs, mixture, 2) > 0.99
    not_a_covariance = lambda t: good(t).numpy() * (1 + 10 * np.abs(np.asarray(t)))  # noqa: E731
    assert props.bound_violation(not_a_covariance, [0.1]) > 0
    indefinite = np.array([[1.0, 2.0], [2.0, 1.0]])
    assert props.bochner_violation(indefinite) == 1 / 3

    def double_prior(x, y, log_w, means, scales, noise):
        return ks.log_weight_objective(x, y, log_w, means, scales, noise) + float(np.sum(log_w))

    x, y = [0.0, 0.5, 1.1], [0.2, -0.4, 0.9]
    two = ref.GaussianMixture([0.3, 0.5], [0.5, 1.0], [0.4, 0.2])
    assert props.objective_error(ks.log_weight_objective, two, x, y, 0.01) < 1e-12
    assert props.objective_error(double_prior, two, x, y, 0.01) > 0.1
