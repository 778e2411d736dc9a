"""Wigner small-d and D matrices at any precision, in the complex and the real basis, for any rotation input.

**Small d** (Edmonds 4.1.15, Wigner's formula), for integer or half-integer ``j`` and ``m', m ∈ {−j..j}``::

    d^j_{m'm}(β) = ⟨j m'| e^{−iβJ_y} |j m⟩
                 = Σ_k (−1)^{k−m+m'} √((j+m)!(j−m)!(j+m')!(j−m')!) / ((j+m−k)! k! (j−k−m')! (k−m+m')!)
                       · cos(β/2)^{2j−2k+m−m'} · sin(β/2)^{2k−m+m'}

**Complex D** (the standard, Edmonds/Wigner, active ZYZ)::

    D^j_{m'm}(α, β, γ) = ⟨j m'| e^{−iαJ_z} e^{−iβJ_y} e^{−iγJ_z} |j m⟩ = e^{−im'α} d^j_{m'm}(β) e^{−imγ}

for ``R = R_z(α) R_y(β) R_z(γ)``. Any rotation is reduced to its unit quaternion ``q = (w, x, y, z)``
(:mod:`assay.reference.so3.rotations`), i.e. its Cayley–Klein parameters ``a = w − iz``, ``b = y + ix`` (the spin-½
matrix is ``[[a, −b], [b̄, ā]]`` with rows m' = +½, −½; for ZYZ angles ``a = e^{−i(α+γ)/2} cos(β/2)``,
``b = e^{−i(α−γ)/2} sin(β/2)``), and::

    D^j_{m'm} = Σ_k (−1)^{k−m+m'} √(...) / (...) · a^{j+m−k} ā^{j−k−m'} b^{k−m+m'} b̄^{k}

with the same factorials as small d. This is well-conditioned for every rotation (no gimbal lock), and it is the
SU(2) representation: ``q`` and ``−q`` give ``D`` and ``(−1)^{2j} D``.

**How D acts on the spherical harmonics** (``Y`` = column of ``Y_l^m``, m = −l..l, Condon–Shortley)::

    complex basis:  Y(R r) = conj(D(R)) · Y(r)         equivalently  Y_m(R⁻¹ r) = Σ_{m'} Y_{m'}(r) D_{m'm}(R)
    real basis:     Y(R r) =      D(R)  · Y(r),         D_real(R) = conj(U) D(R) Uᵀ  (real, orthogonal)

where ``U`` is the complex → real change of basis (``Y_real = U Y_complex``, :mod:`assay.reference.so3.basis`).
``R ↦ D(R)`` and ``R ↦ conj(D(R))`` are both homomorphisms: ``D(R1 R2) = D(R1) D(R2)``.

**Polar axis y** (e3nn): with ``P r = (z, x, y)`` the y-polar harmonics are ``Y_y(r) = Y_z(P r)``, so
``D_y(R) = D_z(P R Pᵀ)`` in either basis, and ``Y_y(R r) = D_y(R) Y_y(r)`` (real basis). In particular
``wigner_D(l, α, β, γ, basis="real", euler="e3nn_yxy", polar_axis="y")`` is e3nn's ``o3.wigner_D(l, α, β, γ)``.

**Improper rotations** (``wigner_D_from_matrix(..., allow_improper=True)``): ``D(R) = (−1)^l D(−R)``, the
representation on ``Y_l`` (``Y_l(−r) = (−1)^l Y_l(r)``).

**Limits.** A matrix has ``(2j+1)²`` entries of up to ``2j+1`` terms each, so its cost grows like ``j³`` (measured
0.6 s at j = 20, 2.8 s at j = 40, at 30 digits): the matrix functions take ``j ≤`` :data:`MATRIX_MAX_SPIN` = 100;
a single entry (:func:`wigner_small_d`) costs ``O(j)`` and takes ``j ≤`` :data:`ENTRY_MAX_SPIN` = 1000 (3.6 s);
the exact ``d^j(π/2)`` (Fractions with ``O(j log j)``-bit integers, ``O(j³)`` of them) takes ``j ≤``
:data:`HALF_PI_MAX_SPIN` = 64 (about 6 s). Precision: ``dps ≤`` :data:`~assay.core.validation.MAX_DPS`.

Matrices are numpy object arrays of mpmath numbers (``mpc`` complex, ``mpf`` real), rows ``m'`` and columns ``m``
ordered ``−j..j`` ascending. Each is computed by the Ziv loop of ``assay.reference.so3._mp`` so that every real
component has ``dps`` correct significant digits; an entry that is zero by a selection rule (``β = 0``, a
power of a zero Cayley–Klein parameter) is an exact zero.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache
from typing import Any

import mpmath
import numpy as np

from assay.core.conventions import resolve
from assay.core.exact import SqrtRational
from assay.core.validation import as_twice_half_integer, check_dps
from assay.reference.so3._mp import check_real_input, to_mpf, ziv
from assay.reference.so3.conventions import BASIS, EULER, POLAR_AXIS
from assay.reference.so3.rotations import (
    AXIS_PERMUTATION_QUATERNION,
    DEFAULT_MATRIX_ATOL,
    DEFAULT_QUATERNION_ATOL,
    _quaternion_from_euler_mp,
    _quaternion_from_rotation,
    check_rotation_matrix,
    check_unit_quaternion,
    matrix_entries,
    quaternion_multiply,
)

__all__ = [
    "ENTRY_MAX_SPIN",
    "HALF_PI_MAX_SPIN",
    "MATRIX_MAX_SPIN",
    "wigner_D",
    "wigner_D_from_matrix",
    "wigner_D_from_quaternion",
    "wigner_small_d",
    "wigner_small_d_half_pi_exact",
    "wigner_small_d_matrix",
]


#: the largest j of the matrix functions (``wigner_D*``, ``wigner_small_d_matrix``): cost ∝ j³
MATRIX_MAX_SPIN = 100
#: the largest j of :func:`wigner_small_d` (one entry): cost ∝ j
ENTRY_MAX_SPIN = 1000
#: the largest j of :func:`wigner_small_d_half_pi_exact` (exact Fractions): cost ∝ j³ big-integer operations
HALF_PI_MAX_SPIN = 64


# -- argument checks ------------------------------------------------------------------------------------------
_MATRIX_REASON = "a Wigner matrix has (2j+1)² entries of up to 2j+1 terms: its cost grows like j³"


def _twice_j(j: Any, name: str = "j", limit: int = MATRIX_MAX_SPIN, reason: str = _MATRIX_REASON) -> int:
    twice = as_twice_half_integer(j, name)
    if twice < 0:
        raise ValueError(f"{name} must be non-negative, got {j!r}")
    if twice > 2 * limit:
        raise ValueError(f"{name} must be <= {limit} ({reason}), got {j!r}")
    return twice


def _twice_m(m: Any, twice_j: int, name: str, j_name: str = "j") -> int:
    twice = as_twice_half_integer(m, name)
    if (twice - twice_j) % 2:
        raise ValueError(
            f"{name} and {j_name} must both be integers or both half-integers ({j_name} − {name} must be an "
            f"integer); got {j_name} = {Fraction(twice_j, 2)}, {name} = {Fraction(twice, 2)}"
        )
    if abs(twice) > twice_j:
        raise ValueError(f"|{name}| must be <= {j_name} = {Fraction(twice_j, 2)}, got {name} = {Fraction(twice, 2)}")
    return twice


def _integer_l_for_real(twice: int, basis: str) -> None:
    if basis == "real" and twice % 2:
        raise ValueError("l must be an integer for basis='real' (the real basis exists only for integer degrees)")


# -- the Wigner sum ---------------------------------------------------------------------------------------------
def _terms(twice_j: int, twice_mp: int, twice_m: int) -> tuple[int, tuple[tuple[int, int, int, int, int, int], ...]]:
    """:func:`_wigner_terms`, cached up to the matrix limit (an entry there is at most ~150 KB; the single-entry
    degrees above it would make one cache slot megabytes)."""
    if twice_j <= 2 * MATRIX_MAX_SPIN:
        return _cached_terms(twice_j, twice_mp, twice_m)
    return _wigner_terms(twice_j, twice_mp, twice_m)


def _wigner_terms(twice_j: int, twice_mp: int, twice_m: int) -> tuple[int, tuple[tuple[int, ...], ...]]:
    """``(F, ((sign, denominator, p_a, p_abar, p_b, p_bbar), ...))``: the sum is ``√F · Σ sign/den · a^p … b̄^p``."""
    jpm, jmm = (twice_j + twice_m) // 2, (twice_j - twice_m) // 2
    jpmp, jmmp = (twice_j + twice_mp) // 2, (twice_j - twice_mp) // 2
    shift = (twice_m - twice_mp) // 2  # m − m'
    f = math.factorial
    square = f(jpm) * f(jmm) * f(jpmp) * f(jmmp)
    terms = []
    for k in range(max(0, shift), min(jpm, jmmp) + 1):
        sign = -1 if (k - shift) % 2 else 1
        denominator = f(jpm - k) * f(k) * f(jmmp - k) * f(k - shift)
        terms.append((sign, denominator, jpm - k, jmmp - k, k - shift, k))
    return square, tuple(terms)


_cached_terms = lru_cache(maxsize=256)(_wigner_terms)


def _powers(value: Any, count: int) -> list[Any]:
    out = [mpmath.mpf(1)]
    for _ in range(count):
        out.append(out[-1] * value)
    return out


def _small_d_entry(twice_j: int, twice_mp: int, twice_m: int, cos_powers: list, sin_powers: list) -> mpmath.mpf:
    square, terms = _terms(twice_j, twice_mp, twice_m)
    total = mpmath.fsum(
        sign * cos_powers[pa + pab] * sin_powers[pb + pbb] / denominator
        for sign, denominator, pa, pab, pb, pbb in terms
    )
    return mpmath.sqrt(square) * total if total else mpmath.mpf(0)


def _small_d_rows(twice_j: int, beta: Any, pairs: list[tuple[int, int]]) -> list[mpmath.mpf]:
    half = to_mpf(beta, "beta") / 2
    cos_powers = _powers(mpmath.cos(half), twice_j)
    sin_powers = _powers(mpmath.sin(half), twice_j)
    if len(pairs) == 1:
        return [_small_d_entry(twice_j, *pairs[0], cos_powers, sin_powers)]
    table = _small_d_table(twice_j, cos_powers, sin_powers)
    return [table[pair] for pair in pairs]


def _small_d_table(twice_j: int, cos_powers: list, sin_powers: list) -> dict[tuple[int, int], mpmath.mpf]:
    """Every entry ``{(2m', 2m): d^j_{m'm}}``, summing only those with ``m' ≥ |m|`` (about a quarter).

    The others follow exactly from ``d_{m'm} = (−1)^{m'−m} d_{mm'} = d_{−m,−m'} = (−1)^{m'−m} d_{−m',−m}``: each
    orbit of these symmetries contains one entry whose first index is ``max(|m'|, |m|)``.
    """
    canonical: dict[tuple[int, int], mpmath.mpf] = {}
    for tmp in _twice_range(twice_j):
        for tm in _twice_range(twice_j):
            if tmp >= abs(tm):
                canonical[(tmp, tm)] = _small_d_entry(twice_j, tmp, tm, cos_powers, sin_powers)
    table = {}
    for tmp in _twice_range(twice_j):
        for tm in _twice_range(twice_j):
            sign = -1 if ((tmp - tm) // 2) % 2 else 1
            if tmp >= abs(tm):
                table[(tmp, tm)] = canonical[(tmp, tm)]
            elif -tmp >= abs(tm):
                table[(tmp, tm)] = sign * canonical[(-tmp, -tm)]
            elif tm >= abs(tmp):
                table[(tmp, tm)] = sign * canonical[(tm, tmp)]
            else:
                table[(tmp, tm)] = canonical[(-tm, -tmp)]
    return table


def _max_dps(dps: int, twice_j: int) -> int:
    """Precision cap of the Ziv loop: Wigner's sum can cancel ``log10 Σ|terms| ≤ log10 4^j ≈ 0.6 j`` digits."""
    return 3 * dps + 100 + twice_j


def _twice_range(twice_j: int) -> list[int]:
    return list(range(-twice_j, twice_j + 1, 2))


def _square(values: list[Any], size: int) -> np.ndarray:
    out = np.empty((size, size), dtype=object)
    for index, value in enumerate(values):
        out[index // size, index % size] = value
    return out


def wigner_small_d(j: Any, mp: Any, m: Any, beta: Any, dps: int = 50) -> mpmath.mpf:
    """``d^j_{m'm}(β) = ⟨j m'| e^{−iβJ_y} |j m⟩`` (``mp`` is m'), integer or half-integer ``j``, to ``dps`` digits.

    ``j ≤`` :data:`ENTRY_MAX_SPIN` = 1000 (one entry sums up to ``2j+1`` terms), ``dps ≤ 10000``.
    """
    twice_j = _twice_j(j, "j", ENTRY_MAX_SPIN, "one entry sums up to 2j+1 terms at up to 3·dps + 100 + 2j digits")
    twice_mp = _twice_m(mp, twice_j, "mp")
    twice_m = _twice_m(m, twice_j, "m")
    dps = check_dps(dps)
    check_real_input(beta, "beta")
    return ziv(lambda _: _small_d_rows(twice_j, beta, [(twice_mp, twice_m)]), dps, _max_dps(dps, twice_j))[0]


def wigner_small_d_matrix(j: Any, beta: Any, dps: int = 50) -> np.ndarray:
    """The (2j+1)×(2j+1) matrix ``d^j(β)`` (object array of mpf), rows m' and columns m ordered −j..j.

    ``j ≤`` :data:`MATRIX_MAX_SPIN` = 100 (cost ∝ j³), ``dps ≤ 10000``.
    """
    twice_j = _twice_j(j)
    dps = check_dps(dps)
    check_real_input(beta, "beta")
    pairs = [(tmp, tm) for tmp in _twice_range(twice_j) for tm in _twice_range(twice_j)]
    return _square(ziv(lambda _: _small_d_rows(twice_j, beta, pairs), dps, _max_dps(dps, twice_j)), twice_j + 1)


@lru_cache(maxsize=16)
def _half_pi_exact(twice_j: int) -> tuple[SqrtRational, ...]:
    out = []
    for tmp in _twice_range(twice_j):
        for tm in _twice_range(twice_j):
            square, terms = _terms(twice_j, tmp, tm)
            total = sum((Fraction(sign, denominator) for sign, denominator, *_ in terms), Fraction(0))
            # cos(π/4) = sin(π/4) = 2^{−1/2} and every term has total power 2j: d = 2^{−j} √F · total
            sign = (total > 0) - (total < 0)
            out.append(SqrtRational(sign, Fraction(square) * total * total / 2**twice_j))
    return tuple(out)


def wigner_small_d_half_pi_exact(l: Any) -> np.ndarray:
    """``Δ^l = d^l(π/2)`` exactly: a (2l+1)×(2l+1) object array of :class:`SqrtRational`, rows m', columns m = −l..l.

    At β = π/2 every term of Wigner's sum carries ``2^{−j}``, so ``d^j_{m'm}(π/2) = 2^{−j} √F · Σ_k ±1/den_k`` is
    ``±√(rational)``. Half-integer ``l`` is accepted. Entries that vanish (e.g. ``Δ^l_{m0}`` for ``l+m`` odd) are
    exact zeros. ``l ≤`` :data:`HALF_PI_MAX_SPIN` = 64 (exact Fractions, about 6 s at the limit).
    """
    twice_j = _twice_j(l, "l", HALF_PI_MAX_SPIN,
                       "the exact d(π/2) holds (2l+1)² Fractions of O(l log l)-bit integers")
    return _square(list(_half_pi_exact(twice_j)), twice_j + 1)


def _D_from_cayley_klein(twice_j: int, a: Any, b: Any) -> list[mpmath.mpc]:
    """All entries of ``D^j`` (row-major, m', m = −j..j) from the Cayley–Klein parameters ``a``, ``b``.

    In the Cayley–Klein sum every term of entry (m', m) has ``a``-powers differing by ``m + m'`` and ``b``-powers
    differing by ``m' − m``, so with ``a = |a| u_a`` and ``b = |b| u_b`` (``|u| = 1``)::

        D^j_{m'm} = u_a^{m+m'} · u_b^{m'−m} · d^j_{m'm}   with cos(β/2) = |a|, sin(β/2) = |b|,

    a real alternating sum times a phase (the Euler factorization without computing angles).
    """
    abs_a, abs_b = abs(a), abs(b)
    unit_a = a / abs_a if abs_a else mpmath.mpc(1)  # where |a| = 0 only m + m' = 0 survives: the phase is 1
    unit_b = b / abs_b if abs_b else mpmath.mpc(1)
    cos_powers = _powers(abs_a, twice_j)
    sin_powers = _powers(abs_b, twice_j)
    phase_a = _signed_powers(unit_a, twice_j)
    phase_b = _signed_powers(unit_b, twice_j)
    table = _small_d_table(twice_j, cos_powers, sin_powers)
    out = []
    for tmp in _twice_range(twice_j):
        for tm in _twice_range(twice_j):
            d = table[(tmp, tm)]
            out.append(mpmath.mpc(phase_a[(tm + tmp) // 2] * phase_b[(tmp - tm) // 2] * d) if d else mpmath.mpc(0))
    return out


def _signed_powers(unit: Any, count: int) -> dict[int, Any]:
    """``{n: unit^n}`` for ``−count ≤ n ≤ count`` (``unit`` on the unit circle, so ``unit^−n = conj(unit^n)``)."""
    positive = _powers(unit, count)
    out = {n: positive[n] for n in range(count + 1)}
    out.update({-n: mpmath.conj(positive[n]) for n in range(1, count + 1)})
    return out


def _complex_to_real(twice_j: int, entries: list[mpmath.mpc]) -> list[mpmath.mpf]:
    """``conj(U) D Uᵀ`` with the sparse exact ``U`` of :func:`assay.reference.so3.basis.complex_to_real_entries`."""
    from assay.reference.so3.basis import complex_to_real_entries

    l = twice_j // 2
    size = 2 * l + 1
    rows: dict[int, list[tuple[int, mpmath.mpc]]] = {}
    for (m, mu), (re, im) in complex_to_real_entries(l).items():
        rows.setdefault(m, []).append((mu, mpmath.mpc(re.to_mpmath(mpmath.mp.dps), im.to_mpmath(mpmath.mp.dps))))
    out = []
    for row in range(-l, l + 1):
        for column in range(-l, l + 1):
            total = mpmath.mpc(0)
            for mu, u_row in rows[row]:
                for nu, u_column in rows[column]:
                    total += mpmath.conj(u_row) * entries[(mu + l) * size + (nu + l)] * u_column
            out.append(total.real)
    return out


def _D_from_quaternion_mp(twice_j: int, q: tuple, basis: str, polar_axis: str, parity: int = 1) -> list[Any]:
    if polar_axis == "y":  # D_y(R) = D_z(P R Pᵀ), the quaternion of P R Pᵀ is p q p⁻¹
        p = tuple(mpmath.mpf(c) for c in AXIS_PERMUTATION_QUATERNION)
        p_inverse = (p[0], -p[1], -p[2], -p[3])
        q = quaternion_multiply(quaternion_multiply(p, q), p_inverse)
    w, x, y, z = q
    entries = _D_from_cayley_klein(twice_j, mpmath.mpc(w, -z), mpmath.mpc(y, x))
    if basis == "real":
        entries = _complex_to_real(twice_j, entries)
    if parity < 0:
        entries = [-e for e in entries]
    return entries


def _resolve(basis: str, polar_axis: str) -> tuple[str, str]:
    return resolve(BASIS, basis, "basis"), resolve(POLAR_AXIS, polar_axis, "polar_axis")


def wigner_D(
    l: Any,
    alpha: Any,
    beta: Any,
    gamma: Any,
    *,
    basis: str = "real",
    euler: str = "zyz",
    polar_axis: str = "z",
    dps: int = 50,
) -> np.ndarray:
    """Wigner D of the rotation with Euler angles ``(α, β, γ)``: a (2l+1)×(2l+1) object array.

    ``euler="zyz"``: ``R = R_z(α) R_y(β) R_z(γ)`` and (complex basis, z axis) ``D_{m'm} = e^{−im'α} d_{m'm}(β)
    e^{−imγ}``. ``euler="e3nn_yxy"``: ``R = R_y(α) R_x(β) R_y(γ)``. ``basis="complex"`` (any integer or half-integer
    ``l``; the SU(2) lift ``q(α) q(β) q(γ)``) or ``"real"`` (integer ``l``; ``Y(R r) = D(R) Y(r)``);
    ``polar_axis="y"`` gives ``D_z(P R Pᵀ)``, e3nn's basis. See the module docstring for how D acts on ``Y``.
    ``l ≤`` :data:`MATRIX_MAX_SPIN` = 100 (cost ∝ l³), ``dps ≤ 10000``.
    """
    twice_j = _twice_j(l, "l")
    basis, polar_axis = _resolve(basis, polar_axis)
    euler = resolve(EULER, euler, "euler")
    _integer_l_for_real(twice_j, basis)
    dps = check_dps(dps)
    for value, name in ((alpha, "alpha"), (beta, "beta"), (gamma, "gamma")):
        check_real_input(value, name)

    def compute(_: int) -> list[Any]:
        q = _quaternion_from_euler_mp(alpha, beta, gamma, euler)
        return _D_from_quaternion_mp(twice_j, q, basis, polar_axis)

    return _square(ziv(compute, dps, _max_dps(dps, twice_j)), twice_j + 1)


def wigner_D_from_quaternion(
    l: Any,
    q: Any,
    *,
    basis: str = "real",
    polar_axis: str = "z",
    normalize: bool = False,
    atol: float = DEFAULT_QUATERNION_ATOL,
    dps: int = 50,
) -> np.ndarray:
    """Wigner D of the unit quaternion ``q = (w, x, y, z)`` (scalar first; half-integer ``l`` allowed, complex basis).

    ``q`` must have ``|‖q‖ − 1| ≤ atol`` (a finite ``atol >= 0``) unless ``normalize=True``; either way ``q/‖q‖``
    is used. ``l ≤`` :data:`MATRIX_MAX_SPIN` = 100, ``dps ≤ 10000``.
    """
    twice_j = _twice_j(l, "l")
    basis, polar_axis = _resolve(basis, polar_axis)
    _integer_l_for_real(twice_j, basis)
    dps = check_dps(dps)
    with mpmath.workdps(20):
        check_unit_quaternion(q, "q", normalize=normalize, atol=atol)

    def compute(_: int) -> list[Any]:
        unit = check_unit_quaternion(q, "q", normalize=True)
        return _D_from_quaternion_mp(twice_j, unit, basis, polar_axis)

    return _square(ziv(compute, dps, _max_dps(dps, twice_j)), twice_j + 1)


def wigner_D_from_matrix(
    l: Any,
    R: Any,
    *,
    basis: str = "real",
    polar_axis: str = "z",
    allow_improper: bool = False,
    atol: float = DEFAULT_MATRIX_ATOL,
    dps: int = 50,
) -> np.ndarray:
    """Wigner D of the rotation matrix ``R`` (integer ``l``): ``Y(R r) = D(R) Y(r)`` in the real basis.

    ``R`` must be orthogonal to ``atol`` (a finite ``atol >= 0``); det −1 is refused unless ``allow_improper=True``,
    in which case ``D(R) = (−1)^l D(−R)``. Half-integer ``l`` is refused: a matrix fixes the SU(2) element only up
    to sign. ``l ≤`` :data:`MATRIX_MAX_SPIN` = 100, ``dps ≤ 10000``.
    """
    twice_j = _twice_j(l, "l")
    if twice_j % 2:
        raise ValueError(
            "l must be an integer for wigner_D_from_matrix: a rotation matrix fixes the half-integer D only up to "
            "sign; use wigner_D_from_quaternion or wigner_D"
        )
    basis, polar_axis = _resolve(basis, polar_axis)
    dps = check_dps(dps)
    with mpmath.workdps(30):
        _, det_sign = check_rotation_matrix(R, "R", allow_improper=allow_improper, atol=atol)

    def compute(_: int) -> list[Any]:
        matrix = matrix_entries(R, "R")  # checked above; here only converted at the working precision
        if det_sign < 0:
            matrix = -matrix
        q = _quaternion_from_rotation(matrix)
        parity = -1 if (det_sign < 0 and (twice_j // 2) % 2) else 1
        return _D_from_quaternion_mp(twice_j, q, basis, polar_axis, parity)

    return _square(ziv(compute, dps, _max_dps(dps, twice_j)), twice_j + 1)
