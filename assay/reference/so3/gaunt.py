"""Exact Gaunt coefficients: integrals of three spherical harmonics, complex and real.

Complex (Condon–Shortley harmonics, no conjugate)::

    gaunt(l1, l2, l3, m1, m2, m3) = ∫ Y_{l1}^{m1} Y_{l2}^{m2} Y_{l3}^{m3} dΩ
        = √((2l1+1)(2l2+1)(2l3+1)/(4π)) (l1 l2 l3; 0 0 0) (l1 l2 l3; m1 m2 m3)

Real (the Wikipedia real form ``Y_{l,m} = Σ_μ U_{mμ} Y_l^μ``, see :mod:`assay.reference.so3.basis`)::

    real_gaunt(l1, l2, l3, m1, m2, m3) = ∫ Y_{l1,m1} Y_{l2,m2} Y_{l3,m3} dΩ
        = Σ_μ U1_{m1μ1} U2_{m2μ2} U3_{m3μ3} gaunt(l1, l2, l3, μ1, μ2, μ3)

The real Gaunt coefficients are the same in e3nn's y-polar real basis (the axis permutation is a rotation and the
tensor is invariant). Both are ``±√(p/q)/√π`` and are returned as :class:`~assay.core.exact.SqrtRational`; they vanish
exactly unless ``l1+l2+l3`` is even and the triangle holds, and (complex) unless ``m1+m2+m3 = 0`` or (real) unless the
``|m_i|`` can be signed to sum to zero. The argument order is sympy's ``gaunt``/``real_gaunt``.

Degrees are limited to :data:`~assay.reference.so3.coupling.MAX_SPIN` = 1000 (the 3j symbols' limit); values
are cached only for small degrees (``l1 + l2 + l3 ≤ 192``).
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

from assay.core.exact import SqrtRational
from assay.core.validation import as_order, as_size_limited_degree
from assay.reference.so3.basis import complex_to_real_entries
from assay.reference.so3.coupling import MAX_SPIN, wigner_3j

__all__ = ["gaunt", "real_gaunt"]

_LIMIT_REASON = "MAX_SPIN of the 3j symbols: their exact Racah sum costs about l³"
#: values with l1 + l2 + l3 up to this are cached
_CACHED_UP_TO = 192


def _validated(l1: object, l2: object, l3: object, m1: object, m2: object, m3: object) -> tuple[int, ...]:
    degrees = tuple(as_size_limited_degree(value, name, MAX_SPIN, _LIMIT_REASON)
                    for value, name in ((l1, "l1"), (l2, "l2"), (l3, "l3")))
    orders = tuple(as_order(m, l, f"m{i}", f"l{i}") for i, (m, l) in enumerate(zip((m1, m2, m3), degrees), start=1))
    return degrees + orders


def _triangle_even(l1: int, l2: int, l3: int) -> bool:
    return abs(l1 - l2) <= l3 <= l1 + l2 and (l1 + l2 + l3) % 2 == 0


def _small(function):
    """``function`` with its results cached when ``l1 + l2 + l3 ≤ _CACHED_UP_TO``."""
    cached = lru_cache(maxsize=65536)(function)

    def dispatch(l1: int, l2: int, l3: int, m1: int, m2: int, m3: int) -> SqrtRational:
        if l1 + l2 + l3 <= _CACHED_UP_TO:
            return cached(l1, l2, l3, m1, m2, m3)
        return function(l1, l2, l3, m1, m2, m3)

    dispatch.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    return dispatch


@_small
def _gaunt(l1: int, l2: int, l3: int, m1: int, m2: int, m3: int) -> SqrtRational:
    if m1 + m2 + m3 != 0 or not _triangle_even(l1, l2, l3):
        return SqrtRational.zero()
    prefactor = SqrtRational.sqrt(Fraction((2 * l1 + 1) * (2 * l2 + 1) * (2 * l3 + 1), 4), pi_power=-1)
    return prefactor * wigner_3j(l1, l2, l3, 0, 0, 0) * wigner_3j(l1, l2, l3, m1, m2, m3)


def gaunt(l1: int, l2: int, l3: int, m1: int, m2: int, m3: int) -> SqrtRational:
    """``∫ Y_{l1}^{m1} Y_{l2}^{m2} Y_{l3}^{m3} dΩ`` for complex Condon–Shortley harmonics, exact.

    Degrees ``≤ 1000`` (the limit of the 3j symbols, :data:`~assay.reference.so3.coupling.MAX_SPIN`).
    """
    return _gaunt(*_validated(l1, l2, l3, m1, m2, m3))


@_small
def _real_gaunt(l1: int, l2: int, l3: int, m1: int, m2: int, m3: int) -> SqrtRational:
    if not _triangle_even(l1, l2, l3):
        return SqrtRational.zero()
    u1, u2, u3 = complex_to_real_entries(l1), complex_to_real_entries(l2), complex_to_real_entries(l3)
    real_part = imaginary_part = SqrtRational.zero()
    for mu1 in {m1, -m1}:
        for mu2 in {m2, -m2}:
            mu3 = -mu1 - mu2
            if abs(mu3) != abs(m3):
                continue
            coefficient = _gaunt(l1, l2, l3, mu1, mu2, mu3)
            if not coefficient:
                continue
            # each U entry is purely real or purely imaginary, so the product of three is a single term
            re, im = _complex_product(u1[(m1, mu1)], u2[(m2, mu2)], u3[(m3, mu3)])
            real_part = real_part + re * coefficient
            imaginary_part = imaginary_part + im * coefficient
    if imaginary_part:
        raise ArithmeticError(f"real_gaunt({l1}, {l2}, {l3}, {m1}, {m2}, {m3}) has an imaginary part {imaginary_part}")
    return real_part


def _complex_product(*factors: tuple[SqrtRational, SqrtRational]) -> tuple[SqrtRational, SqrtRational]:
    re, im = SqrtRational.from_rational(1), SqrtRational.zero()
    for factor_re, factor_im in factors:
        re, im = re * factor_re - im * factor_im, re * factor_im + im * factor_re
    return re, im


def real_gaunt(l1: int, l2: int, l3: int, m1: int, m2: int, m3: int) -> SqrtRational:
    """``∫ Y_{l1,m1} Y_{l2,m2} Y_{l3,m3} dΩ`` for real (Wikipedia-form) harmonics, exact; degrees ``≤ 1000``."""
    return _real_gaunt(*_validated(l1, l2, l3, m1, m2, m3))
