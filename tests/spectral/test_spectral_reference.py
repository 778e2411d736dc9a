"""The spectral references: closed forms against quadrature (Wiener–Khinchin) at 40 digits, derivative kernels
against numerical differentiation and spectral moments, dense GP algebra, conventions and conversions."""

from __future__ import annotations

import mpmath
import pytest

from assay.core import conventions
from assay.reference import spectral as ref
from assay.reference.spectral.mixtures import _matern

GAUSS = ref.GaussianMixture(["0.5", "1.5"], ["1", "3"], ["0.3", "0.7"])
STUDENT = ref.StudentTMixture(["0.5", "1.5"], ["1", "3"], ["0.3", "0.7"], 5)


@pytest.mark.parametrize(
    ("mixture", "tau"),
    [
        (GAUSS, "0"),
        (GAUSS, "0.37"),
        (STUDENT, "0"),
        pytest.param(STUDENT, "0.37", marks=pytest.mark.slow),  # quadosc at 40 digits: ~5 s
    ],
    ids=["gaussian-0", "gaussian-0.37", "student_t-0", "student_t-0.37"],
)
def test_closed_form_equals_inverse_fourier_transform_at_40_digits(mixture, tau):
    # Done-when criterion: closed form = mpmath quadrature of the spectral density to 1e-30 at 40 digits.
    with mpmath.workdps(45):
        closed = ref.covariance(mixture, tau, dps=40)
        quadrature = ref.covariance_by_quadrature(mixture, tau, dps=40)
        assert abs(closed - quadrature) <= mpmath.mpf("1e-30")


def test_student_t_closed_form_equals_oscillatory_quadrature():
    single = ref.StudentTMixture(["1.5"], ["3"], ["0.7"], 5)
    with mpmath.workdps(25):
        difference = ref.covariance(single, "0.37", dps=20) - ref.covariance_by_quadrature(single, "0.37", dps=20)
        assert abs(difference) <= mpmath.mpf("1e-17")


def test_total_mass_is_sum_of_weights():
    with mpmath.workdps(35):
        mass = ref.density_integral(GAUSS, lambda s: 1, dps=30)
        assert abs(mass - 2) < mpmath.mpf("1e-28")
        assert ref.covariance(STUDENT, 0, dps=30) == 2


@pytest.mark.parametrize("mixture", [GAUSS, STUDENT], ids=["gaussian", "student_t"])
@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_derivative_closed_forms_match_numerical_differentiation(mixture, order):
    with mpmath.workdps(40):
        for tau in ("0.3", "-1.1"):
            closed = ref.covariance_derivative(mixture, tau, order, dps=30)
            numeric = ref.covariance_by_differentiation(mixture, tau, order, dps=30)
            assert abs(closed - numeric) <= mpmath.mpf("1e-25") * max(1, abs(closed))


@pytest.mark.parametrize("mixture", [GAUSS, STUDENT], ids=["gaussian", "student_t"])
@pytest.mark.parametrize("order", [0, 1, 2, 3, 4])
def test_derivatives_at_zero_equal_spectral_moments(mixture, order):
    with mpmath.workdps(30):
        closed = ref.covariance_derivative(mixture, 0, order, dps=20)
        moment = ref.spectral_moment(mixture, order, dps=20)
        assert abs(closed - moment) <= mpmath.mpf("1e-17") * max(1, abs(closed))
        if order % 2:
            assert closed == 0  # odd derivatives vanish at 0 exactly


def test_note_formulas_at_zero():
    with mpmath.workdps(30):
        sigma, mu, rho = mpmath.mpf("0.3"), mpmath.mpf(1), mpmath.mpf("0.7")
        alpha, omega = 2 * mpmath.pi**2 * sigma**2, 2 * mpmath.pi * mu
        g = ref.GaussianMixture([1], [1], ["0.3"])
        assert abs(ref.covariance_derivative(g, 0, 2) + 2 * alpha + omega**2) < mpmath.mpf("1e-25")
        assert abs(ref.covariance_derivative(g, 0, 4) - (12 * alpha**2 + 12 * alpha * omega**2 + omega**4)) < 1e-22
        lam = mpmath.sqrt(5) * 2 * mpmath.pi * rho
        t = ref.StudentTMixture([1], [1], ["0.7"], 5)
        assert abs(ref.covariance_derivative(t, 0, 2) + lam**2 / 3 + omega**2) < mpmath.mpf("1e-25")
        assert abs(ref.covariance_derivative(t, 0, 4) - (lam**2 + omega**2) ** 2) < mpmath.mpf("1e-20")


@pytest.mark.parametrize("nu", [1, 3, 5, 7])
def test_matern_closed_form_equals_bessel_form(nu):
    with mpmath.workdps(40):
        for r in ("0.01", "0.4", "2.5"):
            closed = _matern(mpmath.mpf(nu), mpmath.mpf(r), mpmath.mpf("0.7"), (nu - 1) // 2)
            bessel = _matern(mpmath.mpf(nu), mpmath.mpf(r), mpmath.mpf("0.7"), None)
            assert abs(closed - bessel) < mpmath.mpf("1e-35")


def test_non_integer_nu_uses_bessel_and_refuses_derivatives():
    t = ref.StudentTMixture([1], [0], [1], 4)
    assert ref.max_derivative_order(t) == 3
    with mpmath.workdps(30):
        assert 0 < ref.covariance(t, "0.2") < 1
        quad = ref.covariance_by_quadrature(t, "0.2", dps=20)
        assert abs(ref.covariance(t, "0.2", dps=20) - quad) < mpmath.mpf("1e-15")
    with pytest.raises(ValueError, match="odd integer nu"):
        ref.covariance_derivative(t, "0.2", 2)


def test_derivative_order_limit_for_student_t():
    with pytest.raises(ValueError, match="order must be <= 4"):
        ref.covariance_derivative(STUDENT, "0.1", 5)


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        (([0.0], [1.0], [0.3]), ValueError, "weights\\[0\\] must be > 0"),
        (([1.0], [1.0], [-0.3]), ValueError, "scales\\[0\\] must be > 0"),
        (([float("nan")], [1.0], [0.3]), ValueError, "weights\\[0\\] must be finite"),
        (([1.0, 2.0], [1.0], [0.3]), ValueError, "same length"),
        (([], [], []), ValueError, "weights must not be empty"),
        ((["x"], [1.0], [0.3]), TypeError, "weights\\[0\\] must be a real number"),
    ],
)
def test_bad_mixture_parameters_are_refused(args, error, match):
    with pytest.raises(error, match=match):
        ref.GaussianMixture(*args)


def test_bad_nu_and_tau_refused():
    with pytest.raises(ValueError, match="nu must be > 0"):
        ref.StudentTMixture([1], [0], [1], -1)
    with pytest.raises(ValueError, match="tau must be finite"):
        ref.covariance(GAUSS, float("inf"))
    with pytest.raises(TypeError, match="mixture must be"):
        ref.covariance("not a mixture", 0)


def test_conventions_registered_with_conversions():
    assert conventions.default("spectral.parameterization").name == "assay"
    assert conventions.resolve("spectral.parameterization", "GP-HM") == "gphm"
    assert conventions.resolve("spectral.multidim", "gpytorch") == "shared_weights_product"
    assert conventions.default("spectral.noise").name == "total"
    for kind in ("spectral.parameterization", "spectral.multidim", "spectral.kronecker_order", "spectral.noise"):
        for name in conventions.names(kind):
            convention = conventions.get(kind, name)
            assert convention.formula and (convention.default or convention.conversion)


def test_gphm_round_trip_and_meaning():
    with mpmath.workdps(30):
        log_w, log_ls, freq = ref.to_gphm(GAUSS)
        back = ref.from_gphm(log_w, log_ls, freq, "gaussian")
        for tau in ("0", "0.4"):
            assert abs(ref.covariance(back, tau) - ref.covariance(GAUSS, tau)) < mpmath.mpf("1e-25")
        # e^{log-ls} = 2π²σ² is the precision of the Gaussian envelope: exp(−e^{log-ls} τ²)
        assert abs(mpmath.exp(log_ls[0]) - 2 * mpmath.pi**2 * mpmath.mpf("0.3") ** 2) < mpmath.mpf("1e-25")
        log_w, log_ls, freq = ref.to_gphm(STUDENT)
        back = ref.from_gphm(log_w, log_ls, freq, "student_t", nu=5)
        assert abs(ref.covariance(back, "0.4") - ref.covariance(STUDENT, "0.4")) < mpmath.mpf("1e-25")


def test_gpytorch_matern_conversion():
    with mpmath.workdps(30):
        m = ref.from_gpytorch_matern("0.8", "2.5")
        assert m.nu == 5
        r = mpmath.mpf("0.3")
        z = mpmath.sqrt(5) * r / mpmath.mpf("0.8")
        matern52 = (1 + z + z**2 / 3) * mpmath.exp(-z)
        assert abs(ref.covariance(m, r) - matern52) < mpmath.mpf("1e-25")
        ell, eta = ref.to_gpytorch_matern(m)
        assert abs(ell - mpmath.mpf("0.8")) < mpmath.mpf("1e-25") and eta == mpmath.mpf("2.5")


GRIDS = [["0", "0.3", "0.6"], ["0", "0.5"]]
MIX2 = [ref.GaussianMixture([1], ["0.5"], ["0.8"]), ref.StudentTMixture(["0.7"], ["0.2"], ["0.5"], 5)]
Y6 = ["0.3", "-1.2", "0.5", "2.0", "-0.7", "0.1"]


def test_grid_covariance_is_row_major_kronecker():
    with mpmath.workdps(30):
        k = ref.grid_covariance(MIX2, GRIDS)
        factors = [ref.grid_covariance([m], [g]) for m, g in zip(MIX2, GRIDS)]
        kron = ref.kronecker_dense(factors)
        assert mpmath.mnorm(k - kron, 1) < mpmath.mpf("1e-28")
        # point (i1, i2) = (1, 0) is index 2 (the last dimension varies fastest)
        assert ref.grid_points(GRIDS)[2] == (mpmath.mpf("0.3"), mpmath.mpf(0))


def test_dense_gp_algebra_consistent():
    with mpmath.workdps(40):
        k = ref.grid_covariance(MIX2, GRIDS, dps=35)
        noise = mpmath.mpf("0.01")
        x = ref.gp_solve(k, Y6, noise, dps=35)
        a = k + noise * mpmath.eye(6)
        residual = a * mpmath.matrix(x) - mpmath.matrix([mpmath.mpf(v) for v in Y6])
        assert mpmath.mnorm(residual, 1) < mpmath.mpf("1e-30")
        assert abs(ref.gp_logdet(k, noise, dps=35) - mpmath.log(mpmath.det(a))) < mpmath.mpf("1e-30")
        quad = ref.gp_quadratic_form(k, Y6, noise, dps=35)
        assert abs(quad - mpmath.fsum(mpmath.mpf(v) * xi for v, xi in zip(Y6, x))) < mpmath.mpf("1e-30")
        nll = ref.gp_negative_log_likelihood(k, Y6, noise, dps=35)
        assert abs(nll - (quad / 2 + mpmath.log(mpmath.det(a)) / 2 + 3 * mpmath.log(2 * mpmath.pi))) < 1e-30


def test_predictive_mean_interpolates_without_noise_and_derivative_operator():
    with mpmath.workdps(35):
        points = ref.grid_points(GRIDS)
        mean = ref.gp_predictive_mean(MIX2, GRIDS, Y6, points, noise=0, dps=30)
        assert max(abs(m - mpmath.mpf(v)) for m, v in zip(mean, Y6)) < mpmath.mpf("1e-25")
        d = ref.derivative_operator(MIX2, GRIDS, [2, 0], dps=30)
        derivative = d * mpmath.matrix([mpmath.mpf(v) for v in Y6])
        direct = ref.gp_predictive_mean(MIX2, GRIDS, Y6, points, noise=0, orders=[2, 0], dps=30)
        assert max(abs(a - b) for a, b in zip(derivative, direct)) < mpmath.mpf("1e-22")


def test_dense_algebra_refuses_bad_input():
    k = ref.grid_covariance(MIX2, GRIDS)
    with pytest.raises(ValueError, match="y must have 6 entries"):
        ref.gp_solve(k, ["1"] * 5)
    with pytest.raises(ValueError, match="noise must be >= 0"):
        ref.gp_logdet(k, -1)
    with pytest.raises(ValueError, match="one entry per dimension"):
        ref.grid_covariance(MIX2, GRIDS[:1])
    with pytest.raises(ValueError, match="not positive definite"):
        ref.gp_logdet(-k, 0)
