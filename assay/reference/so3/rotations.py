"""Rotations at any precision: Euler angles (ZYZ and e3nn's Y–X–Y), unit quaternions, rotation matrices.

Conventions (all rotations are *active*: ``R`` turns the vector ``r`` into ``R r``, right-handed):

- ``R_x(t), R_y(t), R_z(t)`` are the rotations by ``t`` about the coordinate axes, e.g.
  ``R_z(t) = [[cos t, −sin t, 0], [sin t, cos t, 0], [0, 0, 1]]``.
- ZYZ (Edmonds, Wigner; ``euler="zyz"``): ``R(α, β, γ) = R_z(α) R_y(β) R_z(γ)`` — γ about z first, then β about y,
  then α about z (all about the fixed axes).
- e3nn (``euler="e3nn_yxy"``): ``R(α, β, γ) = R_y(α) R_x(β) R_y(γ)`` — ``e3nn.o3.angles_to_matrix``.
  With the cyclic axis permutation ``P`` (``P r = (z, x, y)``, ``P = [[0,0,1],[1,0,0],[0,1,0]]``, det +1)
  ``P R_y(t) Pᵀ = R_z(t)`` and ``P R_x(t) Pᵀ = R_y(t)``, so ``P R_yxy(α,β,γ) Pᵀ = R_zyz(α,β,γ)``: the Y–X–Y angles of
  ``R`` are the ZYZ angles of ``P R Pᵀ``.
- Quaternions are scalar first, ``q = (w, x, y, z)``, ``q = cos(ω/2) + sin(ω/2)(n_x i + n_y j + n_z k)`` for the
  rotation by ``ω`` about the unit axis ``n``; ``R(q) r = q r q*``. ``q`` and ``−q`` give the same ``R`` (they
  differ for half-integer Wigner D); :func:`quaternion_from_matrix` returns the one with ``w ≥ 0``.
  ``R(q1 q2) = R(q1) R(q2)``.

Matrices are returned as 3×3 numpy object arrays of ``mpmath.mpf`` (``.astype(float)`` gives float64), and inputs
may be floats, mpmath numbers or sympy expressions. Validation names the argument: a matrix must be finite, real
3×3 and orthogonal to ``atol`` (``‖RᵀR − I‖_max ≤ atol``); det −1 is refused unless ``allow_improper=True``; a
quaternion must have ``|‖q‖ − 1| ≤ atol`` unless ``normalize=True``. Every ``atol`` must be a finite number ``>= 0``
(NaN would switch the check off); the flags ``normalize`` and ``allow_improper`` must be bools.
"""

from __future__ import annotations

from typing import Any

import mpmath
import numpy as np

from assay.core.conventions import resolve
from assay.core.validation import as_point_array, as_tolerance, check_dps
from assay.reference.so3._mp import to_mpf
from assay.reference.so3.conventions import EULER

__all__ = [
    "AXIS_PERMUTATION_MATRIX",
    "AXIS_PERMUTATION_QUATERNION",
    "check_rotation_matrix",
    "check_unit_quaternion",
    "euler_from_matrix",
    "matrix_entries",
    "matrix_from_euler",
    "matrix_from_quaternion",
    "quaternion_from_euler",
    "quaternion_from_matrix",
    "quaternion_multiply",
    "rotation_matrix_from_quaternion",
    "rotation_x",
    "rotation_y",
    "rotation_z",
]

#: ``P`` with ``P (x, y, z) = (z, x, y)``: maps e3nn's polar axis y onto z (rotation by 2π/3 about (1,1,1)/√3).
AXIS_PERMUTATION_MATRIX = np.array([[0, 0, 1], [1, 0, 0], [0, 1, 0]], dtype=object)
#: the unit quaternion (½, ½, ½, ½) of ``P``
AXIS_PERMUTATION_QUATERNION = (mpmath.mpf(0.5),) * 4

DEFAULT_MATRIX_ATOL = 1e-10
DEFAULT_QUATERNION_ATOL = 1e-12


def _matrix(rows: list[list[Any]]) -> np.ndarray:
    out = np.empty((3, 3), dtype=object)
    for i in range(3):
        for j in range(3):
            out[i, j] = rows[i][j]
    return out


def rotation_x(angle: Any, dps: int = 50) -> np.ndarray:
    """``R_x(angle) = [[1, 0, 0], [0, c, −s], [0, s, c]]``."""
    with mpmath.workdps(check_dps(dps)):
        t = to_mpf(angle, "angle")
        c, s = mpmath.cos(t), mpmath.sin(t)
        one, zero = mpmath.mpf(1), mpmath.mpf(0)
        return _matrix([[one, zero, zero], [zero, c, -s], [zero, s, c]])


def rotation_y(angle: Any, dps: int = 50) -> np.ndarray:
    """``R_y(angle) = [[c, 0, s], [0, 1, 0], [−s, 0, c]]``."""
    with mpmath.workdps(check_dps(dps)):
        t = to_mpf(angle, "angle")
        c, s = mpmath.cos(t), mpmath.sin(t)
        one, zero = mpmath.mpf(1), mpmath.mpf(0)
        return _matrix([[c, zero, s], [zero, one, zero], [-s, zero, c]])


def rotation_z(angle: Any, dps: int = 50) -> np.ndarray:
    """``R_z(angle) = [[c, −s, 0], [s, c, 0], [0, 0, 1]]``."""
    with mpmath.workdps(check_dps(dps)):
        t = to_mpf(angle, "angle")
        c, s = mpmath.cos(t), mpmath.sin(t)
        one, zero = mpmath.mpf(1), mpmath.mpf(0)
        return _matrix([[c, -s, zero], [s, c, zero], [zero, zero, one]])


# -- quaternions ----------------------------------------------------------------------------------------------
def quaternion_multiply(q1: Any, q2: Any) -> tuple[mpmath.mpf, mpmath.mpf, mpmath.mpf, mpmath.mpf]:
    """The Hamilton product ``q1 q2`` (scalar first), so that ``R(q1 q2) = R(q1) R(q2)``, at the working
    precision. Each quaternion is four finite real numbers."""
    w1, x1, y1, z1 = (to_mpf(v, f"q1[{i}]") for i, v in enumerate(_flat(q1, "q1", 4)))
    w2, x2, y2, z2 = (to_mpf(v, f"q2[{i}]") for i, v in enumerate(_flat(q2, "q2", 4)))
    return (
        w1 * w2 - x1 * x2 - y1 * y2 - z1 * z2,
        w1 * x2 + x1 * w2 + y1 * z2 - z1 * y2,
        w1 * y2 - x1 * z2 + y1 * w2 + z1 * x2,
        w1 * z2 + x1 * y2 - y1 * x2 + z1 * w2,
    )


def _axis_quaternion(axis: int, angle: mpmath.mpf) -> tuple[mpmath.mpf, ...]:
    half = angle / 2
    q = [mpmath.cos(half), mpmath.mpf(0), mpmath.mpf(0), mpmath.mpf(0)]
    q[1 + axis] = mpmath.sin(half)
    return tuple(q)


def _euler_axes(euler: str) -> tuple[int, int, int]:
    return (2, 1, 2) if resolve(EULER, euler, "euler") == "zyz" else (1, 0, 1)


def _quaternion_from_euler_mp(alpha: Any, beta: Any, gamma: Any, euler: str) -> tuple[mpmath.mpf, ...]:
    outer, middle, inner = _euler_axes(euler)
    a = to_mpf(alpha, "alpha")
    b = to_mpf(beta, "beta")
    g = to_mpf(gamma, "gamma")
    return quaternion_multiply(
        quaternion_multiply(_axis_quaternion(outer, a), _axis_quaternion(middle, b)), _axis_quaternion(inner, g)
    )


def quaternion_from_euler(alpha: Any, beta: Any, gamma: Any, euler: str = "zyz", dps: int = 50) -> tuple:
    """The unit quaternion ``q(α) q(β) q(γ)`` of the Euler rotation (ZYZ or e3nn Y–X–Y), scalar first.

    This is the SU(2) lift used by half-integer Wigner D: ``q_z(t) = (cos t/2, 0, 0, sin t/2)`` etc., so e.g. the
    ZYZ quaternion is the spin-½ matrix ``e^{−iαJz} e^{−iβJy} e^{−iγJz}`` (see :mod:`assay.reference.so3.wigner`).
    """
    with mpmath.workdps(check_dps(dps)):
        return tuple(+c for c in _quaternion_from_euler_mp(alpha, beta, gamma, euler))


def _matrix_from_unit_quaternion(q: tuple[mpmath.mpf, ...]) -> np.ndarray:
    w, x, y, z = q
    return _matrix(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )


def check_unit_quaternion(
    q: Any, name: str = "q", normalize: bool = False, atol: float = DEFAULT_QUATERNION_ATOL
) -> tuple[mpmath.mpf, ...]:
    """``q`` as four mpf at the working precision, divided by its norm.

    Refuses a wrong shape, non-finite entries, the zero quaternion and — unless ``normalize`` — a norm that differs
    from 1 by more than ``atol``. The result is always exactly renormalized at the working precision, so it is the
    rotation ``q/‖q‖``.
    """
    _check_flag(normalize, "normalize")
    atol = as_tolerance(atol, "atol")
    entries = _flat(q, name, 4)
    values = tuple(to_mpf(entry, f"{name}[{i}]") for i, entry in enumerate(entries))
    norm = mpmath.sqrt(mpmath.fsum(v * v for v in values))
    if norm == 0:
        raise ValueError(f"{name} must be a non-zero quaternion; got (0, 0, 0, 0)")
    if not normalize and abs(norm - 1) > atol:
        raise ValueError(
            f"{name} must be a unit quaternion (|‖{name}‖ − 1| <= {atol}); got norm {mpmath.nstr(norm, 17)}. "
            f"Pass normalize=True to use {name}/‖{name}‖"
        )
    return tuple(v / norm for v in values)


def matrix_from_quaternion(q: Any, normalize: bool = False, dps: int = 50, atol: float = DEFAULT_QUATERNION_ATOL):
    """The rotation matrix ``R(q)`` of the (unit) quaternion ``q = (w, x, y, z)``, ``R(q) r = q r q*``.

    ``q`` must have ``|‖q‖ − 1| ≤ atol`` (a finite ``atol >= 0``) unless ``normalize=True``.
    """
    with mpmath.workdps(check_dps(dps) + 10):
        unit = check_unit_quaternion(q, "q", normalize=normalize, atol=atol)
        matrix = _matrix_from_unit_quaternion(unit)
    with mpmath.workdps(dps):
        return np.vectorize(lambda v: +v, otypes=[object])(matrix)


def rotation_matrix_from_quaternion(q: Any) -> np.ndarray:
    """float64 rotation matrices of unit quaternions ``q = (w, x, y, z)`` (shape ``(..., 4)`` → ``(..., 3, 3)``),
    ``R(q) r = q r q*``. The one float formula of assay (the mpmath one is :func:`matrix_from_quaternion`); the
    quaternions must already be unit (``|‖q‖ − 1| ≤ 1e-12``)."""
    q = as_point_array(q, "q", width=4, what="quaternions")
    if not np.all(np.isfinite(q)) or np.any(np.abs(np.linalg.norm(q, axis=-1) - 1) > 1e-12):
        raise ValueError("q must hold finite unit quaternions (|‖q‖ − 1| <= 1e-12)")
    w, x, y, z = np.moveaxis(q, -1, 0)
    rows = [
        [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
        [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
        [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
    ]
    return np.moveaxis(np.array(rows, dtype=np.float64), (0, 1), (-2, -1))


def _check_flag(value: Any, name: str) -> None:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__}")


def _flat(value: Any, name: str, size: int) -> list[Any]:
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a sequence of {size} numbers, got {type(value).__name__}")
    try:
        array = np.asarray(value, dtype=object)
    except Exception as error:  # pragma: no cover - numpy builds an object array from anything
        raise TypeError(f"{name} must be array-like") from error
    if array.shape != (size,):
        raise ValueError(f"{name} must have shape ({size},), got {array.shape}")
    return list(array)


def check_rotation_matrix(
    R: Any, name: str = "R", allow_improper: bool = False, atol: float = DEFAULT_MATRIX_ATOL
) -> tuple[np.ndarray, int]:
    """``(R as a 3×3 object array of mpf, det sign)``; refuses non-finite, non-orthogonal and (unless allowed) det −1.

    Orthogonality is ``max |RᵀR − I| ≤ atol`` (a finite ``atol >= 0``). Runs at the caller's working precision.
    """
    _check_flag(allow_improper, "allow_improper")
    atol = as_tolerance(atol, "atol")
    matrix = matrix_entries(R, name)
    gram_error = max(
        abs(mpmath.fsum(matrix[k, i] * matrix[k, j] for k in range(3)) - (1 if i == j else 0))
        for i in range(3)
        for j in range(3)
    )
    if gram_error > atol:
        raise ValueError(
            f"{name} must be orthogonal (max |{name}ᵀ{name} − I| <= {atol}); got {mpmath.nstr(gram_error, 3)}"
        )
    det = mpmath.det(mpmath.matrix(matrix.tolist()))
    sign = 1 if det > 0 else -1
    if sign < 0 and not allow_improper:
        raise ValueError(
            f"{name} has determinant −1 (an improper rotation: a reflection or inversion); "
            "pass allow_improper=True to accept it"
        )
    return matrix, sign


def matrix_entries(R: Any, name: str = "R") -> np.ndarray:
    """``R`` (array-like or torch tensor, 3×3, finite real entries) as a 3×3 object array of mpf at the working
    precision — no orthogonality check (see :func:`check_rotation_matrix`)."""
    if hasattr(R, "detach"):  # a torch tensor: take its values without importing torch
        R = R.detach().cpu().numpy()
    if isinstance(R, (str, bytes)):
        raise TypeError(f"{name} must be a 3×3 matrix of numbers, got {type(R).__name__}")
    array = np.asarray(R, dtype=object)
    if array.shape != (3, 3):
        raise ValueError(f"{name} must be a 3×3 matrix, got shape {array.shape}")
    matrix = np.empty((3, 3), dtype=object)
    for i in range(3):
        for j in range(3):
            matrix[i, j] = to_mpf(array[i, j], f"{name}[{i}, {j}]")
    return matrix


def _quaternion_from_rotation(matrix: np.ndarray) -> tuple[mpmath.mpf, ...]:
    """Shepperd's method: pick the largest of 4w², 4x², 4y², 4z² as the pivot (no cancellation), then ``w ≥ 0``."""
    m = matrix
    trace = m[0, 0] + m[1, 1] + m[2, 2]
    candidates = [trace, m[0, 0], m[1, 1], m[2, 2]]
    pivot = max(range(4), key=lambda k: candidates[k])
    if pivot == 0:
        s = 2 * mpmath.sqrt(1 + trace)  # s = 4w
        q = (s / 4, (m[2, 1] - m[1, 2]) / s, (m[0, 2] - m[2, 0]) / s, (m[1, 0] - m[0, 1]) / s)
    elif pivot == 1:
        s = 2 * mpmath.sqrt(1 + m[0, 0] - m[1, 1] - m[2, 2])  # s = 4x
        q = ((m[2, 1] - m[1, 2]) / s, s / 4, (m[0, 1] + m[1, 0]) / s, (m[0, 2] + m[2, 0]) / s)
    elif pivot == 2:
        s = 2 * mpmath.sqrt(1 - m[0, 0] + m[1, 1] - m[2, 2])  # s = 4y
        q = ((m[0, 2] - m[2, 0]) / s, (m[0, 1] + m[1, 0]) / s, s / 4, (m[1, 2] + m[2, 1]) / s)
    else:
        s = 2 * mpmath.sqrt(1 - m[0, 0] - m[1, 1] + m[2, 2])  # s = 4z
        q = ((m[1, 0] - m[0, 1]) / s, (m[0, 2] + m[2, 0]) / s, (m[1, 2] + m[2, 1]) / s, s / 4)
    norm = mpmath.sqrt(mpmath.fsum(c * c for c in q))
    sign = -1 if q[0] < 0 else 1
    return tuple(sign * c / norm for c in q)


def quaternion_from_matrix(R: Any, dps: int = 50, atol: float = DEFAULT_MATRIX_ATOL) -> tuple:
    """The unit quaternion (``w ≥ 0``) of the rotation matrix ``R`` (validated to a finite ``atol >= 0``; det −1
    refused).

    For an ``R`` that is orthogonal only to ``atol`` the quaternion is computed by Shepperd's method and
    renormalized, i.e. it is a rotation within O(atol) of ``R``.
    """
    with mpmath.workdps(check_dps(dps) + 10):
        matrix, _ = check_rotation_matrix(R, "R", allow_improper=False, atol=atol)
        q = _quaternion_from_rotation(matrix)
    with mpmath.workdps(dps):
        return tuple(+c for c in q)


def matrix_from_euler(alpha: Any, beta: Any, gamma: Any, euler: str = "zyz", dps: int = 50) -> np.ndarray:
    """``R_z(α) R_y(β) R_z(γ)`` (``euler="zyz"``) or ``R_y(α) R_x(β) R_y(γ)`` (``euler="e3nn_yxy"``)."""
    dps = check_dps(dps)
    with mpmath.workdps(dps + 10):
        matrix = _matrix_from_unit_quaternion(_quaternion_from_euler_mp(alpha, beta, gamma, euler))
    with mpmath.workdps(dps):
        return np.vectorize(lambda v: +v, otypes=[object])(matrix)


def _zyz_from_rotation(m: np.ndarray) -> tuple[mpmath.mpf, mpmath.mpf, mpmath.mpf]:
    """ZYZ angles with β ∈ [0, π], α, γ ∈ (−π, π]; at gimbal lock (sin β = 0 to working precision) γ = 0.

    From ``R = R_z(α) R_y(β) R_z(γ)``: ``R13 = cos α sin β``, ``R23 = sin α sin β``, ``R33 = cos β``,
    ``R31 = −sin β cos γ``, ``R32 = sin β sin γ``.
    """
    sin_beta = mpmath.sqrt(m[0, 2] ** 2 + m[1, 2] ** 2)
    beta = mpmath.atan2(sin_beta, m[2, 2])
    if sin_beta > mpmath.mpf(10) ** (-(mpmath.mp.dps - 5)):
        alpha = mpmath.atan2(m[1, 2], m[0, 2])
        gamma = mpmath.atan2(m[2, 1], -m[2, 0])
    elif m[2, 2] > 0:  # β = 0: R = R_z(α + γ)
        alpha, gamma = mpmath.atan2(m[1, 0], m[0, 0]), mpmath.mpf(0)
    else:  # β = π: R = R_z(α − γ) R_y(π), R11 = −cos α, R12 = −sin α
        alpha, gamma = mpmath.atan2(-m[0, 1], -m[0, 0]), mpmath.mpf(0)
    return alpha, beta, gamma


def euler_from_matrix(R: Any, euler: str = "zyz", dps: int = 50, atol: float = DEFAULT_MATRIX_ATOL) -> tuple:
    """The Euler angles ``(α, β, γ)`` of the rotation ``R`` in the ``euler`` convention (ZYZ or e3nn Y–X–Y).

    β ∈ [0, π]; α, γ ∈ (−π, π]; where β is 0 or π only α ± γ is determined and γ = 0 is returned.
    For ``e3nn_yxy`` these are the ZYZ angles of ``P R Pᵀ`` (see the module docstring).
    """
    dps = check_dps(dps)
    with mpmath.workdps(dps + 10):
        matrix, _ = check_rotation_matrix(R, "R", allow_improper=False, atol=atol)
        if resolve(EULER, euler, "euler") == "e3nn_yxy":
            P = AXIS_PERMUTATION_MATRIX
            matrix = P.dot(matrix).dot(P.T)
        angles = _zyz_from_rotation(matrix)
    with mpmath.workdps(dps):
        return tuple(+a for a in angles)
