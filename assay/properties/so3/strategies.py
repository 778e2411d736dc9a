"""Hypothesis strategies for SO(3) inputs: degrees, orders, triangles, spins, rotations, points, Euler angles.

Random continuous draws (rotations, points) come from a drawn 32-bit seed fed to numpy's normal generator, so their
distribution is the intended one (uniform on SO(3) / S², which Hypothesis' own float strategies do not give) and
every example is reproducible from its seed; the strategies mix in the special cases that break implementations:
the identity, half-turns, gimbal-lock Euler angles, exact poles and points 1e-12 away from a pole.

The same special cases are also available as fixed lists — :func:`special_euler_angles`,
:func:`special_rotation_matrices`, :func:`special_sphere_points` — which every profile checks explicitly before
any drawn example, so a derandomized run is not blind to what random exploration would find: 0, ±π/2 and π in
every Euler slot (gimbal lock at β = 0 and π), β 1e-12 away from gimbal lock, small angles (2⁻¹⁰ … 2⁻⁴ rad and
1e-6, where matrix exponentials and series switch regimes) in each slot, the identity, half- and quarter-turns,
small rotations about each axis, and the poles of every axis with points 1e-12 away from them.

Values: degrees are ``int``; spins are ``fractions.Fraction`` (``Fraction(3, 2)``); rotation matrices and points
are float64 numpy arrays; quaternions are float64 arrays ``(w, x, y, z)`` (scalar first, unit norm to 1 ulp-ish).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
from hypothesis import strategies as st

from assay.reference.so3.rotations import rotation_matrix_from_quaternion

__all__ = [
    "SMALL_ANGLES",
    "SPECIAL_AZIMUTHS",
    "SPECIAL_POLARS",
    "O3Rotation",
    "degrees",
    "euler_angles",
    "invalid_triangles",
    "lm_pairs",
    "o3_rotations",
    "point_sets",
    "rotation_matrices",
    "special_euler_angles",
    "special_rotation_matrices",
    "special_sphere_points",
    "sphere_points",
    "spin_orders",
    "spins",
    "triangles",
    "unit_quaternions",
]

_SEEDS = st.integers(min_value=0, max_value=2**32 - 1)

#: Azimuthal Euler angles (α, γ) that break implementations: 0, the right angles and the half-turn (both signs).
SPECIAL_AZIMUTHS = (0.0, math.pi / 2, -math.pi / 2, math.pi, -math.pi)
#: Polar Euler angles (β): gimbal lock at 0 and π, the right angle, and 1e-12 away from gimbal lock.
SPECIAL_POLARS = (0.0, 1e-12, math.pi / 2, math.pi - 1e-12, math.pi)
#: Small non-zero angles (radians): near the identity, where truncated series, matrix exponentials
#: (scaling and squaring) and half-angle formulas change regime.
SMALL_ANGLES = (1e-6, 2.0**-10, 2.0**-8, 2.0**-7, 2.0**-6, 2.0**-5, 2.0**-4)


def degrees(max_l: int = 12, min_l: int = 0) -> st.SearchStrategy[int]:
    """Integer degrees ``min_l ≤ l ≤ max_l``."""
    return st.integers(min_value=min_l, max_value=max_l)


def lm_pairs(max_l: int = 12, min_l: int = 0) -> st.SearchStrategy[tuple[int, int]]:
    """Pairs ``(l, m)`` with ``|m| ≤ l``; m = ±l and 0 are reached by shrinking and by the bounds."""
    return degrees(max_l, min_l).flatmap(lambda l: st.tuples(st.just(l), st.integers(-l, l)))


def spins(max_twice_j: int = 9, half_integer_only: bool = False) -> st.SearchStrategy[Fraction]:
    """Spins ``j`` as ``Fraction`` (``j = n/2``, ``0 ≤ n ≤ max_twice_j``); only odd ``n`` with ``half_integer_only``."""
    twice = st.integers(min_value=0, max_value=max_twice_j)
    if half_integer_only:
        twice = st.integers(min_value=0, max_value=max(0, (max_twice_j - 1) // 2)).map(lambda k: 2 * k + 1)
    return twice.map(lambda n: Fraction(n, 2))


def spin_orders(max_twice_j: int = 9, half_integer_only: bool = False) -> st.SearchStrategy[tuple]:
    """``(j, m', m)`` with ``m', m ∈ {−j, −j+1, …, j}`` (Fractions)."""

    def orders(j: Fraction) -> st.SearchStrategy[tuple]:
        steps = st.integers(0, int(2 * j))
        return st.tuples(st.just(j), steps.map(lambda k: k - j), steps.map(lambda k: k - j))

    return spins(max_twice_j, half_integer_only).flatmap(orders)


def triangles(max_l: int = 8, with_orders: bool = False, even_sum: bool = False) -> st.SearchStrategy[tuple]:
    """Valid ``(l1, l2, l3)`` with ``|l1 − l2| ≤ l3 ≤ min(l1 + l2, max_l)``.

    ``even_sum``: only ``l1 + l2 + l3`` even (the parity rule of Gaunt coefficients). ``with_orders``: append
    ``(m1, m2, m3)`` with ``|m_i| ≤ l_i`` and ``m1 + m2 + m3 = 0``.
    """

    @st.composite
    def draw(data: st.DrawFn) -> tuple:
        l1 = data(st.integers(0, max_l))
        l2 = data(st.integers(0, max_l))
        # never empty: l3 = |l1 − l2| ≤ max_l is valid and l1 + l2 + |l1 − l2| is even
        step = 2 if even_sum else 1
        l3 = data(st.sampled_from(range(abs(l1 - l2), min(l1 + l2, max_l) + 1, step)))
        if not with_orders:
            return (l1, l2, l3)
        m1 = data(st.integers(-l1, l1))
        low, high = max(-l2, -l3 - m1), min(l2, l3 - m1)  # need |m2| ≤ l2 and |m1 + m2| ≤ l3
        m2 = data(st.integers(low, high))
        return (l1, l2, l3, m1, m2, -m1 - m2)

    return draw()


def invalid_triangles(max_l: int = 8) -> st.SearchStrategy[tuple[int, int, int]]:
    """``(l1, l2, l3)`` that break the triangle rule: ``l3 > l1 + l2`` or ``l3 < |l1 − l2|``."""

    @st.composite
    def draw(data: st.DrawFn) -> tuple[int, int, int]:
        l1 = data(st.integers(0, max_l))
        l2 = data(st.integers(0, max_l))
        too_small = list(range(abs(l1 - l2)))
        too_large = list(range(l1 + l2 + 1, l1 + l2 + 4))
        l3 = data(st.sampled_from(too_small + too_large))
        return (l1, l2, l3)

    return draw()


# -- rotations ------------------------------------------------------------------------------------------------
def _quaternion_from_seed(seed: int) -> np.ndarray:
    """Uniform on S³ (hence on SO(3)): four standard normal draws, normalized; ``w ≥ 0``."""
    rng = np.random.default_rng(seed)
    while True:
        q = rng.standard_normal(4)
        norm = float(np.linalg.norm(q))
        if norm > 1e-6:
            q = q / norm
            return q if q[0] >= 0 else -q


_S = math.sqrt(0.5)
_SPECIAL_QUATERNIONS = [
    (1.0, 0.0, 0.0, 0.0),  # identity
    (0.0, 1.0, 0.0, 0.0),  # half-turn about x
    (0.0, 0.0, 1.0, 0.0),  # half-turn about y (ZYZ β = π: gimbal lock)
    (0.0, 0.0, 0.0, 1.0),  # half-turn about z
    (_S, 0.0, 0.0, _S),  # quarter-turn about z (ZYZ β = 0: gimbal lock)
    (_S, 0.0, _S, 0.0),  # quarter-turn about y
    (0.5, 0.5, 0.5, 0.5),  # the axis permutation (x, y, z) → (z, x, y)
]


def unit_quaternions(special: bool = True) -> st.SearchStrategy[np.ndarray]:
    """Unit quaternions ``(w, x, y, z)``, uniform on S³ (from a seed), plus special rotations when ``special``."""
    random = _SEEDS.map(_quaternion_from_seed)
    if not special:
        return random
    fixed = st.sampled_from(_SPECIAL_QUATERNIONS).map(lambda q: np.array(q, dtype=np.float64))
    return st.one_of(random, random, random, fixed)


def _axis_rotation(axis: int, angle: float) -> np.ndarray:
    """The float64 rotation by ``angle`` about coordinate axis ``axis`` (0 = x, 1 = y, 2 = z)."""
    q = np.zeros(4)
    q[0], q[axis + 1] = math.cos(angle / 2), math.sin(angle / 2)
    return rotation_matrix_from_quaternion(q)


def special_rotation_matrices() -> list[np.ndarray]:
    """Fixed rotation matrices every run checks: the identity, half-turns about x, y, z, quarter-turns, the axis
    permutation, small rotations (:data:`SMALL_ANGLES`) about each axis, and half-turns missed by 2⁻⁸ rad."""
    out = [rotation_matrix_from_quaternion(np.array(q, dtype=np.float64)) for q in _SPECIAL_QUATERNIONS]
    for axis in range(3):
        out += [_axis_rotation(axis, angle) for angle in (SMALL_ANGLES[0], SMALL_ANGLES[2], SMALL_ANGLES[5])]
        out.append(_axis_rotation(axis, math.pi - 2.0**-8))
    return out


def rotation_matrices(special: bool = True) -> st.SearchStrategy[np.ndarray]:
    """3×3 float64 rotation matrices (det +1), uniform on SO(3) via unit quaternions, plus special ones."""
    return unit_quaternions(special).map(rotation_matrix_from_quaternion)


class O3Rotation(tuple):
    """``(matrix, parity)``: an orthogonal matrix and its determinant (+1 or −1)."""

    @property
    def matrix(self) -> np.ndarray:
        return self[0]

    @property
    def parity(self) -> int:
        return self[1]


def o3_rotations(special: bool = True) -> st.SearchStrategy[O3Rotation]:
    """Elements of O(3) as :class:`O3Rotation` ``(R, det R)``: a uniform rotation times ``±I`` (Haar on O(3))."""
    return st.tuples(rotation_matrices(special), st.sampled_from([1, -1])).map(
        lambda pair: O3Rotation((pair[1] * pair[0], pair[1]))
    )


def euler_angles(special: bool = True) -> st.SearchStrategy[tuple[float, float, float]]:
    """``(α, β, γ)`` with α, γ ∈ [−π, π] and β ∈ [0, π]; special values 0, ±π/2, ±π (gimbal lock at β = 0, π)."""
    azimuth = st.floats(min_value=-math.pi, max_value=math.pi, allow_nan=False)
    polar = st.floats(min_value=0.0, max_value=math.pi, allow_nan=False)
    if special:
        azimuth = st.one_of(azimuth, st.sampled_from(SPECIAL_AZIMUTHS + SMALL_ANGLES))
        polar = st.one_of(polar, st.sampled_from(SPECIAL_POLARS + SMALL_ANGLES))
    return st.tuples(azimuth, polar, azimuth)


def special_euler_angles() -> list[tuple[float, float, float]]:
    """Fixed Euler angles ``(α, β, γ)`` every run checks, in this order:

    - every combination of α, γ ∈ {0, π/2, −π/2, π} and β ∈ {0, π/2, π} (48; gimbal lock at β = 0 and π);
    - β = 1e-12 and π − 1e-12 (next to gimbal lock) with α, γ ∈ {0, π/2} (8);
    - each of :data:`SMALL_ANGLES` in each slot, the other two at generic angles (21).
    """
    half = math.pi / 2
    azimuths = (0.0, half, -half, math.pi)
    out = [(a, b, c) for a in azimuths for b in (0.0, half, math.pi) for c in azimuths]
    out += [(a, b, c) for b in (1e-12, math.pi - 1e-12) for a in (0.0, half) for c in (0.0, half)]
    generic = (half, 1.0, -half)  # a right angle beside the small one: the case exploration found in e3nn
    for angle in SMALL_ANGLES:
        for slot in range(3):
            triple = list(generic)
            triple[slot] = angle
            out.append((triple[0], triple[1], triple[2]))
    return out


# -- points on the sphere ------------------------------------------------------------------------------------
def _point_from_seed(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    while True:
        v = rng.standard_normal(3)
        norm = float(np.linalg.norm(v))
        if norm > 1e-6:
            return v / norm


def _near_pole(axis: int, sign: float, angle: float) -> np.ndarray:
    """The unit vector 1e-12 (radians) from the pole ``sign · e_axis``, off in the direction ``angle``."""
    eps = 1e-12
    point = np.zeros(3)
    others = [k for k in range(3) if k != axis]
    point[axis] = sign * math.sqrt(1 - eps * eps)
    point[others[0]] = eps * math.cos(angle)
    point[others[1]] = eps * math.sin(angle)
    return point


def _poles() -> list[np.ndarray]:
    out = []
    for axis in range(3):
        for sign in (1.0, -1.0):
            pole = np.zeros(3)
            pole[axis] = sign
            out.append(pole)
    return out


def sphere_points(special: bool = True) -> st.SearchStrategy[np.ndarray]:
    """Unit vectors (float64, shape (3,)) uniform on S², plus exact poles of every axis (z and e3nn's y) and points
    1e-12 away from them when ``special``."""
    random = _SEEDS.map(_point_from_seed)
    if not special:
        return random
    exact = st.sampled_from(_poles())
    near = st.builds(
        _near_pole,
        st.integers(0, 2),
        st.sampled_from([1.0, -1.0]),
        st.floats(min_value=0.0, max_value=2 * math.pi, allow_nan=False),
    )
    return st.one_of(random, random, random, exact, near)


def special_sphere_points() -> list[np.ndarray]:
    """Fixed unit vectors every run checks: the six poles of the coordinate axes and, for each, a point 1e-12 rad
    away from it."""
    out = _poles()
    for axis in range(3):
        for sign in (1.0, -1.0):
            out.append(_near_pole(axis, sign, 0.7))
    return out


def point_sets(size: int = 16, special: bool = True) -> st.SearchStrategy[np.ndarray]:
    """An ``(size, 3)`` float64 array of unit vectors: random ones, with poles and near-poles mixed in."""
    return st.lists(sphere_points(special), min_size=size, max_size=size).map(np.stack)
