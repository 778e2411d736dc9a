"""Tests of assay.reference.so3.wigner: small d, D (complex and real, every input form), the exact Δ^l = d^l(π/2).

Bounds: mpmath identities at ``dps = 40`` hold to 1e-37 (three digits of slack for the rounding of each entry and
of the O(l) sums in a matrix product); sympy is evaluated at 60 digits. float64 peers (e3nn) are compared to a
stated absolute bound on entries of size ≤ 1 — e3nn builds D with ``matrix_exp`` of generators in float64.

sympy conventions (sympy 1.14, checked below): ``sympy.physics.wigner.wigner_d_small(J, β)`` and
``wigner_d(J, α, β, γ)`` are returned in the same layout as ours (row m', column m, both ascending −J..J) and equal
our ``d`` and our Edmonds ``D`` entry for entry; ``sympy.physics.quantum.spin.Rotation.D(j, m', m, α, β, γ)`` is
``D^j_{m'm}(α, β, γ)``, also Edmonds. (The note that sympy's ``wigner_d`` swaps α and γ does not hold for the
matrix layout that sympy 1.14 returns.)
"""

from __future__ import annotations

import contextlib
import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from assay.properties.so3.strategies import (
    euler_angles,
    o3_rotations,
    point_sets,
    rotation_matrices,
    spin_orders,
    spins,
    unit_quaternions,
)
from assay.reference.so3.basis import change_of_basis, real_to_e3nn_entries
from assay.reference.so3.harmonics import spherical_harmonics_xyz
from assay.reference.so3.rotations import (
    AXIS_PERMUTATION_MATRIX,
    AXIS_PERMUTATION_QUATERNION,
    matrix_from_euler,
    matrix_from_quaternion,
    quaternion_from_euler,
    quaternion_multiply,
)
from assay.reference.so3.wigner import (
    wigner_D,
    wigner_D_from_matrix,
    wigner_D_from_quaternion,
    wigner_small_d,
    wigner_small_d_half_pi_exact,
    wigner_small_d_matrix,
)

DPS = 40
TIGHT = 1e-37
HALF = Fraction(1, 2)


def fewer_examples(divisor: int):
    """A fraction of the active profile's examples (at least 5): for tests whose every example is expensive."""
    return settings(max_examples=max(5, settings().max_examples // divisor))


@pytest.fixture(autouse=True)
def _working_precision():
    with mpmath.workdps(DPS + 10):
        yield


def max_abs(matrix) -> float:
    return float(max(abs(v) for v in np.ravel(matrix)))


def identity(size: int) -> np.ndarray:
    return np.eye(size, dtype=int).astype(object)


def fraction(value: Fraction) -> mpmath.mpf:
    return mpmath.mpf(value.numerator) / value.denominator


def orders(j) -> list[Fraction]:
    return [Fraction(k) - Fraction(j) for k in range(int(2 * j) + 1)]


# -- small d ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("j", [HALF, 1, 3 * HALF, 2, 5 * HALF, 4])
def test_small_d_matches_sympy(j):
    from sympy.physics.wigner import wigner_d_small

    beta = sympy.pi * sympy.Rational(3, 11)
    theirs = wigner_d_small(sympy.nsimplify(j), beta)
    ours = wigner_small_d_matrix(j, beta, dps=DPS)
    for i in range(ours.shape[0]):
        for k in range(ours.shape[1]):
            expected = mpmath.mpf(str(sympy.N(theirs[i, k], 60)))
            assert abs(ours[i, k] - expected) <= TIGHT, (i, k)


def test_small_d_closed_forms():
    beta = mpmath.mpf("0.9")
    c, s, cb, sb = mpmath.cos(beta / 2), mpmath.sin(beta / 2), mpmath.cos(beta), mpmath.sin(beta)
    table = {
        (HALF, HALF, HALF): c,
        (HALF, HALF, -HALF): -s,
        (HALF, -HALF, HALF): s,
        (1, 1, 1): (1 + cb) / 2,
        (1, 1, 0): -sb / mpmath.sqrt(2),
        (1, 0, 1): sb / mpmath.sqrt(2),
        (1, 1, -1): (1 - cb) / 2,
        (1, 0, 0): cb,
        (3 * HALF, 3 * HALF, 3 * HALF): c**3,
        (3 * HALF, 3 * HALF, HALF): -mpmath.sqrt(3) * c**2 * s,
        (3 * HALF, 3 * HALF, -HALF): mpmath.sqrt(3) * c * s**2,
        (3 * HALF, 3 * HALF, -3 * HALF): -(s**3),
        (3 * HALF, HALF, HALF): c * (3 * c**2 - 2),
        (3 * HALF, HALF, -HALF): s * (3 * s**2 - 2),
        (2, 0, 0): (3 * cb**2 - 1) / 2,
        (2, 2, 0): mpmath.sqrt(mpmath.mpf(3) / 8) * sb**2,
    }
    for (j, mp, m), expected in table.items():
        assert abs(wigner_small_d(j, mp, m, beta, dps=DPS) - expected) <= TIGHT, (j, mp, m)


@given(spin_orders(max_twice_j=9), st.floats(min_value=-7.0, max_value=7.0, allow_nan=False))
def test_small_d_symmetries(jm, beta):
    j, mp, m = jm
    value = wigner_small_d(j, mp, m, beta, dps=DPS)
    sign = -1 if (mp - m) % 2 else 1
    assert abs(wigner_small_d(j, m, mp, beta, dps=DPS) - sign * value) <= TIGHT  # d_{mm'} = (−1)^{m'−m} d_{m'm}
    assert abs(wigner_small_d(j, -m, -mp, beta, dps=DPS) - value) <= TIGHT  # d_{m'm} = d_{−m,−m'}
    assert abs(wigner_small_d(j, mp, m, -beta, dps=DPS) - wigner_small_d(j, m, mp, beta, dps=DPS)) <= TIGHT


@given(spins(max_twice_j=8), st.floats(min_value=0.0, max_value=math.pi, allow_nan=False))
def test_small_d_is_orthogonal(j, beta):
    d = wigner_small_d_matrix(j, beta, dps=DPS)
    assert max_abs(d.dot(d.T) - identity(d.shape[0])) <= TIGHT


def test_small_d_at_zero_is_exactly_the_identity():
    for j in (HALF, 1, 7 * HALF, 6):
        d = wigner_small_d_matrix(j, 0, dps=DPS)
        assert all(v == (1 if i == k else 0) for (i, k), v in np.ndenumerate(d))


def test_small_d_at_high_degree_keeps_its_digits():
    # l = 40 at a generic angle: the alternating sum cancels ~10 digits; the result must still be dps-accurate
    ours = wigner_small_d(40, 3, -5, 1.234, dps=30)
    with mpmath.workdps(90):
        reference = wigner_small_d(40, 3, -5, 1.234, dps=80)
    assert abs(ours - reference) <= mpmath.mpf(10) ** -29 * abs(reference)


# -- exact Δ^l = d^l(π/2) ------------------------------------------------------------------------------------
@pytest.mark.parametrize("l", [0, HALF, 1, 3 * HALF, 2, 3, 6])
def test_half_pi_exact_matches_the_numeric_small_d(l):
    exact = wigner_small_d_half_pi_exact(l)
    numeric = wigner_small_d_matrix(l, sympy.pi / 2, dps=DPS)
    for (i, k), value in np.ndenumerate(exact):
        assert abs(value.to_mpmath(DPS + 5) - numeric[i, k]) <= TIGHT
        if not value:
            assert numeric[i, k] == 0 or abs(numeric[i, k]) <= TIGHT


@pytest.mark.parametrize("l", [1, 2, 3])
def test_half_pi_exact_equals_sympy_symbolically(l):
    from sympy.physics.wigner import wigner_d_small

    theirs = wigner_d_small(l, sympy.pi / 2)
    ours = wigner_small_d_half_pi_exact(l)
    for (i, k), value in np.ndenumerate(ours):
        assert sympy.simplify(value.to_sympy() - theirs[i, k]) == 0


def test_half_pi_selection_rule_zeros():
    # Δ^l_{m0} = 0 for l + m odd (and Δ^l_{0m} likewise), as exact zeros
    for l in range(1, 9):
        exact = wigner_small_d_half_pi_exact(l)
        for m in range(-l, l + 1):
            assert bool(exact[m + l, l]) == ((l + m) % 2 == 0)


# -- complex D ------------------------------------------------------------------------------------------------
@given(spins(max_twice_j=7), euler_angles())
def test_complex_D_is_the_edmonds_euler_form(j, angles):
    alpha, beta, gamma = angles
    D = wigner_D(j, alpha, beta, gamma, dps=DPS, basis="complex")
    d = wigner_small_d_matrix(j, beta, dps=DPS)
    ms = orders(j)
    for i, mp in enumerate(ms):
        for k, m in enumerate(ms):
            expected = mpmath.expj(-fraction(mp) * alpha) * d[i, k] * mpmath.expj(-fraction(m) * gamma)
            assert abs(D[i, k] - expected) <= TIGHT


@pytest.mark.parametrize("j", [HALF, 1, 3 * HALF, 2])
def test_complex_D_matches_sympy(j):
    from sympy.physics.quantum.spin import Rotation
    from sympy.physics.wigner import wigner_d

    alpha, beta, gamma = sympy.Rational(3, 10), sympy.Rational(11, 10), sympy.Rational(-2)
    ours = wigner_D(j, alpha, beta, gamma, dps=DPS, basis="complex")
    matrix = wigner_d(sympy.nsimplify(j), alpha, beta, gamma)
    for i, mp in enumerate(orders(j)):
        for k, m in enumerate(orders(j)):
            from_matrix = mpmath.mpmathify(complex(sympy.N(matrix[i, k], 60)))
            element = Rotation.D(sympy.nsimplify(j), sympy.nsimplify(mp), sympy.nsimplify(m), alpha, beta, gamma)
            from_rotation = sympy.N(element.doit(), 60)
            re, im = (mpmath.mpf(str(part)) for part in from_rotation.as_real_imag())
            assert abs(ours[i, k] - mpmath.mpc(re, im)) <= TIGHT
            assert abs(ours[i, k] - from_matrix) <= 1e-15  # complex() of sympy's value is float64


def test_half_integer_D_is_double_valued():
    full_turn = wigner_D(HALF * 3, 2 * sympy.pi, 0, 0, dps=DPS, basis="complex")
    assert max_abs(full_turn + identity(4)) <= TIGHT  # a 2π turn is −1 on half-integer spin
    q = (0.5, 0.5, -0.5, 0.5)
    plus = wigner_D_from_quaternion(HALF, q, dps=DPS, basis="complex")
    minus = wigner_D_from_quaternion(HALF, [-c for c in q], dps=DPS, basis="complex")
    assert max_abs(plus + minus) <= TIGHT
    one = wigner_D_from_quaternion(1, q, dps=DPS, basis="complex")
    assert max_abs(one - wigner_D_from_quaternion(1, [-c for c in q], basis="complex")) <= TIGHT


@given(spins(max_twice_j=6), unit_quaternions(), unit_quaternions(), st.sampled_from(["complex", "real"]))
def test_D_is_a_homomorphism_and_unitary(j, q1, q2, basis):
    if basis == "real" and j.denominator == 2:
        j = j + HALF
    with mpmath.workdps(DPS + 10):
        unit1 = [mpmath.mpf(c) / mpmath.sqrt(mpmath.fsum(mpmath.mpf(x) ** 2 for x in q1)) for c in q1]
        unit2 = [mpmath.mpf(c) / mpmath.sqrt(mpmath.fsum(mpmath.mpf(x) ** 2 for x in q2)) for c in q2]
        product = quaternion_multiply(unit1, unit2)
    D1 = wigner_D_from_quaternion(j, unit1, basis=basis, dps=DPS)
    D2 = wigner_D_from_quaternion(j, unit2, basis=basis, dps=DPS)
    D12 = wigner_D_from_quaternion(j, product, basis=basis, dps=DPS)
    assert max_abs(D12 - D1.dot(D2)) <= TIGHT
    adjoint = np.vectorize(mpmath.conj, otypes=[object])(D1).T
    assert max_abs(D1.dot(adjoint) - identity(D1.shape[0])) <= TIGHT
    if basis == "real":
        assert all(isinstance(v, mpmath.mpf) for v in D1.ravel())


@given(st.integers(0, 6), euler_angles(), st.sampled_from(["zyz", "e3nn_yxy"]), st.sampled_from(["z", "y"]))
@fewer_examples(3)
def test_every_constructor_agrees(l, angles, euler, polar_axis):
    for basis in ("complex", "real"):
        from_angles = wigner_D(l, *angles, basis=basis, euler=euler, polar_axis=polar_axis, dps=DPS)
        q = quaternion_from_euler(*angles, euler=euler, dps=DPS + 5)
        R = matrix_from_euler(*angles, euler=euler, dps=DPS + 5)
        from_q = wigner_D_from_quaternion(l, q, basis=basis, polar_axis=polar_axis, dps=DPS)
        from_R = wigner_D_from_matrix(l, R, basis=basis, polar_axis=polar_axis, dps=DPS)
        assert max_abs(from_angles - from_q) <= TIGHT
        assert max_abs(from_angles - from_R) <= 1e-35  # R carries dps + 5 digits


# -- D acting on the harmonics --------------------------------------------------------------------------------
@given(st.integers(0, 5), rotation_matrices(), point_sets(size=2), st.sampled_from(["z", "y"]))
@fewer_examples(3)
def test_harmonics_transform_with_D(l, rotation, points, polar_axis):
    """Y(R r) = D(R) Y(r) (real basis) and Y(R r) = conj(D(R)) Y(r) (complex basis), at 40 digits."""
    R = matrix_from_quaternion(np.asarray(quaternion_from_matrix_float(rotation)), normalize=True, dps=DPS + 5)
    for basis in ("real", "complex"):
        D = wigner_D_from_matrix(l, R, basis=basis, polar_axis=polar_axis, dps=DPS)
        if basis == "complex":
            D = np.vectorize(mpmath.conj, otypes=[object])(D)
        for point in points:
            before = spherical_harmonics_xyz(l, point, basis=basis, polar_axis=polar_axis, dps=DPS)
            after = spherical_harmonics_xyz(l, R.dot(point), basis=basis, polar_axis=polar_axis, dps=DPS)
            assert max_abs(after - D.dot(before)) <= 1e-36


def quaternion_from_matrix_float(matrix: np.ndarray) -> list[float]:
    from assay.reference.so3.rotations import quaternion_from_matrix

    return [float(c) for c in quaternion_from_matrix(matrix, dps=30)]


def test_sign_convention_of_the_complex_action():
    # R_z(α) shifts φ by α: Y_m(R r) = e^{imα} Y_m(r) while the standard D_{mm}(R_z(α)) = e^{−imα}
    alpha = mpmath.mpf("0.4")
    D = wigner_D(1, alpha, 0, 0, dps=DPS, basis="complex")
    assert abs(D[2, 2] - mpmath.expj(-alpha)) <= TIGHT


@given(o3_rotations(), st.integers(0, 4))
@fewer_examples(3)
def test_improper_rotations_carry_the_parity(element, l):
    matrix, parity = element
    allowed = wigner_D_from_matrix(l, matrix, basis="real", allow_improper=True, dps=DPS)
    if parity > 0:  # allow_improper changes nothing for a proper rotation
        assert max_abs(allowed - wigner_D_from_matrix(l, matrix, basis="real", dps=DPS)) == 0
        return
    with pytest.raises(ValueError, match=r"determinant −1"):
        wigner_D_from_matrix(l, matrix, basis="real")
    proper = wigner_D_from_matrix(l, -matrix, basis="real", dps=DPS)
    assert max_abs(allowed - (-1) ** l * proper) <= TIGHT
    point = np.array([0.36, 0.48, 0.8])
    before = spherical_harmonics_xyz(l, point, basis="real", dps=DPS)
    after = spherical_harmonics_xyz(l, matrix.dot(point), basis="real", dps=DPS)
    assert max_abs(after - allowed.dot(before)) <= 1e-15  # the float64 matrix is orthogonal only to ~1e-16


# -- the e3nn basis -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("l", range(6))
def test_e3nn_change_of_basis_is_the_real_D_of_the_permutation(l):
    D = wigner_D_from_quaternion(l, AXIS_PERMUTATION_QUATERNION, basis="real", dps=DPS)
    entries = real_to_e3nn_entries(l)
    for (i, k), value in np.ndenumerate(D):
        exact = entries.get((i - l, k - l))
        expected = mpmath.mpf(0) if exact is None else exact.to_mpmath(DPS + 5)
        assert abs(value - expected) <= TIGHT
    assert max_abs(wigner_D_from_matrix(l, AXIS_PERMUTATION_MATRIX, basis="real", dps=DPS) - D) <= TIGHT
    Q = change_of_basis(l, "real", "e3nn")
    assert np.max(np.abs(Q - D.astype(float))) <= 1e-16


@pytest.mark.parametrize("l", [1, 2, 3])
def test_e3nn_change_of_basis_exact_round_trip(l):
    forward = change_of_basis(l, "complex", "e3nn", exact=True)
    backward = change_of_basis(l, "e3nn", "complex", exact=True)
    assert (backward * forward).applyfunc(sympy.nsimplify) == sympy.eye(2 * l + 1)
    assert change_of_basis(l, "e3nn", "e3nn", exact=True) == sympy.eye(2 * l + 1)
    real_to_e3nn = change_of_basis(l, "real", "e3nn", exact=True)
    assert (real_to_e3nn * real_to_e3nn.T).applyfunc(sympy.nsimplify) == sympy.eye(2 * l + 1)  # orthogonal
    with pytest.raises(ValueError, match=r"target must be one of"):
        change_of_basis(l, "e3nn", "spherical")


# -- peers ------------------------------------------------------------------------------------------------------
@contextlib.contextmanager
def float64_torch():
    """e3nn builds its generators in torch's default dtype: make that float64 inside the block."""
    torch = pytest.importorskip("torch")
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        yield torch
    finally:
        torch.set_default_dtype(previous)


@pytest.mark.peer
@given(st.integers(0, 8), euler_angles())
@fewer_examples(5)  # e3nn's wigner_D costs ~0.1–0.3 s a call
def test_e3nn_wigner_D(l, angles):
    o3 = pytest.importorskip("e3nn.o3")
    with float64_torch() as torch:
        # a batch of two: torch's single-matrix matrix_exp path (degree-8 Taylor) has a wrong coefficient
        # (pytorch/pytorch#196592) and loses up to 1.4e-10 at angles ≈ 0.01–0.1 in float64; the batched path does not
        alpha, beta, gamma = (torch.tensor([a, a], dtype=torch.float64) for a in angles)
        theirs = o3.wigner_D(l, alpha, beta, gamma)[0].numpy()
        from_angles = o3.Irrep(l, (-1) ** l).D_from_angles(alpha, beta, gamma)[0].numpy()
    ours = wigner_D(l, *angles, basis="real", euler="e3nn_yxy", polar_axis="y", dps=30).astype(float)
    assert np.max(np.abs(theirs - ours)) <= 1e-13  # e3nn: matrix_exp in float64, measured ≤ 3.0e-14 for l ≤ 8
    assert np.max(np.abs(from_angles - ours)) <= 1e-13  # Irrep.D_from_angles is wigner_D (no parity factor)


@pytest.mark.peer
@given(st.integers(0, 6), o3_rotations())
@fewer_examples(5)
def test_e3nn_D_from_matrix(l, element):
    o3 = pytest.importorskip("e3nn.o3")
    matrix, _ = element
    with float64_torch() as torch:
        batch = torch.tensor(np.stack([matrix, matrix]))  # batched matrix_exp, see test_e3nn_wigner_D
        theirs = o3.Irrep(l, (-1) ** l).D_from_matrix(batch)[0].numpy()
    ours = wigner_D_from_matrix(l, matrix, basis="real", polar_axis="y", allow_improper=True, dps=30)
    assert np.max(np.abs(theirs - ours.astype(float))) <= 1e-13  # measured ≤ 2.3e-14 for l ≤ 6 (specials too)


# -- invalid input ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (lambda: wigner_small_d(-1, 0, 0, 0.3), ValueError, r"j must be non-negative"),
        (lambda: wigner_small_d(1.3, 0, 0, 0.3), ValueError, r"j must be an integer or a half-integer"),
        (lambda: wigner_small_d(1, HALF, HALF, 0.3), ValueError, r"mp and j must both be integers or both"),
        (lambda: wigner_small_d(HALF, HALF, 0, 0.3), ValueError, r"m and j must both be integers or both"),
        (lambda: wigner_small_d(1, 2, 0, 0.3), ValueError, r"\|mp\| must be <= j = 1"),
        (lambda: wigner_small_d(1, 0, 0, math.nan), ValueError, r"beta must be finite"),
        (lambda: wigner_small_d(1, 0, 0, 0.3, dps=0), ValueError, r"dps must be >= 1"),
        (lambda: wigner_small_d_matrix("1", 0.3), TypeError, r"j must be an integer or half-integer number"),
        (lambda: wigner_D(1, 0, math.inf, 0, basis="complex"), ValueError, r"beta must be finite"),
        (lambda: wigner_D(HALF, 0, 0, 0, basis="real"), ValueError, r"l must be an integer for basis='real'"),
        (lambda: wigner_D(1, 0, 0, 0, euler="xyz", basis="complex"), ValueError, r"euler must be one of"),
        (lambda: wigner_D(1, 0, 0, 0, basis="cartesian"), ValueError, r"basis must be one of"),
        (lambda: wigner_D_from_quaternion(1, [1, 1, 0, 0]), ValueError, r"q must be a unit quaternion"),
        (lambda: wigner_D_from_matrix(HALF, np.eye(3)), ValueError, r"l must be an integer for wigner_D_from_m"),
        (lambda: wigner_D_from_matrix(1, 2 * np.eye(3), basis="complex"), ValueError, r"R must be orthogonal"),
        (lambda: wigner_D_from_matrix(1, -np.eye(3), basis="complex"), ValueError, r"R has determinant −1"),
        (lambda: wigner_D_from_matrix(1, np.full((3, 3), np.nan)), ValueError, r"R\[0, 0\] must be finite"),
        (lambda: wigner_small_d_half_pi_exact(-2), ValueError, r"l must be non-negative"),
    ],
)
def test_invalid_input(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


def test_normalize_accepts_a_scaled_quaternion():
    q = np.array([0.5, 0.5, -0.5, 0.5])
    scaled = wigner_D_from_quaternion(2, 3 * q, normalize=True, dps=DPS, basis="complex")
    assert max_abs(scaled - wigner_D_from_quaternion(2, q, dps=DPS, basis="complex")) <= TIGHT
    assert max_abs(matrix_from_quaternion(q, dps=DPS) - matrix_from_quaternion(3 * q, normalize=True, dps=DPS)) == 0
