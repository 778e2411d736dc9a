"""Tests of assay.properties.so3: the strategies draw what they promise, and the checks pass correct
implementations and catch wrong ones.

Bounds: a correct float64 implementation scores below 1e-13 on every check for l ≤ 12 (measured: orthonormality
≤ 3e-15 with l ≤ 8, equivariance ≤ 2e-15, unitarity ≤ 3e-16, homomorphism ≤ 1e-15); a broken one scores above 0.1.
The 1e-13 bound leaves room for float64 rounding growing with l, and is still 12 orders of magnitude below a bug.
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from assay.properties.so3.harmonics_checks import (
    normalization_constant,
    sh_addition_theorem_error,
    sh_orthonormality_error,
    sphere_quadrature,
)
from assay.properties.so3.strategies import (
    degrees,
    euler_angles,
    invalid_triangles,
    lm_pairs,
    o3_rotations,
    point_sets,
    rotation_matrices,
    sphere_points,
    spin_orders,
    spins,
    triangles,
    unit_quaternions,
)
from assay.properties.so3.wigner_checks import (
    sh_equivariance_error,
    wigner_homomorphism_error,
    wigner_unitarity_error,
)
from assay.reference.so3.harmonics import spherical_harmonics_numpy
from assay.reference.so3.wigner import wigner_D_from_matrix

GOOD = 1e-13
BAD = 0.1


def real_sh(l, xyz, normalization="integral", polar_axis="z"):
    return spherical_harmonics_numpy(l, xyz, basis="real", normalization=normalization, polar_axis=polar_axis)


def real_d(l, R, polar_axis="z"):
    return wigner_D_from_matrix(l, R, basis="real", polar_axis=polar_axis, allow_improper=True, dps=20)


# -- strategies -------------------------------------------------------------------------------------------------
@given(degrees(max_l=7), lm_pairs(max_l=5), spins(max_twice_j=7), spin_orders(max_twice_j=7, half_integer_only=True))
def test_degree_and_order_strategies(l, lm, j, jm):
    assert 0 <= l <= 7
    assert abs(lm[1]) <= lm[0] <= 5
    assert isinstance(j, Fraction) and (2 * j).denominator == 1 and 0 <= j <= Fraction(7, 2)
    spin, mp, m = jm
    assert spin.denominator == 2
    assert abs(mp) <= spin and abs(m) <= spin and (spin - mp).denominator == 1 and (spin - m).denominator == 1


@given(triangles(max_l=6), triangles(max_l=6, with_orders=True, even_sum=True), invalid_triangles(max_l=6))
def test_triangle_strategies(valid, with_orders, invalid):
    l1, l2, l3 = valid
    assert abs(l1 - l2) <= l3 <= min(l1 + l2, 6)
    l1, l2, l3, m1, m2, m3 = with_orders
    assert abs(l1 - l2) <= l3 <= l1 + l2 and (l1 + l2 + l3) % 2 == 0
    assert m1 + m2 + m3 == 0 and abs(m1) <= l1 and abs(m2) <= l2 and abs(m3) <= l3
    l1, l2, l3 = invalid
    assert l3 > l1 + l2 or l3 < abs(l1 - l2)


@given(rotation_matrices(), o3_rotations(), unit_quaternions())
def test_rotation_strategies(matrix, element, q):
    # float64 quaternion → matrix: a few roundings per entry, so RᵀR = I to ~8 ε (ε = 2.2e-16); bound 4e-15
    assert np.max(np.abs(matrix.T @ matrix - np.eye(3))) <= 4e-15
    assert abs(np.linalg.det(matrix) - 1) <= 4e-15
    R, parity = element
    assert parity in (1, -1) and abs(np.linalg.det(R) - parity) <= 4e-15
    assert abs(np.linalg.norm(q) - 1) <= 1e-15


@given(sphere_points(), point_sets(size=5), euler_angles())
def test_point_and_angle_strategies(point, points, angles):
    assert abs(np.linalg.norm(point) - 1) <= 1e-15
    assert points.shape == (5, 3) and np.all(np.abs(np.linalg.norm(points, axis=1) - 1) <= 1e-15)
    alpha, beta, gamma = angles
    assert -math.pi <= alpha <= math.pi and 0 <= beta <= math.pi and -math.pi <= gamma <= math.pi


def test_points_include_exact_poles_and_near_poles():
    quick = settings(database=None, max_examples=2000, suppress_health_check=list(HealthCheck))
    pole = find(sphere_points(), lambda p: p[1] == -1.0 and p[0] == 0 and p[2] == 0, settings=quick)
    assert list(pole) == [0.0, -1.0, 0.0]
    # 1e-12 from the pole, z = √(1 − 1e-24) rounds to exactly ±1 in float64
    near = find(sphere_points(), lambda p: abs(p[2]) == 1 and 0 < np.hypot(p[0], p[1]) < 1e-11, settings=quick)
    assert 0.9e-12 <= np.hypot(near[0], near[1]) <= 1.1e-12


def test_rotations_include_gimbal_lock_cases():
    quick = settings(database=None, max_examples=2000, suppress_health_check=list(HealthCheck))
    half_turn_y = find(rotation_matrices(), lambda R: R[1, 1] == 1.0 and R[0, 0] == -1.0, settings=quick)
    assert np.array_equal(half_turn_y, np.diag([-1.0, 1.0, -1.0]))


def test_random_rotations_are_uniform():
    # Haar measure on SO(3): the rotation angle ω has density (1 − cos ω)/π, so E[cos ω] = −1/2 and
    # E[trace R] = 1 + 2 E[cos ω] = 0; each column is uniform on S², so E[R_33²] = 1/3. Over 4000 seeded draws the
    # standard errors are ≈ 0.016 and 0.004; the bounds are ≈ 4.5 and 5 standard errors (a fixed seed set: no flakes)
    from assay.properties.so3.strategies import _quaternion_from_seed
    from assay.reference.so3.rotations import rotation_matrix_from_quaternion as _quaternion_to_matrix

    mats = np.stack([_quaternion_to_matrix(_quaternion_from_seed(seed)) for seed in range(4000)])
    assert abs(np.mean(np.trace(mats, axis1=1, axis2=2))) < 0.07
    assert abs(np.mean(mats[:, 2, 2] ** 2) - 1 / 3) < 0.02


# -- quadrature ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("degree", [0, 1, 4, 9, 24])
def test_sphere_quadrature_is_exact_for_monomials(degree):
    points, weights = sphere_quadrature(degree)
    assert abs(weights.sum() - 4 * math.pi) <= 1e-13
    # ∫ z^n dΩ = 4π/(n+1) for even n, 0 for odd n; ∫ x^a y^b likewise by symmetry
    for n in range(degree + 1):
        expected = 4 * math.pi / (n + 1) if n % 2 == 0 else 0.0
        assert abs(np.sum(weights * points[:, 2] ** n) - expected) <= 1e-13
        assert abs(np.sum(weights * points[:, 0] ** n) - expected) <= 1e-13


# -- harmonics checks ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("normalization", ["integral", "component", "norm", "schmidt"])
@pytest.mark.parametrize("basis", ["complex", "real"])
def test_orthonormality_passes_correct_harmonics(normalization, basis):
    def sh(l, xyz):
        return spherical_harmonics_numpy(l, xyz, basis=basis, normalization=normalization)

    assert sh_orthonormality_error(sh, 8, normalization) <= GOOD


def test_orthonormality_catches_errors():
    # declared integral, returns component: every diagonal entry is off by 4π − 1
    def wrong_normalization(l, xyz):
        return real_sh(l, xyz, "component")

    assert abs(sh_orthonormality_error(wrong_normalization, 3) - (4 * math.pi - 1)) <= 1e-12

    def missing_sqrt2(l, xyz):  # the real form without its √2 for m ≠ 0
        values = real_sh(l, xyz)
        values[:, np.arange(2 * l + 1) != l] /= math.sqrt(2)
        return values

    assert sh_orthonormality_error(missing_sqrt2, 2) >= BAD


@given(degrees(max_l=10), point_sets(size=6), point_sets(size=6), st.sampled_from(["integral", "component", "norm"]))
def test_addition_theorem_passes_correct_harmonics(l, a, b, normalization):
    for basis in ("complex", "real"):
        for axis in ("z", "y"):
            sh = functools.partial(spherical_harmonics_numpy, basis=basis, normalization=normalization, polar_axis=axis)
            assert sh_addition_theorem_error(sh, l, a, b, normalization) <= GOOD


def test_addition_theorem_is_basis_independent_and_catches_a_scaled_component():
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((2, 5, 3))
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    b /= np.linalg.norm(b, axis=1, keepdims=True)

    def flipped(l, xyz):  # a sign flip of one component is an orthogonal change of basis: the kernel is unchanged
        values = real_sh(l, xyz)
        values[:, 0] *= -1
        return values

    assert sh_addition_theorem_error(flipped, 3, a, b) <= GOOD

    def doubled(l, xyz):  # one component scaled: no longer orthonormal, the kernel changes
        values = real_sh(l, xyz)
        values[:, l + 1] *= 2
        return values

    assert sh_addition_theorem_error(doubled, 3, a, b) >= BAD


def test_checks_validate_shapes():
    with pytest.raises(ValueError, match=r"sh_fn\(0, xyz\) must return shape \(\d+, 1\)"):
        sh_orthonormality_error(lambda l, xyz: np.zeros((len(xyz), 3)), 2)
    with pytest.raises(ValueError, match=r"d_fn\(1, R\) must return shape"):
        wigner_unitarity_error(lambda l, R: np.eye(2), 1, np.eye(3))
    with pytest.raises(ValueError, match=r"normalization must be one of"):
        normalization_constant(1, "unit")


# -- Wigner checks --------------------------------------------------------------------------------------------
@settings(max_examples=max(5, settings().max_examples // 5))
@given(degrees(max_l=6), rotation_matrices(), rotation_matrices(), point_sets(size=8), st.sampled_from(["z", "y"]))
def test_wigner_checks_pass_the_reference(l, r1, r2, points, axis):
    def d(degree, R):
        return real_d(degree, R, axis)

    def sh(degree, xyz):
        return real_sh(degree, xyz, polar_axis=axis)

    assert wigner_unitarity_error(d, l, r1) <= GOOD
    assert wigner_homomorphism_error(d, l, r1, r2) <= GOOD
    assert sh_equivariance_error(sh, d, l, r1, points) <= GOOD


@settings(max_examples=max(5, settings().max_examples // 5))
@given(degrees(max_l=4), o3_rotations(), point_sets(size=4))
def test_equivariance_under_o3_and_in_the_complex_basis(l, element, points):
    matrix, _ = element
    assert sh_equivariance_error(real_sh, real_d, l, matrix, points) <= GOOD

    def complex_sh(degree, xyz):
        return spherical_harmonics_numpy(degree, xyz, basis="complex")

    def conj_d(degree, R):  # Y(R r) = conj(D(R)) Y(r) for the standard complex D
        return np.conj(wigner_D_from_matrix(degree, R, basis="complex", allow_improper=True, dps=20).astype(complex))

    assert sh_equivariance_error(complex_sh, conj_d, l, matrix, points) <= GOOD


def test_wigner_checks_catch_errors():
    rng = np.random.default_rng(11)
    from assay.properties.so3.strategies import _quaternion_from_seed
    from assay.reference.so3.rotations import rotation_matrix_from_quaternion as _quaternion_to_matrix

    r1, r2 = _quaternion_to_matrix(_quaternion_from_seed(1)), _quaternion_to_matrix(_quaternion_from_seed(2))
    points = rng.standard_normal((6, 3))
    points /= np.linalg.norm(points, axis=1, keepdims=True)

    def transposed(l, R):  # D(R)ᵀ = D(R⁻¹): an anti-homomorphism
        return real_d(l, R).T

    assert wigner_unitarity_error(transposed, 2, r1) <= GOOD  # still orthogonal ...
    assert wigner_homomorphism_error(transposed, 2, r1, r2) >= BAD  # ... but not a homomorphism
    assert sh_equivariance_error(real_sh, transposed, 2, r1, points) >= BAD

    def scaled(l, R):
        return 1.01 * real_d(l, R)

    assert wigner_unitarity_error(scaled, 2, r1) >= 0.02

    def wrong_axis(l, R):  # e3nn's D with z-polar harmonics
        return real_d(l, R, "y")

    assert sh_equivariance_error(real_sh, wrong_axis, 2, r1, points) >= BAD

    def unconjugated(l, R):  # the standard complex D used as if it acted on Y(r) directly
        return wigner_D_from_matrix(l, R, basis="complex", dps=20)

    def complex_sh(l, xyz):
        return spherical_harmonics_numpy(l, xyz, basis="complex")

    assert sh_equivariance_error(complex_sh, unconjugated, 2, r1, points) >= BAD


# -- peers --------------------------------------------------------------------------------------------------------
@pytest.mark.peer
def test_checks_on_e3nn():
    torch = pytest.importorskip("torch")
    o3 = pytest.importorskip("e3nn.o3")

    def sh(l, xyz):
        return o3.spherical_harmonics(l, torch.tensor(xyz), normalize=True, normalization="component")

    def d(l, R):
        batch = torch.tensor(np.stack([R, R]))  # batched matrix_exp (pytorch/pytorch#196592)
        return o3.Irrep(l, (-1) ** l).D_from_matrix(batch)[0]

    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        assert sh_orthonormality_error(sh, 12, "component") <= GOOD
        from assay.properties.so3.strategies import _quaternion_from_seed
        from assay.reference.so3.rotations import rotation_matrix_from_quaternion as _quaternion_to_matrix

        rotation = _quaternion_to_matrix(_quaternion_from_seed(7))
        points, _ = sphere_quadrature(6)
        for l in (1, 3, 6):
            assert sh_equivariance_error(sh, d, l, rotation, points) <= GOOD
            assert sh_equivariance_error(sh, d, l, -rotation, points) <= GOOD
    finally:
        torch.set_default_dtype(previous)
