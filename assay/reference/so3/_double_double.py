"""Vectorized double-double ("double-word") arithmetic in numpy, with the error bounds the 3j tables rely on.

A double-double is a pair of float64 arrays ``(hi, lo)`` standing for the unevaluated sum ``hi + lo`` with
``|lo| ≤ ulp(hi)/2``; it carries about 106 bits. ``u = 2⁻⁵³`` is the unit roundoff of float64. Only what the
tables need is here:

- :func:`two_prod` — Dekker's error-free product: ``a·b = p + e`` exactly (Veltkamp splitting with ``2²⁷ + 1``,
  no FMA; exact whenever nothing overflows or underflows);
- :func:`mul` — double-double × double-double, Algorithm "DWTimesDW1" of Joldes, Muller & Popescu (ACM TOMS 2017):
  relative error ≤ 7u²;
- :func:`sqrt_ratio` — ``√(p/q)`` of two Python integers as a double-double, from an integer square root with
  ≥ 115 bits: relative error ≤ u² (1 + 2⁻⁹);
- :func:`round_or_defer` — Ziv's rounding test: given ``y = hi + lo`` with ``|Y − y| ≤ ε·y`` for the exact
  value ``Y > 0``, returns ``hi`` where that interval provably rounds to ``hi`` (round to nearest) and marks the
  rest undecided.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["UNIT_ROUNDOFF", "mul", "round_or_defer", "sqrt_ratio", "two_prod"]

UNIT_ROUNDOFF = 2.0**-53
_SPLITTER = 134217729.0  # 2^27 + 1


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Veltkamp: ``a = high + low`` exactly, each half with at most 26 significant bits."""
    scaled = a * _SPLITTER
    high = scaled - (scaled - a)
    return high, a - high


def two_prod(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dekker's product: ``(p, e)`` with ``p = fl(a·b)`` and ``a·b = p + e`` exactly."""
    product = a * b
    a_high, a_low = _split(a)
    b_high, b_low = _split(b)
    error = ((a_high * b_high - product) + a_high * b_low + a_low * b_high) + a_low * b_low
    return product, error


def mul(
    x_hi: np.ndarray, x_lo: np.ndarray, y_hi: np.ndarray, y_lo: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``(x_hi + x_lo)·(y_hi + y_lo)`` as a normalized double-double, relative error ≤ 7u² (JMP 2017, Alg. 10)."""
    c_hi, c_lo1 = two_prod(x_hi, y_hi)
    c_lo2 = x_hi * y_lo + x_lo * y_hi
    c_lo3 = c_lo1 + c_lo2
    z_hi = c_hi + c_lo3  # Fast2Sum: |c_hi| >= |c_lo3|
    z_lo = c_lo3 - (z_hi - c_hi)
    return z_hi, z_lo


def sqrt_ratio(numerator: int, denominator: int) -> tuple[float, float]:
    """``√(numerator/denominator)`` as a double-double ``(hi, lo)``, ``hi`` correctly rounded, error ≤ u²(1 + 2⁻⁹).

    ``x = ⌊√(n·4^k/d)⌋`` has at least 115 bits, so ``x/2^k`` is within a relative ``2⁻¹¹⁵`` of the root; ``hi`` is
    ``x/2^k`` correctly rounded (Python's int/int division), ``lo`` the rest ``(x − hi·2^k)/2^k`` rounded once
    (``|lo| ≤ u·hi``, so that rounding costs at most ``u²·hi``).
    """
    if numerator <= 0 or denominator <= 0:
        raise ValueError(f"need numerator > 0 and denominator > 0, got {numerator}/{denominator}")
    shift = max(0, (232 - (numerator.bit_length() - denominator.bit_length())) // 2 + 1)
    root = math.isqrt((numerator << (2 * shift)) // denominator)
    scale = 1 << shift
    hi = root / scale
    hi_num, hi_den = hi.as_integer_ratio()  # hi·2^shift is an integer: hi keeps 53 of root's >= 115 bits
    return hi, (root - hi_num * (scale // hi_den)) / scale


def round_or_defer(hi: np.ndarray, lo: np.ndarray, bound: float) -> np.ndarray:
    """Which entries of ``y = hi + lo`` (``hi > 0``, normalized) provably round to ``hi``.

    The exact value ``Y`` is known to satisfy ``|Y − y| ≤ bound·y`` with ``bound`` a power of two, ``2u² ≤ bound``.
    Round to nearest gives ``hi`` exactly when ``Y`` lies strictly between the midpoints ``hi − down/2`` and
    ``hi + up/2`` (``up``, ``down``: the gaps to the neighbouring doubles, unequal at a power of two); it suffices
    that ``lo + 2·bound·hi < up/2`` (``lo ≥ 0``) or ``2·bound·hi − lo < down/2`` (``lo < 0``). The factor 2 covers
    ``y ≤ hi(1 + 2u)`` and the one rounding in each side's sum (``2·bound·hi`` itself is exact). Ties, values
    too close to a midpoint, non-finite or non-positive ``hi`` come back ``False``: round those exactly.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        slack = (2.0 * bound) * hi
        up = np.nextafter(hi, np.inf) - hi
        down = hi - np.nextafter(hi, 0.0)
        upper_ok = lo + slack < 0.5 * up
        lower_ok = slack - lo < 0.5 * down
        decided = np.where(lo >= 0.0, upper_ok, lower_ok)
        decided &= np.isfinite(hi) & np.isfinite(lo) & (hi > 0.0)
    return decided
