"""Tests of assay.reference.so3.rotations: Euler angles (ZYZ, e3nn Y–X–Y), quaternions, matrices, validation.

Bounds: mpmath computations at ``dps = 40`` are compared to 1e-35 (5 digits of slack for the working precision);
float64 peers (e3nn) to 1e-15 absolute on entries of size ≤ 1 (a few ulps of their own float64 arithmetic).
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given

from assay.properties.so3.strategies import euler_angles, rotation_matrices, unit_quaternions
from assay.reference.so3.rotations import (
    AXIS_PERMUTATION_MATRIX,
    AXIS_PERMUTATION_QUATERNION,
    check_rotation_matrix,
    euler_from_matrix,
    matrix_from_euler,
    matrix_from_quaternion,
    quaternion_from_euler,
    quaternion_from_matrix,
    quaternion_multiply,
    rotation_x,
    rotation_y,
    rotation_z,
)

DPS = 40
TIGHT = 1e-35


@pytest.fixture(autouse=True)
def _working_precision():
    """Object-array arithmetic in the tests (``dot``) runs at mpmath's global precision: raise it for each test."""
    with mpmath.workdps(DPS + 10):
        yield


def max_diff(a, b) -> float:
    with mpmath.workdps(DPS + 10):
        return float(max(abs(x - y) for x, y in zip(np.ravel(a), np.ravel(b))))


def test_axis_rotations_are_right_handed():
    # R_z(π/2) takes x to y, R_x(π/2) takes y to z, R_y(π/2) takes z to x (exact angles from sympy)
    import sympy

    quarter = sympy.pi / 2
    assert max_diff(rotation_z(quarter, DPS).dot([1, 0, 0]), [0, 1, 0]) < TIGHT
    assert max_diff(rotation_x(quarter, DPS).dot([0, 1, 0]), [0, 0, 1]) < TIGHT
    assert max_diff(rotation_y(quarter, DPS).dot([0, 0, 1]), [1, 0, 0]) < TIGHT


@given(euler_angles())
def test_zyz_and_yxy_are_products_of_axis_rotations(angles):
    alpha, beta, gamma = angles
    zyz = rotation_z(alpha, DPS).dot(rotation_y(beta, DPS)).dot(rotation_z(gamma, DPS))
    yxy = rotation_y(alpha, DPS).dot(rotation_x(beta, DPS)).dot(rotation_y(gamma, DPS))
    assert max_diff(matrix_from_euler(alpha, beta, gamma, "zyz", DPS), zyz) < TIGHT
    assert max_diff(matrix_from_euler(alpha, beta, gamma, "e3nn_yxy", DPS), yxy) < TIGHT
    # P R_yxy(α, β, γ) Pᵀ = R_zyz(α, β, γ)
    P = AXIS_PERMUTATION_MATRIX
    assert max_diff(P.dot(yxy).dot(P.T), zyz) < TIGHT


def test_axis_permutation_quaternion_is_the_permutation():
    assert max_diff(matrix_from_quaternion(AXIS_PERMUTATION_QUATERNION, dps=DPS), AXIS_PERMUTATION_MATRIX) == 0


@given(euler_angles())
def test_euler_round_trip(angles):
    for euler in ("zyz", "e3nn_yxy"):
        matrix = matrix_from_euler(*angles, euler=euler, dps=DPS)
        recovered = euler_from_matrix(matrix, euler=euler, dps=DPS)
        assert 0 <= recovered[1] <= mpmath.pi
        assert max_diff(matrix_from_euler(*recovered, euler=euler, dps=DPS), matrix) < TIGHT


@pytest.mark.parametrize("beta", [0, math.pi])
def test_euler_at_gimbal_lock_sets_gamma_to_zero(beta):
    import sympy

    exact_beta = 0 if beta == 0 else sympy.pi
    matrix = matrix_from_euler(0.4, exact_beta, -1.1, dps=DPS)
    alpha, recovered_beta, gamma = euler_from_matrix(matrix, dps=DPS)
    assert gamma == 0
    assert abs(recovered_beta - beta) < 1e-15
    assert max_diff(matrix_from_euler(alpha, recovered_beta, gamma, dps=DPS), matrix) < TIGHT


@given(unit_quaternions(), unit_quaternions())
def test_quaternion_product_is_matrix_product(q1, q2):
    with mpmath.workdps(DPS):
        product = quaternion_multiply([mpmath.mpf(c) for c in q1], [mpmath.mpf(c) for c in q2])
    left = matrix_from_quaternion(product, normalize=True, dps=DPS)
    right = matrix_from_quaternion(q1, dps=DPS).dot(matrix_from_quaternion(q2, dps=DPS))
    assert max_diff(left, right) < 1e-30  # q1, q2 are unit only to float64: normalizing them moves R by ≤ 1e-16


@given(rotation_matrices())
def test_quaternion_round_trip(matrix):
    exact = matrix_from_quaternion(quaternion_from_matrix(matrix, dps=DPS), dps=DPS)
    assert max_diff(exact, matrix) < 1e-15  # the float64 input is orthogonal only to ~1e-16
    q = quaternion_from_matrix(exact, dps=DPS)
    assert q[0] >= 0
    assert max_diff(matrix_from_quaternion(q, dps=DPS), exact) < TIGHT


@given(euler_angles())
def test_quaternion_from_euler_matches_matrix(angles):
    for euler in ("zyz", "e3nn_yxy"):
        q = quaternion_from_euler(*angles, euler=euler, dps=DPS)
        assert max_diff(matrix_from_quaternion(q, dps=DPS), matrix_from_euler(*angles, euler=euler, dps=DPS)) < TIGHT


def test_quaternion_from_euler_is_the_su2_lift():
    # a 2π turn about z is the identity rotation but the quaternion −1
    import sympy

    q = quaternion_from_euler(2 * sympy.pi, 0, 0, dps=DPS)
    assert max_diff(q, [-1, 0, 0, 0]) < TIGHT


# -- validation ---------------------------------------------------------------------------------------------
def test_non_orthogonal_matrix_is_refused():
    with pytest.raises(ValueError, match=r"R must be orthogonal"):
        quaternion_from_matrix(np.diag([1.0, 1.0, 1.001]))


def test_improper_matrix_is_refused_unless_allowed():
    reflection = np.diag([1.0, 1.0, -1.0])
    with pytest.raises(ValueError, match=r"determinant −1.*allow_improper=True"):
        euler_from_matrix(reflection)
    with mpmath.workdps(20):
        _, sign = check_rotation_matrix(reflection, allow_improper=True)
    assert sign == -1


@pytest.mark.parametrize(
    ("bad", "error", "pattern"),
    [
        (np.full((3, 3), np.nan), ValueError, r"R\[0, 0\] must be finite"),
        (np.eye(2), ValueError, r"R must be a 3×3 matrix"),
        ([["a", 0, 0], [0, 1, 0], [0, 0, 1]], TypeError, r"R\[0, 0\] must be a real number"),
    ],
)
def test_bad_matrices(bad, error, pattern):
    with pytest.raises(error, match=pattern):
        euler_from_matrix(bad)


def test_quaternion_validation():
    with pytest.raises(ValueError, match=r"q must be a unit quaternion.*normalize=True"):
        matrix_from_quaternion([1.0, 1.0, 0.0, 0.0])
    assert max_diff(matrix_from_quaternion([2.0, 0, 0, 0], normalize=True, dps=DPS), np.eye(3)) == 0
    with pytest.raises(ValueError, match=r"q must be a non-zero quaternion"):
        matrix_from_quaternion([0, 0, 0, 0], normalize=True)
    with pytest.raises(ValueError, match=r"q must have shape \(4,\)"):
        matrix_from_quaternion([1, 0, 0])
    with pytest.raises(ValueError, match=r"q\[1\] must be finite"):
        matrix_from_quaternion([1, math.nan, 0, 0])


def test_angle_and_name_validation():
    with pytest.raises(ValueError, match=r"beta must be finite"):
        matrix_from_euler(0, math.nan, 0)
    with pytest.raises(ValueError, match=r"euler must be one of .*'zyz'"):
        matrix_from_euler(0, 0, 0, euler="xyz")
    with pytest.raises(ValueError, match=r"dps must be >= 1"):
        matrix_from_euler(0, 0, 0, dps=0)
    with pytest.raises(TypeError, match=r"alpha must be a real number, not a bool"):
        matrix_from_euler(True, 0, 0)


# -- peers ------------------------------------------------------------------------------------------------------
@pytest.mark.peer
@given(euler_angles())
def test_e3nn_angles_to_matrix(angles):
    torch = pytest.importorskip("torch")
    o3 = pytest.importorskip("e3nn.o3")
    alpha, beta, gamma = (torch.tensor(a, dtype=torch.float64) for a in angles)
    theirs = o3.angles_to_matrix(alpha, beta, gamma).numpy()
    ours = matrix_from_euler(*angles, euler="e3nn_yxy", dps=30).astype(float)
    assert np.max(np.abs(theirs - ours)) <= 1e-15


@pytest.mark.peer
@given(rotation_matrices())
def test_e3nn_matrix_to_angles_and_quaternion(matrix):
    torch = pytest.importorskip("torch")
    o3 = pytest.importorskip("e3nn.o3")
    their_angles = o3.matrix_to_angles(torch.tensor(matrix))
    rebuilt = matrix_from_euler(*(float(a) for a in their_angles), euler="e3nn_yxy", dps=30).astype(float)
    ours = matrix_from_euler(*euler_from_matrix(matrix, euler="e3nn_yxy", dps=30), euler="e3nn_yxy", dps=30)
    # e3nn loses accuracy near its gimbal lock (β ≈ 0, π: acos of y near ±1); compare the rebuilt matrices
    assert np.max(np.abs(rebuilt - matrix)) <= 1e-7
    assert np.max(np.abs(ours.astype(float) - matrix)) <= 1e-15
    our_q = np.array(quaternion_from_matrix(matrix, dps=30), dtype=float)
    if 1 + np.trace(matrix) > 1e-3:
        # e3nn goes through axis–angle, whose axis is lost at half-turns (e.g. for R = diag(1, −1, −1) it returns
        # a quaternion 1.0 away from ±(0, 1, 0, 0)); compare only away from rotation angle π
        their_q = o3.matrix_to_quaternion(torch.tensor(matrix)).numpy()
        assert min(np.max(np.abs(their_q - our_q)), np.max(np.abs(their_q + our_q))) <= 1e-7
