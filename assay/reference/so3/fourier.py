"""Spherical harmonics ↔ 2D Fourier series on the torus, with exact sqrt-rational coefficients, for any degree.

**The torus picture.** A point of the sphere has a polar angle θ ∈ [0, π] and an azimuth φ ∈ [0, 2π). Writing the
θ part of a harmonic as a polynomial in ``cos θ`` and ``sin θ`` and letting θ run over [0, 2π) (``sin θ`` keeps its
sign, so it goes negative past π) extends every harmonic of degree l to a trigonometric polynomial of degree l in
both angles::

    Y_{l,m}(θ, φ) = Σ_{u=−l..l} Σ_v  c^{l,m}_{u,v} e^{iuθ} e^{ivφ}

with ``v = m`` in the complex basis and ``v = ±|m|`` in the real basis. The extension of a product is the product of
the extensions (two trigonometric polynomials that agree on θ ∈ [0, π] are equal), which is what lets the Gaunt
tensor product run as a 2D convolution of Fourier coefficients.

**Derivation used here (exact, Python integers).** With the associated Legendre function without the
Condon–Shortley phase, ``P̄_l^k(x) = (1−x²)^{k/2} d^k P_l/dx^k`` (k ≥ 0), and ``z = e^{iθ}``:

- ``P̄_k^k(cos θ) = (2k−1)!! sin^k θ = (2k−1)!! (2i)^{−k} (z − 1/z)^k``;
- ``(l−k+1) P̄_{l+1}^k = (2l+1) cos θ · P̄_l^k − (l+k) P̄_{l−1}^k`` with ``cos θ = (z + 1/z)/2``.

So ``P̄_l^k(cos θ) = i^{−k} Σ_u r_{l,k}[u] e^{iuθ}`` with **rational** ``r`` (non-zero only for ``u ≡ l mod 2``).
With ``N_{l,k} = √((2l+1)/(4π) · (l−k)!/(l+k)!)``:

- complex (Condon–Shortley, ``basis="complex"``): ``Y_l^m = s_m N_{l,|m|} P̄_l^{|m|}(cos θ) e^{imφ}``,
  ``s_m = (−1)^m`` for m ≥ 0 and 1 for m < 0, so ``c^{l,m}_{u,m} = s_m N_{l,|m|} i^{−|m|} r_{l,|m|}[u]``;
- real (Wikipedia form, ``basis="real"``): ``Y_{l,0} = N P̄_l^0``, ``Y_{l,k} = √2 N P̄_l^k cos kφ`` and
  ``Y_{l,−k} = √2 N P̄_l^k sin kφ`` (k > 0), so ``c_{u,±k} = N i^{−k} r[u]/√2`` for ``m = k`` and
  ``c_{u,±k} = ∓i N i^{−k} r[u]/√2`` for ``m = −k``.

Every coefficient is ``±√(p/q)/√π`` times a power of i: it is returned as a pair ``(real part, imaginary part)`` of
:class:`~assay.core.exact.SqrtRational`, one of which is zero. e3nn's real harmonics are the same functions with the
polar axis on +y, so they have the **same** coefficients in e3nn's own angles (θ from +y, φ = atan2(x, z)):
:func:`torus_angles` maps points to the angles of either polar axis.

**Back to SH (projection).** ``z_{l,m} = ∫ f conj(Y_{l,m}) dΩ`` needs ``∫_0^π e^{inθ} sin θ dθ = 2/(1−n²)`` for even
n (0 for odd n ≠ ±1, ``±iπ/2`` for n = ±1). For a torus function that extends a band-limited sphere function —
anything built from :func:`sh_to_fourier` by sums and products — the frequencies u of parity opposite to l
contribute exactly zero to ``z_{l,m}`` (their part of f has the opposite parity under θ → π − θ), so the projection
keeps only ``u ≡ l (mod 2)``: every weight ``n = u + u'`` is then even, and the projection coefficients are
sqrt-rational too (:func:`fourier_to_sh`). The integrals ``ρ_{l,k}[u] = Σ_{u'} r_{l,k}[u'] · 2/(1−(u+u')²)`` obey
the same three-term recurrence in l (multiplying by cos θ shifts u by ±1), which keeps the cost O(L³).

Normalizations: ``normalization="integral"`` (default) is orthonormal; ``"component"`` and ``"norm"`` scale the
degree-l harmonic by √(4π) and √(4π/(2l+1)) (and the projection coefficients by the inverse).

**Limits and caches.** Degrees (and ``umax``) are at most :data:`MAX_DEGREE` = 128. The rational series are kept
per order ``k`` and extended in place as higher degrees are asked for (one column per k, ``O(l²)`` Fractions whose
integers have ``O(l log l)`` bits), so at the limit the caches hold ``O(L³)`` Fractions: the series and projection
integrals of every order at ``L = umax = 128`` took 60 s and 336 MB (35 MB and 6 s at 64). The per-harmonic
results are cached for the 2048 most recent harmonics.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import numpy as np

from assay.core.conventions import resolve
from assay.core.exact import SqrtRational
from assay.core.validation import as_order, as_point_array, as_size_limited_degree
from assay.reference.so3.conventions import BASIS, NORMALIZATION, POLAR_AXIS

__all__ = [
    "MAX_DEGREE",
    "ExactComplex",
    "fourier_to_sh",
    "legendre_fourier_series",
    "normalization_constant",
    "projection_integrals",
    "sh_to_fourier",
    "to_complex",
    "torus_angles",
]

#: an exact complex number ``re + i·im`` with sqrt-rational parts
ExactComplex = tuple[SqrtRational, SqrtRational]

#: the largest degree (and ``umax``) of every function here (module docstring)
MAX_DEGREE = 128
_REASON = "the exact rational series hold O(l³) Fractions of O(l log l)-bit integers"


def _degree(value: object, name: str = "l") -> int:
    return as_size_limited_degree(value, name, MAX_DEGREE, _REASON)


def _order_k(k: object, l: int) -> int:
    k = as_order(k, l, "k")
    if k < 0:
        raise ValueError(f"k must be >= 0 (it is |m|), got {k}")
    return k

_ZERO = SqrtRational.zero()
_HALF_ROOT = SqrtRational.sqrt(Fraction(1, 2))


def to_complex(value: ExactComplex) -> complex:
    """The correctly rounded ``complex`` of an exact ``(re, im)`` pair (two real numbers, e.g. SqrtRational)."""
    if not isinstance(value, tuple) or len(value) != 2:
        raise TypeError(f"value must be an (re, im) pair, got {type(value).__name__}")
    parts = []
    for part, name in zip(value, ("value[0] (re)", "value[1] (im)")):
        if isinstance(part, (str, bytes, bool, complex)) or part is None:
            raise TypeError(f"{name} must be a real number, got {type(part).__name__}")
        parts.append(float(part))
    return complex(*parts)


def _i_power(power: int) -> tuple[int, int]:
    """``i^power`` as (real, imaginary) integers."""
    return ((1, 0), (0, 1), (-1, 0), (0, -1))[power % 4]


def _times_i_power(value: SqrtRational, power: int) -> ExactComplex:
    re, im = _i_power(power)
    return (value * re if re else _ZERO, value * im if im else _ZERO)


def _double_factorial_odd(k: int) -> int:
    """``(2k−1)!!`` (1 for k = 0)."""
    result = 1
    for odd in range(1, 2 * k, 2):
        result *= odd
    return result


def _binomial_row(k: int) -> list[int]:
    row = [1]
    for j in range(k):
        row.append(row[-1] * (k - j) // (j + 1))
    return row


#: ``r_{l,k}`` for ``l = k, k+1, …`` per order ``k``, extended in place (tuples indexed ``u + l``)
_SERIES: dict[int, list[tuple[Fraction, ...]]] = {}


def _legendre_series_row(l: int, k: int) -> tuple[Fraction, ...]:
    """``r_{l,k}[u]`` as a tuple indexed ``u + l`` (see the module docstring), from the per-k column."""
    columns = _SERIES.get(k)
    if columns is None:
        # P̄_k^k(cos θ) = (2k−1)!! 2^{−k} i^{−k} (z − 1/z)^k ;  (z − 1/z)^k = Σ_j C(k, j) (−1)^{k−j} z^{2j−k}
        start = Fraction(_double_factorial_odd(k), 2**k)
        base = [Fraction(0)] * (2 * k + 1)
        for j, binomial in enumerate(_binomial_row(k)):
            base[2 * j] = start * binomial * (-1 if (k - j) % 2 else 1)
        columns = _SERIES[k] = [tuple(base)]
    while len(columns) <= l - k:
        degree = k + len(columns) - 1  # extend from r_degree (and r_{degree−1}) to r_{degree+1}
        current = columns[-1]
        previous = columns[-2] if len(columns) > 1 else ()
        # (l−k+1) r_{l+1} = (2l+1) (r_l shifted by ±1)/2 − (l+k) r_{l−1}; arrays are indexed u + degree
        nxt = [Fraction(0)] * (2 * degree + 3)
        half_factor = Fraction(2 * degree + 1, 2 * (degree - k + 1))
        for index, value in enumerate(current):
            if value:
                nxt[index] += half_factor * value  # u → u − 1 (index + 1 − 1 in the wider array)
                nxt[index + 2] += half_factor * value  # u → u + 1
        if previous:
            back = Fraction(degree + k, degree - k + 1)
            for index, value in enumerate(previous):
                if value:
                    nxt[index + 2] -= back * value
        columns.append(tuple(nxt))
    return columns[l - k]


def legendre_fourier_series(l: int, k: int) -> dict[int, Fraction]:
    """Rational ``r[u]`` with ``P̄_l^k(cos θ) = i^{−k} Σ_u r[u] e^{iuθ}`` (``P̄`` without the Condon–Shortley phase).

    Only ``u ≡ l (mod 2)``, ``|u| ≤ l`` appear; ``0 ≤ k ≤ l ≤`` :data:`MAX_DEGREE`.
    """
    l = _degree(l)
    k = _order_k(k, l)
    row = _legendre_series_row(l, k)
    return {index - l: value for index, value in enumerate(row) if value}


def _normalization_square(l: int, k: int) -> Fraction:
    """``N_{l,k}² · π`` = (2l+1)(l−k)!/(4 (l+k)!)."""
    ratio = Fraction(1)
    for factor in range(l - k + 1, l + k + 1):
        ratio /= factor
    return Fraction(2 * l + 1, 4) * ratio


def _normalization(l: int, k: int, normalization: str) -> SqrtRational:
    """``N_{l,k}`` times the normalization's scale of degree l."""
    square = _normalization_square(l, k)
    if normalization == "component":  # × √(4π)
        return SqrtRational.sqrt(square * 4)
    if normalization == "norm":  # × √(4π/(2l+1))
        return SqrtRational.sqrt(square * Fraction(4, 2 * l + 1))
    return SqrtRational.sqrt(square, pi_power=-1)


def normalization_constant(l: int, k: int, normalization: str = "integral") -> SqrtRational:
    """``N_{l,k} = √((2l+1)/(4π) · (l−k)!/(l+k)!)`` times the scale of ``normalization`` (exact), ``0 ≤ k ≤ l``."""
    l = _degree(l)
    k = _order_k(k, l)
    return _normalization(l, k, resolve(NORMALIZATION, normalization, "normalization"))


def _basis_and_normalization(basis: str, normalization: str) -> tuple[str, str]:
    return resolve(BASIS, basis, "basis"), resolve(NORMALIZATION, normalization, "normalization")


@lru_cache(maxsize=2048)
def _sh_to_fourier(l: int, m: int, basis: str, normalization: str) -> tuple[tuple[tuple[int, int], ExactComplex], ...]:
    k = abs(m)
    scale = _normalization(l, k, normalization)
    series = legendre_fourier_series(l, k)
    terms: list[tuple[tuple[int, int], ExactComplex]] = []
    if basis == "complex":
        sign = -1 if (m >= 0 and m % 2) else 1
        for u, r in series.items():
            terms.append(((u, m), _times_i_power(scale * r * sign, -k)))
        return tuple(terms)
    if m == 0:
        return tuple(((u, 0), (scale * r, _ZERO)) for u, r in series.items())
    for u, r in series.items():
        value = scale * r * _HALF_ROOT
        if m > 0:  # √2 cos kφ = (e^{ikφ} + e^{−ikφ})/√2
            terms.append(((u, k), _times_i_power(value, -k)))
            terms.append(((u, -k), _times_i_power(value, -k)))
        else:  # √2 sin kφ = −i (e^{ikφ} − e^{−ikφ})/√2
            terms.append(((u, k), _times_i_power(value, -k - 1)))
            terms.append(((u, -k), _times_i_power(value, -k + 1)))
    return tuple(terms)


def sh_to_fourier(
    l: int, m: int, basis: str = "real", normalization: str = "integral"
) -> dict[tuple[int, int], ExactComplex]:
    """Exact torus Fourier coefficients ``{(u, v): (re, im)}`` of one harmonic: ``Y = Σ c_{u,v} e^{iuθ} e^{ivφ}``.

    ``basis``: ``"real"`` (Wikipedia form; e3nn's basis has the same coefficients in its own angles, see
    :func:`torus_angles`) or ``"complex"`` (Condon–Shortley). ``normalization``: ``"integral"``, ``"component"`` or
    ``"norm"``. Every value is exact; zero coefficients are omitted. ``l ≤`` :data:`MAX_DEGREE` = 128.
    """
    l = _degree(l)
    m = as_order(m, l)
    basis, normalization = _basis_and_normalization(basis, normalization)
    return dict(_sh_to_fourier(l, m, basis, normalization))


#: per order k: ``(lmax, umax, columns)`` — the longest and widest projection column computed so far
_PROJECTIONS: dict[int, tuple[int, int, tuple[dict[int, Fraction], ...]]] = {}


def _projection_column(k: int, lmax: int, umax: int) -> tuple[dict[int, Fraction], ...]:
    """``ρ_{l,k}[u]`` for ``l = k..`` (at least ``lmax``) and ``|u| ≤`` (at least) ``umax``, ``u ≡ l (mod 2)``.

    One column per ``k`` is kept: a request within it is served from it, a larger one replaces it (with at least
    twice the degrees, so that asking for ``l = k, k+1, …`` in turn recomputes only ``O(log L)`` times).
    """
    stored = _PROJECTIONS.get(k)
    if stored is not None and stored[0] >= lmax and stored[1] >= umax:
        return stored[2]
    if stored is not None:  # grow geometrically: degrees asked one by one recompute O(log L) times, not O(L)
        lmax = min(max(lmax, k + 2 * (stored[0] - k) + 1), MAX_DEGREE)
        umax = max(umax, stored[1])
    width = umax + (lmax - k) + 1  # the recurrence eats one u on each side per degree
    base_series = legendre_fourier_series(k, k)

    def kernel(n: int) -> Fraction:
        return Fraction(2, 1 - n * n)

    current = {u: sum((r * kernel(u + up) for up, r in base_series.items()), Fraction(0))
               for u in range(-width, width + 1) if (u - k) % 2 == 0}
    previous: dict[int, Fraction] = {}
    columns = [current]
    for l in range(k, lmax):
        half_factor = Fraction(2 * l + 1, 2 * (l - k + 1))
        back = Fraction(l + k, l - k + 1)
        reach = width - (l - k) - 1
        nxt = {}
        for u in range(-reach, reach + 1):
            if (u - l - 1) % 2:
                continue
            value = half_factor * (current[u - 1] + current[u + 1])
            if previous:
                value -= back * previous[u]
            nxt[u] = value
        previous, current = current, nxt
        columns.append(current)
    result = tuple({u: v for u, v in column.items() if abs(u) <= umax} for column in columns)
    _PROJECTIONS[k] = (lmax, umax, result)
    return result


def projection_integrals(l: int, k: int, umax: int) -> dict[int, Fraction]:
    """Rational ``ρ[u]`` with ``∫_0^π e^{iuθ} P̄_l^k(cos θ) sin θ dθ = i^{−k} ρ[u]``.

    Given for ``u ≡ l (mod 2)`` and ``|u| ≤ umax`` (the frequencies the projection keeps).
    """
    l = _degree(l)
    k = _order_k(k, l)
    umax = _degree(umax, "umax")
    return {u: value for u, value in _projection_column(k, l, umax)[l - k].items() if abs(u) <= umax}


@lru_cache(maxsize=2048)
def _fourier_to_sh(l: int, m: int, umax: int, basis: str, normalization: str):
    k = abs(m)
    # conj(Y) carries the inverse of the normalization's scale relative to integral (orthonormal) harmonics
    integral_scale = _normalization(l, k, "integral")
    chosen_scale = _normalization(l, k, normalization)
    scale = integral_scale * integral_scale / chosen_scale  # N_{l,k} / (scale of the chosen normalization)
    rho = projection_integrals(l, k, umax)
    terms = []
    pi = SqrtRational.sqrt(1, pi_power=2)
    if basis == "complex":  # z = ∫ f conj(Y_l^m): 2π s_m N Σ_u F[u, m] i^{−k} ρ[u]
        sign = -1 if (m >= 0 and m % 2) else 1
        for u, value in rho.items():
            if value:
                terms.append(((u, m), _times_i_power(scale * value * pi * 2 * sign, -k)))
        return tuple(terms)
    for u, value in rho.items():
        if not value:
            continue
        if m == 0:
            terms.append(((u, 0), (scale * value * pi * 2, _ZERO)))
            continue
        weight = scale * value * pi * SqrtRational.sqrt(2)  # (2π/√2) = √2 π
        if m > 0:
            terms.append(((u, k), _times_i_power(weight, -k)))
            terms.append(((u, -k), _times_i_power(weight, -k)))
        else:  # 2π/(i√2) (F[u, −k] − F[u, k])
            terms.append(((u, k), _times_i_power(weight, -k + 1)))
            terms.append(((u, -k), _times_i_power(weight, -k - 1)))
    return tuple(terms)


def fourier_to_sh(
    l: int, m: int, umax: int, basis: str = "real", normalization: str = "integral"
) -> dict[tuple[int, int], ExactComplex]:
    """Exact projection coefficients ``{(u, v): (re, im)}``: ``x_{l,m} = Σ_{u,v} F[u,v] p_{u,v}``.

    ``x_{l,m} = ∫ f conj(Y_{l,m}) dΩ`` for the torus function ``f = Σ F[u,v] e^{iuθ} e^{ivφ}`` with ``|u| ≤ umax``,
    provided f extends a band-limited sphere function (any sum or product of harmonics does; see the module
    docstring — only ``u ≡ l (mod 2)`` is kept). ``basis`` and ``normalization`` as in :func:`sh_to_fourier`.
    ``l, umax ≤`` :data:`MAX_DEGREE` = 128.
    """
    l = _degree(l)
    m = as_order(m, l)
    umax = _degree(umax, "umax")
    basis, normalization = _basis_and_normalization(basis, normalization)
    return dict(_fourier_to_sh(l, m, umax, basis, normalization))


def torus_angles(xyz, polar_axis: str = "z") -> tuple[np.ndarray, np.ndarray]:
    """Polar and azimuthal angles ``(θ, φ)`` of points ``xyz`` (…, 3) for the torus series.

    ``polar_axis="z"``: θ from +z, φ = atan2(y, x) (physics, Wikipedia). ``polar_axis="y"`` (alias ``"e3nn"``):
    θ from +y, φ = atan2(x, z) — e3nn's angles, in which e3nn's real harmonics have the Wikipedia coefficients.
    """
    axis = resolve(POLAR_AXIS, polar_axis, "polar_axis")
    points = as_point_array(xyz, "xyz")
    if not np.all(np.isfinite(points)):
        raise ValueError("xyz must be finite (no NaN or infinite coordinates)")
    x, y, z = points[..., 0], points[..., 1], points[..., 2]
    if axis == "y":
        x, y, z = z, x, y  # e3nn_Y(x, y, z) = wiki_Y(z, x, y)
    radius = np.sqrt(x * x + y * y + z * z)
    if np.any(radius == 0):
        raise ValueError("xyz must not contain the origin (its angles are undefined)")
    theta = np.arccos(np.clip(z / radius, -1.0, 1.0))
    phi = np.arctan2(y, x)
    return theta, phi
