"""Tests of assay.reference.so3.harmonics against mpmath, sympy, e3nn and closed forms.

Bounds: mpmath-vs-mpmath comparisons at ``dps = 40`` use a relative bound of 1e-37 (``dps`` digits are promised,
three kept as slack for the peer's own rounding); sympy values are evaluated at 50 digits. The float64 version and
e3nn (float64) are compared with the error relative to the largest harmonic value at the point (bounds stated at
each test; both are float64 recurrences, so errors grow slowly with l).
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from assay.properties.so3.strategies import lm_pairs, point_sets, sphere_points
from assay.reference.so3.basis import complex_to_real_entries
from assay.reference.so3.harmonics import (
    spherical_harmonic,
    spherical_harmonics,
    spherical_harmonics_numpy,
    spherical_harmonics_xyz,
)

DPS = 40
REL = 1e-37


def fewer_examples(divisor: int):
    """A fraction of the active profile's examples (at least 5): for tests whose every example is expensive."""
    return settings(max_examples=max(5, settings().max_examples // divisor))


angles = st.tuples(
    st.floats(min_value=0.0, max_value=math.pi, allow_nan=False),
    st.floats(min_value=-math.pi, max_value=math.pi, allow_nan=False),
)


@pytest.fixture(autouse=True)
def _working_precision():
    with mpmath.workdps(DPS + 10):
        yield


def rel(a, b) -> float:
    """``|a − b| / |b|`` (0 when both are exactly zero) at 60 digits."""
    with mpmath.workdps(60):
        if a == b:
            return 0.0
        return float(abs(a - b) / abs(b))


@given(lm_pairs(max_l=10), angles)
def test_matches_mpmath_spherharm(lm, angle):
    l, m = lm
    theta, phi = angle
    ours = spherical_harmonic(l, m, theta, phi, dps=DPS, basis="complex")
    with mpmath.workdps(DPS + 20):
        theirs = mpmath.spherharm(l, m, theta, phi)
    if theirs == 0:  # sin θ = 0 exactly: only m = 0 survives
        assert ours == 0
    else:
        assert rel(ours, theirs) < REL


@pytest.mark.parametrize(("l", "m"), [(0, 0), (1, -1), (1, 0), (1, 1), (2, -2), (3, 1), (4, -3), (6, 5)])
def test_matches_sympy_ynm_at_exact_angles(l, m):
    theta, phi = sympy.pi / 5, sympy.pi * sympy.Rational(2, 7)
    theirs = mpmath.mpc(complex(0))
    expression = sympy.Ynm(l, m, theta, phi).expand(func=True)
    theirs = mpmath.mpmathify(str(sympy.N(expression, 60)).replace("*I", "j").replace(" ", ""))
    ours = spherical_harmonic(l, m, theta, phi, dps=50, basis="complex")
    with mpmath.workdps(60):
        assert abs(ours - theirs) <= mpmath.mpf(10) ** -47 * abs(theirs)


def test_textbook_closed_forms():
    theta, phi = mpmath.mpf("0.7"), mpmath.mpf("-1.3")
    c, s, pi = mpmath.cos(theta), mpmath.sin(theta), mpmath.pi
    e = lambda k: mpmath.expj(k * phi)  # noqa: E731
    table = {
        (0, 0): 1 / mpmath.sqrt(4 * pi),
        (1, 0): mpmath.sqrt(3 / (4 * pi)) * c,
        (1, 1): -mpmath.sqrt(3 / (8 * pi)) * s * e(1),
        (1, -1): mpmath.sqrt(3 / (8 * pi)) * s * e(-1),
        (2, 0): mpmath.sqrt(5 / (16 * pi)) * (3 * c**2 - 1),
        (2, 1): -mpmath.sqrt(15 / (8 * pi)) * s * c * e(1),
        (2, -2): mpmath.sqrt(15 / (32 * pi)) * s**2 * e(-2),
        (3, 3): -mpmath.sqrt(35 / (64 * pi)) * s**3 * e(3),
        (3, 0): mpmath.sqrt(7 / (16 * pi)) * (5 * c**3 - 3 * c),
    }
    for (l, m), expected in table.items():
        assert rel(spherical_harmonic(l, m, theta, phi, dps=DPS, basis="complex"), expected) < REL, (l, m)


def test_real_closed_forms_at_a_point():
    x, y, z = mpmath.mpf(2) / 7, mpmath.mpf(3) / 7, mpmath.mpf(6) / 7  # a unit vector with exact coordinates
    pi = mpmath.pi
    expected = {
        (1, -1): mpmath.sqrt(3 / (4 * pi)) * y,
        (1, 0): mpmath.sqrt(3 / (4 * pi)) * z,
        (1, 1): mpmath.sqrt(3 / (4 * pi)) * x,
        (2, -2): mpmath.sqrt(15 / pi) / 2 * x * y,
        (2, 0): mpmath.sqrt(5 / pi) / 4 * (3 * z**2 - 1),
        (2, 2): mpmath.sqrt(15 / pi) / 4 * (x**2 - y**2),
    }
    for (l, m), value in expected.items():
        ours = spherical_harmonics_xyz(l, [2, 3, 6], basis="real", dps=DPS)[l + m]
        assert rel(ours, value) < REL, (l, m)


@given(lm_pairs(max_l=8), angles)
def test_negative_orders_are_conjugates(lm, angle):
    l, m = lm
    plus = spherical_harmonic(l, abs(m), *angle, dps=DPS, basis="complex")
    minus = spherical_harmonic(l, -abs(m), *angle, dps=DPS, basis="complex")
    assert minus == (-1) ** m * mpmath.conj(plus)


@given(st.integers(0, 8), angles)
def test_real_basis_is_the_unitary_transform_of_the_complex_one(l, angle):
    complex_values = spherical_harmonics(l, *angle, dps=DPS, basis="complex")
    real_values = spherical_harmonics(l, *angle, basis="real", dps=DPS)
    transformed = [mpmath.mpf(0)] * (2 * l + 1)
    for (m, mu), (re, im) in complex_to_real_entries(l).items():
        transformed[l + m] += mpmath.mpc(re.to_mpmath(60), im.to_mpmath(60)) * complex_values[l + mu]
    scale = max(abs(v) for v in complex_values)
    for ours, theirs in zip(real_values, transformed):
        assert isinstance(ours, mpmath.mpf)
        assert abs(theirs.imag) <= 1e-38 * scale
        assert abs(ours - theirs.real) <= 1e-38 * scale


@given(st.integers(0, 8), angles, st.sampled_from(["complex", "real"]))
def test_normalizations_phase_and_aliases(l, angle, basis):
    integral = spherical_harmonics(l, *angle, basis=basis, dps=DPS)
    component = spherical_harmonics(l, *angle, basis=basis, normalization="component", dps=DPS)
    norm = spherical_harmonics(l, *angle, basis=basis, normalization="norm", dps=DPS)
    for alias, reference in (("4pi", component), ("schmidt", norm), ("racah", norm), ("orthonormal", integral)):
        assert list(spherical_harmonics(l, *angle, basis=basis, normalization=alias, dps=DPS)) == list(reference)
    no_phase = spherical_harmonics(l, *angle, basis=basis, phase="none", dps=DPS)
    for m in range(-l, l + 1):
        i = l + m
        if integral[i] == 0:
            assert component[i] == norm[i] == no_phase[i] == 0
            continue
        assert rel(component[i], integral[i] * mpmath.sqrt(4 * mpmath.pi)) < REL
        assert rel(norm[i], integral[i] * mpmath.sqrt(4 * mpmath.pi / (2 * l + 1))) < REL
        assert no_phase[i] == (-1) ** m * integral[i]
    # Σ_m |Y_lm|² = (2l+1)/(4π) · c_l (Unsöld): 2l+1 for component, 1 for norm
    assert abs(mpmath.fsum(abs(v) ** 2 for v in norm) - 1) < 1e-37
    assert abs(mpmath.fsum(abs(v) ** 2 for v in component) - (2 * l + 1)) < 1e-36


@given(st.integers(0, 8), sphere_points())
def test_polar_axis_y_is_the_permuted_point(l, point):
    x, y, z = point
    for basis in ("complex", "real"):
        on_y = spherical_harmonics_xyz(l, point, basis=basis, polar_axis="y", dps=DPS)
        on_z = spherical_harmonics_xyz(l, [z, x, y], basis=basis, polar_axis="z", dps=DPS)
        assert list(on_y) == list(on_z)


@pytest.mark.parametrize("polar_axis", ["z", "y"])
def test_points_and_angles_agree(polar_axis):
    theta, phi = sympy.pi / 5, sympy.pi * sympy.Rational(5, 7)
    s, c = sympy.sin(theta), sympy.cos(theta)
    if polar_axis == "z":  # θ from z, φ from x towards y
        point = [s * sympy.cos(phi), s * sympy.sin(phi), c]
    else:  # θ from y, φ from z towards x (e3nn's angles_to_xyz)
        point = [s * sympy.sin(phi), c, s * sympy.cos(phi)]
    for l in range(6):
        for basis in ("complex", "real"):
            from_point = spherical_harmonics_xyz(l, point, basis=basis, polar_axis=polar_axis, dps=DPS)
            from_angles = spherical_harmonics(l, theta, phi, basis=basis, polar_axis=polar_axis, dps=DPS)
            scale = max(abs(v) for v in from_angles)
            assert max(abs(a - b) for a, b in zip(from_point, from_angles)) <= 1e-38 * scale


@pytest.mark.parametrize("sign", [1, -1])
def test_poles_are_exact(sign):
    for l in range(8):
        values = spherical_harmonics_xyz(l, [0, 0, sign * 3], dps=DPS, basis="complex")
        for m in range(-l, l + 1):
            if m:
                assert values[l + m] == 0
            else:
                expected = sign**l * mpmath.sqrt((2 * l + 1) / (4 * mpmath.pi))
                assert rel(values[l], expected) < REL


def test_near_pole_matches_the_angle_form():
    # 1e-12 from the north pole: compare with mpmath.spherharm at the exact angles of the float point
    point = [1e-12 * math.cos(0.3), 1e-12 * math.sin(0.3), 1.0]
    with mpmath.workdps(80):
        x, y, z = (mpmath.mpf(v) for v in point)
        theta, phi = mpmath.atan2(mpmath.sqrt(x * x + y * y), z), mpmath.atan2(y, x)
    for l in (1, 4, 9):
        ours = spherical_harmonics_xyz(l, point, dps=DPS, basis="complex")
        for m in range(-l, l + 1):
            with mpmath.workdps(80):
                theirs = mpmath.spherharm(l, m, theta, phi)
            assert rel(ours[l + m], theirs) < REL


def test_relative_accuracy_near_a_zero_of_the_legendre_function():
    # cos θ ≈ the largest root of P_10 (to float64): Y_10^0 is ~1e-16 times its size, so a fixed-precision
    # recurrence would lose 16 digits; the Ziv loop must still return 40 correct digits
    root = float(mpmath.findroot(lambda x: mpmath.legendre(10, x), 0.97))
    theta = math.acos(root)
    ours = spherical_harmonic(10, 0, theta, 0.0, dps=DPS, basis="complex")
    with mpmath.workdps(120):
        theirs = mpmath.spherharm(10, 0, theta, 0)
        assert abs(theirs) < 1e-14  # the point really is near a zero
    assert rel(ours, theirs) < REL


def test_equator_zeros_are_exact():
    # on the equator given as a point (z = 0 exactly) Y_l^m vanishes for l − m odd
    for l in range(7):
        values = spherical_harmonics_xyz(l, [0.6, 0.8, 0.0], dps=DPS, basis="complex")
        for m in range(-l, l + 1):
            assert (values[l + m] == 0) == ((l - m) % 2 == 1)


@pytest.mark.parametrize("dps", [5, 15, 100])
def test_precision_is_honoured(dps):
    ours = spherical_harmonic(7, 3, 0.4, 0.9, dps=dps, basis="complex")
    with mpmath.workdps(dps + 30):
        theirs = mpmath.spherharm(7, 3, 0.4, 0.9)
        # rounded to dps digits (bound: 100 units of the dps-th significant digit)
        assert abs(ours - theirs) <= mpmath.mpf(10) ** (2 - dps) * abs(theirs)
        if dps == 100:
            assert abs(ours - complex(ours)) > mpmath.mpf(10) ** -40


# -- float64 version and e3nn -----------------------------------------------------------------------------------
@fewer_examples(6)
@given(point_sets(size=4), st.sampled_from(["complex", "real"]), st.sampled_from(["z", "y"]))
def test_numpy_version_matches_the_reference(points, basis, polar_axis):
    for l in (0, 1, 5, 12, 20):
        fast = spherical_harmonics_numpy(l, points, basis=basis, polar_axis=polar_axis)
        exact = np.array(
            [spherical_harmonics_xyz(l, p, basis=basis, polar_axis=polar_axis, dps=20) for p in points]
        ).astype(fast.dtype)
        scale = np.max(np.abs(exact))
        # two parts: the recurrence's own rounding (measured ≤ 3e-15 of the scale for l ≤ 20 away from the poles)
        # and the rounding of cos θ = z/r in float64 (|δ cos θ| ≤ 2ε), which the reference, working from the exact
        # point, does not make: near a pole it moves Y_l by up to |dP_l/dx|·2ε = l(l+1)/2 · 2ε of the scale
        # (measured 1.9e-14 of the scale at l = 20 and cos θ = 0.998)
        bound = (1e-14 + l * (l + 1) / 2 * 2 * np.finfo(np.float64).eps) * scale
        assert np.max(np.abs(fast - exact)) <= bound, l


@pytest.mark.peer
@fewer_examples(8)  # each example evaluates 13 degrees × 4 points in mpmath
@given(point_sets(size=4))
def test_e3nn_spherical_harmonics(points):
    torch = pytest.importorskip("torch")
    o3 = pytest.importorskip("e3nn.o3")
    for l in range(13):
        exact = np.array([spherical_harmonics_xyz(l, p, basis="real", polar_axis="y", dps=20) for p in points])
        exact = exact.astype(float)
        for normalization, factor in (
            ("integral", 1.0),
            ("component", math.sqrt(4 * math.pi)),
            ("norm", math.sqrt(4 * math.pi / (2 * l + 1))),
        ):
            theirs = o3.spherical_harmonics(l, torch.tensor(points), normalize=True, normalization=normalization)
            expected = exact * factor
            scale = np.max(np.abs(expected))
            # e3nn evaluates hard-coded polynomials (l ≤ 11) / a recurrence in float64; measured ≤ 2e-15 relative
            assert np.max(np.abs(theirs.numpy() - expected)) <= 1e-14 * scale, (l, normalization)


# -- invalid input ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (lambda: spherical_harmonic(-1, 0, 0.1, 0.2, basis="complex"), ValueError, r"l must be non-negative"),
        (lambda: spherical_harmonic(1.5, 0, 0.1, 0.2, basis="complex"), ValueError, r"l must be an integer degree"),
        (lambda: spherical_harmonic(2, 3, 0.1, 0.2, basis="complex"), ValueError, r"\|m\| must be <= l = 2"),
        (lambda: spherical_harmonic(2, 0.5, 0.1, 0.2, basis="complex"), ValueError, r"m must be an integer"),
        (lambda: spherical_harmonic(True, 0, 0.1, 0.2, basis="complex"), TypeError, r"l must be a number, not a bool"),
        (lambda: spherical_harmonic(2, 0, math.nan, 0.2, basis="complex"), ValueError, r"theta must be finite"),
        (lambda: spherical_harmonic(2, 0, 0.1, math.inf, basis="complex"), ValueError, r"phi must be finite"),
        (lambda: spherical_harmonic(2, 0, 0.1, 0.2, dps=0, basis="complex"), ValueError, r"dps must be >= 1"),
        (lambda: spherical_harmonic(2, 0, 0.1, 0.2, dps=2.5, basis="complex"), TypeError, r"dps must be an int"),
        (lambda: spherical_harmonic(2, 0, 0.1, 0.2, basis="spherical"), ValueError, r"basis must be one of"),
        (lambda: spherical_harmonic(2, 0, 0.1, 0.2, normalization="unit"), ValueError, r"normalization must be"),
        (lambda: spherical_harmonic(2, 0, 0.1, 0.2, polar_axis="x"), ValueError, r"polar_axis must be one of"),
        (lambda: spherical_harmonic(2, 0, 0.1, 0.2, phase="minus"), ValueError, r"phase must be one of"),
        (lambda: spherical_harmonic(2, 0, 1j, 0.2, basis="complex"), TypeError, r"theta must be a real number"),
        (lambda: spherical_harmonics_xyz(2, [0, 0, 0], basis="complex"), ValueError, r"xyz must not be the origin"),
        (lambda: spherical_harmonics_xyz(2, [0, 0]), ValueError, r"xyz must be one point with shape \(3,\)"),
        (lambda: spherical_harmonics_xyz(2, [0, math.nan, 1], basis="complex"), ValueError, r"xyz\[1\] must be finite"),
        (lambda: spherical_harmonics_numpy(2, np.zeros((2, 3))), ValueError, r"xyz must not contain the origin"),
        (lambda: spherical_harmonics_numpy(2, np.ones((2, 2))), ValueError, r"xyz must have shape \(\.\.\., 3\)"),
    ],
)
def test_invalid_input(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()
