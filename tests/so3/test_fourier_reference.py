"""The exact SH ↔ torus Fourier transforms (assay.reference.so3.fourier) and the reference Gaunt tensor product."""

from __future__ import annotations

import cmath
import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from assay.core.exact import SqrtRational
from assay.properties.so3.tensor_product_checks import transform_sh_error
from assay.reference.so3.fourier import (
    fourier_to_sh,
    legendre_fourier_series,
    normalization_constant,
    projection_integrals,
    sh_to_fourier,
    to_complex,
    torus_angles,
)
from assay.reference.so3.harmonics import spherical_harmonic
from assay.reference.so3.tensor_product import gaunt_coupling_entries, gaunt_tensor_product
from assay.reference.so3.wigner import wigner_small_d_half_pi_exact

ZERO = SqrtRational.zero()


def _numeric(basis: str, normalization: str = "integral"):
    def coefficients(l: int, m: int) -> dict[tuple[int, int], complex]:
        return {key: to_complex(value) for key, value in sh_to_fourier(l, m, basis, normalization).items()}

    return coefficients


def _i_power(power: int) -> tuple[int, int]:
    return ((1, 0), (0, 1), (-1, 0), (0, -1))[power % 4]


@pytest.mark.parametrize("basis", ["real", "complex"])
def test_projection_inverts_the_transform_exactly(basis):
    # Σ_{u,v} c^{l,m}_{u,v} p^{l',m'}_{u,v} = δ in exact arithmetic (every term shares the radical of N N')
    lmax, umax = 4, 6
    for l in range(lmax + 1):
        for m in range(-l, l + 1):
            forward = sh_to_fourier(l, m, basis)
            for l2 in range(lmax + 1):
                for m2 in range(-l2, l2 + 1):
                    back = fourier_to_sh(l2, m2, umax, basis)
                    re = im = ZERO
                    for key, (a_re, a_im) in forward.items():
                        if key in back:
                            b_re, b_im = back[key]
                            re = re + (a_re * b_re - a_im * b_im)
                            im = im + (a_re * b_im + a_im * b_re)
                    expected = 1 if (l, m) == (l2, m2) else 0
                    assert (re, im) == (SqrtRational.from_rational(expected), ZERO), (l, m, l2, m2, re, im)


@pytest.mark.parametrize(("basis", "polar_axis"), [("real", "z"), ("real", "y"), ("complex", "z")])
def test_torus_series_reproduces_the_declared_harmonics(basis, polar_axis):
    # float64 sums of correctly rounded coefficients against the float64 reference recurrence
    summary = transform_sh_error(_numeric(basis), 10, basis=basis, polar_axis=polar_axis, points=24, seed=3)
    assert summary.max <= 1e-14, str(summary)


@pytest.mark.parametrize("normalization", ["component", "norm"])
def test_normalizations_scale_the_series(normalization):
    summary = transform_sh_error(_numeric("real", normalization), 5, normalization=normalization, points=16)
    assert summary.max <= 1e-14, str(summary)


def test_series_is_exact_at_high_precision():
    # the exact coefficients summed at 40 digits agree with the mpmath reference harmonic to 1e-35
    with mpmath.workdps(40):
        theta, phi = mpmath.mpf("0.7310585786300049"), mpmath.mpf("2.2")
        for l, m in [(0, 0), (3, -2), (7, 5), (12, -11)]:
            total = mpmath.mpc(0)
            for (u, v), (re, im) in sh_to_fourier(l, m, "complex").items():
                total += mpmath.mpc(re.to_mpmath(45), im.to_mpmath(45)) * mpmath.expj(u * theta + v * phi)
            expected = spherical_harmonic(l, m, theta, phi, basis="complex", dps=40)
            assert abs(total - expected) <= mpmath.mpf(10) ** -35


def test_e3nn_harmonics_have_the_same_coefficients_in_e3nn_angles():
    torch = pytest.importorskip("torch")
    o3 = pytest.importorskip("e3nn.o3")

    def e3nn_sh(l: int, xyz: np.ndarray) -> np.ndarray:
        values = o3.spherical_harmonics(l, torch.from_numpy(xyz), normalize=True, normalization="integral")
        return values.numpy()

    summary = transform_sh_error(_numeric("real"), 8, polar_axis="y", points=24, sh_fn=e3nn_sh)
    assert summary.max <= 1e-13, str(summary)


def test_sign_flipped_negative_orders_are_caught_by_the_values_only():
    # the official GTP code's basis: every m < 0 component negated
    def flipped(l: int, m: int) -> dict[tuple[int, int], complex]:
        return {key: (-value if m < 0 else value) for key, value in _numeric("real")(l, m).items()}

    assert transform_sh_error(flipped, 3).max >= 1.0
    # ... while the Gaunt product cannot see it: every non-zero real Gaunt coefficient has an even number of m < 0
    degrees = [math.isqrt(i) for i in range(81)]
    orders = [i - d * d - d for i, d in enumerate(degrees)]
    for i1, i2, i3, _ in gaunt_coupling_entries(3, 3, 6):
        assert (int(orders[i1] < 0) + int(orders[i2] < 0) + int(orders[i3] < 0)) % 2 == 0


def test_closed_form_of_the_notes_holds_exactly():
    # c^{l,m}_u = √((2l+1)/(4π)) · i^{−m} · Δ^l_{u,m} · Δ^l_{u,0}, Δ^l = d^l(π/2), complex Condon–Shortley basis
    for l in range(7):
        delta = wigner_small_d_half_pi_exact(l)
        prefactor = SqrtRational.sqrt(Fraction(2 * l + 1, 4), pi_power=-1)
        for m in range(-l, l + 1):
            series = sh_to_fourier(l, m, "complex")
            re, im = _i_power(-m)
            for u in range(-l, l + 1):
                value = prefactor * delta[u + l, m + l] * delta[u + l, l]
                expected = (value * re if re else ZERO, value * im if im else ZERO)
                assert series.get((u, m), (ZERO, ZERO)) == expected, (l, m, u)


def _legendre_without_phase(l: int, k: int):
    """``P̄_l^k(cos t) = sin^k t · (d^k P_l/dx^k)(cos t)`` as an mpmath function of t (sympy polynomial)."""
    import sympy

    x = sympy.Symbol("x")
    derivative = sympy.lambdify(x, sympy.diff(sympy.legendre(l, x), x, k), "mpmath")
    return lambda t: mpmath.sin(t) ** k * derivative(mpmath.cos(t))


@pytest.mark.parametrize(("l", "k"), [(0, 0), (3, 1), (6, 4)])
def test_legendre_series_and_projection_integrals_against_quadrature(l, k):
    legendre = _legendre_without_phase(l, k)
    series = legendre_fourier_series(l, k)
    assert all((u - l) % 2 == 0 and abs(u) <= l for u in series)
    for theta in (0.9, 2.5, 4.0):  # 4.0 > π: the torus extension continues the formula with signed sin θ
        value = sum(float(r) * cmath.exp(1j * u * theta) for u, r in series.items()) * (1j) ** (-k)
        expected = complex(legendre(mpmath.mpf(theta)))
        assert abs(value - expected) <= 1e-13 * max(1.0, abs(expected))
    with mpmath.workdps(20):
        for u, rho in projection_integrals(l, k, l + 3).items():
            exact = mpmath.quad(lambda t, u=u: mpmath.expj(u * t) * legendre(t) * mpmath.sin(t), [0, mpmath.pi])
            got = complex(float(rho), 0) * (1j) ** (-k)
            assert abs(got - complex(exact)) <= 1e-13 * max(1.0, abs(exact)), (l, k, u)


def test_normalization_constant_is_exact():
    assert normalization_constant(2, 1) == SqrtRational.sqrt(Fraction(5 * 1, 4 * 6), pi_power=-1)
    assert float(normalization_constant(0, 0, "component")) == 1.0


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: sh_to_fourier(-1, 0), ValueError),
        (lambda: sh_to_fourier(2, 3), ValueError),
        (lambda: sh_to_fourier(2, 0, basis="spherical"), ValueError),
        (lambda: sh_to_fourier(1.5, 0), ValueError),
        (lambda: fourier_to_sh(2, 1, -1), ValueError),
        (lambda: legendre_fourier_series(3, -1), ValueError),
        (lambda: torus_angles(np.zeros((2, 3))), ValueError),
        (lambda: torus_angles(np.ones((2, 2))), ValueError),
        (lambda: sh_to_fourier(True, 0), TypeError),
    ],
)
def test_bad_input_is_refused(call, error):
    with pytest.raises(error):
        call()


def test_torus_angles_of_both_polar_axes():
    theta, phi = torus_angles(np.array([[0.0, 0.0, 2.0], [0.0, 1.0, 0.0]]))
    assert theta[0] == 0.0 and theta[1] == pytest.approx(math.pi / 2) and phi[1] == pytest.approx(math.pi / 2)
    theta, phi = torus_angles(np.array([[0.0, 3.0, 0.0], [1.0, 0.0, 0.0]]), "e3nn")
    assert theta[0] == 0.0 and theta[1] == pytest.approx(math.pi / 2) and phi[1] == pytest.approx(math.pi / 2)


# ---- the reference Gaunt tensor product ----------------------------------------------------------------------


def _direct_float(x, y, lmax1, lmax2, lmax_out):
    z = np.zeros((lmax_out + 1) ** 2)
    for i1, i2, i3, value in gaunt_coupling_entries(lmax1, lmax2, lmax_out):
        z[i3] += float(value) * x[i1] * y[i2]
    return z


def test_reference_product_matches_a_direct_float_sum_and_truncates():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal(9), rng.standard_normal(16)
    full = gaunt_tensor_product(x, y, 2, 3)
    assert full.shape == (36,)
    assert np.abs(full - _direct_float(x, y, 2, 3, 5)).max() <= 1e-14
    truncated = gaunt_tensor_product(x, y, 2, 3, lmax_out=3)
    assert np.array_equal(truncated, full[:16])


def test_reference_product_at_high_precision_and_exact_zeros():
    x = [0, Fraction(1, 3), 0.5, -2]  # degree 1 only (plus a zero l = 0)
    y = [0, 1, Fraction(-2, 7), 0.25]
    z = gaunt_tensor_product(x, y, 1, 1, dps=40)
    assert all(isinstance(v, mpmath.mpf) for v in z)
    # the degree-1 output of a (1, 1) product is an odd path: exactly zero
    assert all(v == 0 for v in z[1:4])
    low = gaunt_tensor_product(x, y, 1, 1, dps=25)
    assert max(abs(a - b) for a, b in zip(z, low)) <= mpmath.mpf(10) ** -24 * max(abs(v) for v in z)
    # Y_00 · Y_00 = Y_00/√(4π): z_00 = x_00 y_00 / √(4π)
    one = gaunt_tensor_product([1.0], [1.0], 0, 0, dps=30)
    with mpmath.workdps(40):
        assert abs(one[0] - 1 / mpmath.sqrt(4 * mpmath.pi)) <= mpmath.mpf(10) ** -29


def test_reference_product_weights_scale_each_degree():
    rng = np.random.default_rng(4)
    x, y = rng.standard_normal(9), rng.standard_normal(9)
    w1, w2, w3 = [1.0, -2.0, 0.5], [3.0, 1.0, 0.25], [1.0, 2.0, 3.0, 4.0, 5.0]
    weighted = gaunt_tensor_product(x, y, 2, 2, weights1=w1, weights2=w2, weights_out=w3)
    degree = [0, 1, 1, 1, 2, 2, 2, 2, 2]
    plain = gaunt_tensor_product(x * np.take(w1, degree), y * np.take(w2, degree), 2, 2)
    out_degree = [math.isqrt(i) for i in range(25)]
    assert np.abs(weighted - plain * np.take(w3, out_degree)).max() <= 1e-15 * np.abs(plain).max() * 5


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"x": [1.0, 2.0], "y": [1.0], "lmax1": 0, "lmax2": 0}, ValueError),
        ({"x": [1.0], "y": [1.0], "lmax1": 0, "lmax2": 0, "lmax_out": 1}, ValueError),
        ({"x": [float("nan")], "y": [1.0], "lmax1": 0, "lmax2": 0}, ValueError),
        ({"x": [1.0], "y": [1.0], "lmax1": 0, "lmax2": 0, "weights1": [1.0, 2.0]}, ValueError),
        ({"x": [1.0], "y": [1.0], "lmax1": 0, "lmax2": 0, "dps": 0}, ValueError),
        ({"x": ["a"], "y": [1.0], "lmax1": 0, "lmax2": 0}, TypeError),
    ],
)
def test_reference_product_refuses_bad_input(kwargs, error):
    with pytest.raises(error):
        gaunt_tensor_product(**kwargs)


def test_the_per_order_caches_give_the_same_series_in_any_order_of_requests():
    # one rational column per order k, extended in place (series) or regrown (projection integrals): asking for
    # degrees one by one, or a large degree first, must give the values of a fresh computation
    from assay.reference.so3 import fourier

    def fresh(l: int, k: int, umax: int) -> tuple[dict, dict]:
        saved = dict(fourier._SERIES), dict(fourier._PROJECTIONS)
        fourier._SERIES.clear()
        fourier._PROJECTIONS.clear()
        try:
            return legendre_fourier_series(l, k), projection_integrals(l, k, umax)
        finally:
            fourier._SERIES.clear()
            fourier._SERIES.update(saved[0])
            fourier._PROJECTIONS.clear()
            fourier._PROJECTIONS.update(saved[1])

    expected = {(l, k, umax): fresh(l, k, umax) for l, k, umax in [(3, 1, 5), (9, 1, 5), (9, 1, 12), (14, 2, 3)]}
    fourier._SERIES.clear()
    fourier._PROJECTIONS.clear()
    for l in range(1, 15):  # one by one: the projection column regrows geometrically
        projection_integrals(l, 1, 5)
    assert len(fourier._PROJECTIONS) == 1 and fourier._PROJECTIONS[1][0] >= 14
    for (l, k, umax), (series, integrals) in expected.items():
        assert legendre_fourier_series(l, k) == series
        assert projection_integrals(l, k, umax) == integrals
