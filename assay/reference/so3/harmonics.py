"""Spherical harmonics of any degree at any precision (mpmath), complex and real, in every named convention.

**Formula.** For ``m ≥ 0`` write the orthonormal associated Legendre part without the ``sin^m θ`` factor::

    P̃_l^m(x) = √((2l+1)/(4π) · (l−m)!/(l+m)!) · P_l^m(x) / (1−x²)^{m/2}     (P_l^m without (−1)^m)

and ``w = sin θ · e^{iφ}`` (from a point: ``w = (x + iy)/r``, ``cos θ = z/r``). Then, Condon–Shortley::

    complex:  Y_l^m = (−1)^m P̃_l^m(cos θ) w^m,    Y_l^{−m} = (−1)^m conj(Y_l^m) = P̃_l^m(cos θ) conj(w)^m
    real:     Y_{l,m} = √2 P̃_l^m Re(w^m) (m > 0),  P̃_l^0 (m = 0),  √2 P̃_l^{|m|} Im(w^{|m|}) (m < 0)

(the real form is ``√2 (−1)^m Re Y_l^m`` / ``√2 (−1)^m Im Y_l^{|m|}``, so its two ``(−1)^m`` cancel.)
``P̃`` comes from the stable three-term recurrence in the degree (the one used for fully normalized Legendre
functions)::

    P̃_m^m = √(1/(4π) · Π_{k=1..m} (2k+1)/(2k)),     P̃_{m+1}^m = √(2m+3) x P̃_m^m,
    P̃_n^m = a_n (x P̃_{n−1}^m − b_n P̃_{n−2}^m),  a_n = √((4n²−1)/(n²−m²)),  b_n = √(((n−1)²−m²)/(4(n−1)²−1))

evaluated in mpmath by the Ziv loop of ``assay.reference.so3._mp``: two working precisions must agree to ``dps``
significant digits in every real component, so values near a zero of ``P̃`` are still correct to ``dps`` digits.
Values that vanish by construction (``m ≠ 0`` at a pole given as a point, ``l − m`` odd on the equator given as a
point with ``z = 0``, ``Im`` parts of ``m = 0``) are exact zeros.

**Conventions** (names resolved through :func:`assay.core.conventions.resolve`):

- ``basis``: ``"complex"`` or ``"real"`` (aliases ``wikipedia``, ``sphericart``).
- ``normalization``: ``"integral"`` (∫|Y|² dΩ = 1), ``"component"`` (× √(4π); Σ_m |Y_lm|² = 2l+1; alias ``4pi``),
  ``"norm"`` (× √(4π/(2l+1)); Σ_m |Y_lm|² = 1; aliases ``schmidt``, ``racah``).
- ``phase``: ``"condon_shortley"`` or ``"none"``; ``"none"`` multiplies every ``Y_l^m`` (either basis, m its index)
  by ``(−1)^m``.
- ``polar_axis``: ``"z"`` or ``"y"`` (e3nn). A point is mapped by ``P (x, y, z) = (z, x, y)`` and the z-polar
  harmonic is evaluated there: ``Y_y(x, y, z) = Y_z(z, x, y)``. Angles always mean "θ from the polar axis, φ from
  the next axis in cyclic order" (z: from x towards y; y: from z towards x, which is e3nn's ``angles_to_xyz``), so
  in angle form both axes give the same numbers; the axis matters for points and for Wigner D.

Outputs are mpmath numbers (``mpc`` for complex, ``mpf`` for real); vectors are numpy object arrays ordered
``m = −l..l``. :func:`spherical_harmonics_numpy` is a vectorized float64 version of the same recurrence.

**Limits** (checked before any work): one harmonic costs ``O(l)`` operations at the working precision —
:func:`spherical_harmonic` takes ``l ≤`` :data:`SINGLE_MAX_DEGREE` = 10,000 (0.4 s at l = 5000, 50 digits); a whole
degree costs ``O(l²)`` — :func:`spherical_harmonics` and :func:`spherical_harmonics_xyz` take ``l ≤``
:data:`VECTOR_MAX_DEGREE` = 500 (16 s at l = 400); :func:`spherical_harmonics_numpy` runs ``O(l²)`` vectorized
steps and takes ``l ≤`` :data:`NUMPY_MAX_DEGREE` = 1000 (2 s for one point). ``dps ≤``
:data:`~assay.core.validation.MAX_DPS`.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np

from assay.core.conventions import resolve
from assay.core.validation import as_degree, as_order, as_point_array, as_size_limited_degree, check_dps
from assay.reference.so3._mp import check_real_input, to_mpf, ziv
from assay.reference.so3.conventions import BASIS, NORMALIZATION, PHASE, POLAR_AXIS

__all__ = [
    "NUMPY_MAX_DEGREE",
    "SINGLE_MAX_DEGREE",
    "VECTOR_MAX_DEGREE",
    "normalization_factor",
    "spherical_harmonic",
    "spherical_harmonics",
    "spherical_harmonics_numpy",
    "spherical_harmonics_xyz",
]


#: the largest degree of :func:`spherical_harmonic` (one value, O(l) operations)
SINGLE_MAX_DEGREE = 10_000
#: the largest degree of :func:`spherical_harmonics` and :func:`spherical_harmonics_xyz` (2l+1 values, O(l²))
VECTOR_MAX_DEGREE = 500
#: the largest degree of :func:`spherical_harmonics_numpy` (O(l²) vectorized steps)
NUMPY_MAX_DEGREE = 1000


_VECTOR_REASON = "a whole degree costs O(l²) operations at the working precision"


def _degree(l: object, limit: int, reason: str) -> int:
    return as_size_limited_degree(l, "l", limit, reason)


def _conventions(basis: str, normalization: str, phase: str, polar_axis: str) -> tuple[str, str, str, str]:
    return (
        resolve(BASIS, basis, "basis"),
        resolve(NORMALIZATION, normalization, "normalization"),
        resolve(PHASE, phase, "phase"),
        resolve(POLAR_AXIS, polar_axis, "polar_axis"),
    )


def _legendre_column(l: int, m: int, x: Any) -> Any:
    """``P̃_l^m(x)`` by the stable recurrence in the degree (see the module docstring)."""
    diagonal_square = Fraction(1)
    for k in range(1, m + 1):
        diagonal_square *= Fraction(2 * k + 1, 2 * k)
    previous = mpmath.sqrt(mpmath.mpf(diagonal_square.numerator) / diagonal_square.denominator / (4 * mpmath.pi))
    if l == m:
        return previous
    current = mpmath.sqrt(2 * m + 3) * x * previous
    for n in range(m + 2, l + 1):
        a = mpmath.sqrt(mpmath.mpf(4 * n * n - 1) / (n * n - m * m))
        b = mpmath.sqrt(mpmath.mpf((n - 1) ** 2 - m * m) / (4 * (n - 1) ** 2 - 1))
        previous, current = current, a * (x * current - b * previous)
    return current


def normalization_factor(l: int, normalization: str) -> Any:
    """The factor taking the orthonormal (``integral``) harmonics of degree ``l`` to ``normalization``: 1,
    √(4π) (``component``) or √(4π/(2l+1)) (``norm``), as an mpmath number at the working precision. The one home
    of this formula (float callers take ``float(...)``)."""
    l = as_degree(l, "l")
    normalization = resolve(NORMALIZATION, normalization, "normalization")
    if normalization == "component":
        return mpmath.sqrt(4 * mpmath.pi)
    if normalization == "norm":
        return mpmath.sqrt(4 * mpmath.pi / (2 * l + 1))
    return mpmath.mpf(1)


def _values(
    l: int, orders: list[int], cos_theta: Any, w_power: Any, basis: str, normalization: str, phase: str
) -> list[Any]:
    """``Y_l^m`` for each m in ``orders``; ``w_power(k)`` returns ``w^k`` (``k ≥ 0``)."""
    scale = normalization_factor(l, normalization)
    root_two = mpmath.sqrt(2)
    out = []
    for m in orders:
        k = abs(m)
        legendre = _legendre_column(l, k, cos_theta) * scale
        power = w_power(k)
        if basis == "complex":
            if m >= 0:
                value = (-1) ** m * legendre * power
            else:
                value = legendre * mpmath.conj(power)
            value = mpmath.mpc(value)
        elif m > 0:
            value = root_two * legendre * mpmath.re(power)
        elif m < 0:
            value = root_two * legendre * mpmath.im(power)
        else:
            value = legendre * mpmath.re(power)
        if phase == "none" and m % 2:
            value = -value
        out.append(value)
    return out


def _angle_powers(theta: Any, phi: Any):
    t = to_mpf(theta, "theta")
    p = to_mpf(phi, "phi")
    sin_theta = mpmath.sin(t)

    def w_power(k: int) -> Any:
        if k == 0:
            return mpmath.mpc(1)
        return sin_theta**k * mpmath.mpc(mpmath.cos(k * p), mpmath.sin(k * p))

    return mpmath.cos(t), w_power


def _point_powers(xyz: Any, polar_axis: str):
    x, y, z = (to_mpf(c, f"xyz[{i}]") for i, c in enumerate(xyz))
    if polar_axis == "y":  # Y_y(x, y, z) = Y_z(z, x, y)
        x, y, z = z, x, y
    r = mpmath.sqrt(x * x + y * y + z * z)
    w = mpmath.mpc(x, y) / r
    powers = [mpmath.mpc(1)]

    def w_power(k: int) -> Any:
        while len(powers) <= k:
            powers.append(powers[-1] * w)
        return powers[k]

    return z / r, w_power


def _check_point(xyz: Any) -> list[Any]:
    if hasattr(xyz, "detach"):
        xyz = xyz.detach().cpu().numpy()
    if isinstance(xyz, (str, bytes)):
        raise TypeError("xyz must be a sequence of 3 numbers (x, y, z)")
    array = np.asarray(xyz, dtype=object)
    if array.shape != (3,):
        raise ValueError(f"xyz must be one point with shape (3,), got shape {array.shape}")
    with mpmath.workdps(20):
        values = [to_mpf(c, f"xyz[{i}]") for i, c in enumerate(array)]
    if all(v == 0 for v in values):
        raise ValueError("xyz must not be the origin (0, 0, 0): the spherical harmonics need a direction")
    return list(array)


def spherical_harmonic(
    l: int,
    m: int,
    theta: Any,
    phi: Any,
    *,
    basis: str = "real",
    normalization: str = "integral",
    phase: str = "condon_shortley",
    polar_axis: str = "z",
    dps: int = 50,
) -> Any:
    """One spherical harmonic ``Y_l^m(θ, φ)`` to ``dps`` significant digits (``mpc`` complex, ``mpf`` real).

    ``θ`` is the polar angle from the polar axis, ``φ`` the azimuth; any real θ is accepted (the formula is the
    analytic one in ``cos θ`` and ``sin θ e^{iφ}``). See the module docstring for the formula and conventions.
    ``l ≤`` :data:`SINGLE_MAX_DEGREE` = 10,000 (``O(l)`` operations), ``dps ≤ 10000``.
    """
    l = _degree(l, SINGLE_MAX_DEGREE, "one harmonic costs O(l) operations at the working precision")
    m = as_order(m, l, "m", "l")
    basis, normalization, phase, polar_axis = _conventions(basis, normalization, phase, polar_axis)
    dps = check_dps(dps)
    check_real_input(theta, "theta")
    check_real_input(phi, "phi")

    def compute(_: int) -> list[Any]:
        cos_theta, w_power = _angle_powers(theta, phi)
        return _values(l, [m], cos_theta, w_power, basis, normalization, phase)

    return ziv(compute, dps)[0]


def spherical_harmonics(
    l: int,
    theta: Any,
    phi: Any,
    *,
    basis: str = "real",
    normalization: str = "integral",
    phase: str = "condon_shortley",
    polar_axis: str = "z",
    dps: int = 50,
) -> np.ndarray:
    """All ``2l+1`` harmonics of degree ``l`` at ``(θ, φ)``, an object array ordered ``m = −l..l``.

    ``l ≤`` :data:`VECTOR_MAX_DEGREE` = 500 (``O(l²)`` operations at the working precision), ``dps ≤ 10000``.
    """
    l = _degree(l, VECTOR_MAX_DEGREE, _VECTOR_REASON)
    basis, normalization, phase, polar_axis = _conventions(basis, normalization, phase, polar_axis)
    dps = check_dps(dps)
    check_real_input(theta, "theta")
    check_real_input(phi, "phi")

    def compute(_: int) -> list[Any]:
        cos_theta, w_power = _angle_powers(theta, phi)
        return _values(l, list(range(-l, l + 1)), cos_theta, w_power, basis, normalization, phase)

    return np.array(ziv(compute, dps), dtype=object)


def spherical_harmonics_xyz(
    l: int,
    xyz: Any,
    *,
    basis: str = "real",
    normalization: str = "integral",
    phase: str = "condon_shortley",
    polar_axis: str = "z",
    dps: int = 50,
) -> np.ndarray:
    """All ``2l+1`` harmonics of degree ``l`` in the direction of the point ``xyz`` (any non-zero length).

    ``cos θ = z/r`` and ``sin θ e^{iφ} = (x + iy)/r`` (after ``(x, y, z) → (z, x, y)`` for ``polar_axis="y"``), so
    poles and near-poles need no angle. The origin is refused with a ``ValueError``. ``l ≤``
    :data:`VECTOR_MAX_DEGREE` = 500, ``dps ≤ 10000``.
    """
    l = _degree(l, VECTOR_MAX_DEGREE, _VECTOR_REASON)
    basis, normalization, phase, polar_axis = _conventions(basis, normalization, phase, polar_axis)
    dps = check_dps(dps)
    point = _check_point(xyz)

    def compute(_: int) -> list[Any]:
        cos_theta, w_power = _point_powers(point, polar_axis)
        return _values(l, list(range(-l, l + 1)), cos_theta, w_power, basis, normalization, phase)

    return np.array(ziv(compute, dps), dtype=object)


def spherical_harmonics_numpy(
    l: int,
    xyz: Any,
    *,
    basis: str = "real",
    normalization: str = "integral",
    phase: str = "condon_shortley",
    polar_axis: str = "z",
) -> np.ndarray:
    """Vectorized float64 harmonics of degree ``l`` at points ``xyz`` of shape ``(..., 3)``: shape ``(..., 2l+1)``.

    The same recurrence as the mpmath reference, in float64 (real basis → float64, complex → complex128); meant
    for property checks and quick comparisons, not as ground truth. Points at the origin and non-finite points are
    refused. ``l ≤`` :data:`NUMPY_MAX_DEGREE` = 1000 (``O(l²)`` vectorized steps).
    """
    l = _degree(l, NUMPY_MAX_DEGREE, "O(l²) vectorized recurrence steps")
    basis, normalization, phase, polar_axis = _conventions(basis, normalization, phase, polar_axis)
    points = as_point_array(xyz, "xyz")
    if not np.all(np.isfinite(points)):
        raise ValueError("xyz must be finite (no NaN or infinite coordinates)")
    x, y, z = points[..., 0], points[..., 1], points[..., 2]
    if polar_axis == "y":
        x, y, z = z, x, y
    r = np.sqrt(x * x + y * y + z * z)
    if np.any(r == 0):
        raise ValueError("xyz must not contain the origin (0, 0, 0): the spherical harmonics need a direction")
    cos_theta = z / r
    w = (x + 1j * y) / r
    scale = float(normalization_factor(l, normalization))
    out = np.empty((*points.shape[:-1], 2 * l + 1), dtype=np.complex128 if basis == "complex" else np.float64)
    power = np.ones_like(w)
    diagonal = 1.0 / math.sqrt(4 * math.pi)
    for m in range(l + 1):
        if m > 0:
            power = power * w
            diagonal *= math.sqrt((2 * m + 1) / (2 * m))
        previous = np.full_like(cos_theta, diagonal)
        if l > m:
            current = math.sqrt(2 * m + 3) * cos_theta * previous
            for n in range(m + 2, l + 1):
                a = math.sqrt((4 * n * n - 1) / (n * n - m * m))
                b = math.sqrt(((n - 1) ** 2 - m * m) / (4 * (n - 1) ** 2 - 1))
                previous, current = current, a * (cos_theta * current - b * previous)
            legendre = current
        else:
            legendre = previous
        legendre = legendre * scale
        sign = -1.0 if (phase == "none" and m % 2) else 1.0
        if basis == "complex":
            out[..., l + m] = sign * (-1) ** m * legendre * power
            if m:
                out[..., l - m] = sign * legendre * np.conj(power)
        elif m == 0:
            out[..., l] = legendre
        else:
            out[..., l + m] = sign * math.sqrt(2) * legendre * power.real
            out[..., l - m] = sign * math.sqrt(2) * legendre * power.imag
    return out
