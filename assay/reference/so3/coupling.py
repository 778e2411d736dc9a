"""Exact Wigner 3j symbols and Clebsch–Gordan coefficients (Condon–Shortley phase), integer and half-integer j.

Racah's formula, evaluated in Python integers::

    (j1 j2 j3; m1 m2 m3) = (−1)^(j1−j2−m3) √(Δ · Π_i (j_i+m_i)!(j_i−m_i)!) · Σ_k (−1)^k / D_k
    Δ   = (j1+j2−j3)! (j1−j2+j3)! (−j1+j2+j3)! / (j1+j2+j3+1)!
    D_k = k! (j3−j2+k+m1)! (j3−j1+k−m2)! (j1+j2−j3−k)! (j1−k−m1)! (j2−k+m2)!

    ⟨j1 m1; j2 m2 | J M⟩ = (−1)^(j1−j2+M) √(2J+1) (j1 j2 J; m1 m2 −M)

Both are ``±√(p/q)`` and are returned as :class:`~assay.core.exact.SqrtRational` (``float()`` of it is correctly
rounded). The argument order is sympy's: ``wigner_3j(j1, j2, j3, m1, m2, m3)`` and
``clebsch_gordan(j1, j2, j3, m1, m2, m3)`` = ⟨j1 m1; j2 m2 | j3 m3⟩.

Selection rules (triangle inequality, ``m1+m2+m3 = 0`` for 3j or ``m1+m2 = m3`` for CG) give an exact zero. Invalid
input — a j that is negative or not a multiple of 1/2, an m whose parity differs from its j, ``|m| > j`` — raises
``ValueError`` naming the argument.

**Limit.** Every ``j`` is at most :data:`MAX_SPIN` = 1000: the Racah sum has up to ``j + 1`` terms of integers of
``log2((j1+j2+j3+1)!)`` bits, so its cost grows like ``j³`` (measured 1.1 s at ``j1 = j2 = j3 = 1000``, 9 s at 2000,
69 s at 4000 on one core). The factorial table therefore never holds more than ``3·MAX_SPIN + 2`` entries (about
6 MB), and results are cached only for small degrees (``j1 + j2 + j3 ≤ 192``, at most 65,536 values of a few hundred
bytes each).
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

from assay.core.exact import SqrtRational
from assay.core.validation import as_twice_half_integer

__all__ = ["MAX_SPIN", "clebsch_gordan", "wigner_3j"]

#: the largest j (or l) accepted by :func:`wigner_3j` and :func:`clebsch_gordan` (see the module docstring)
MAX_SPIN = 1000

_FACTORIALS: list[int] = [1]
#: the factorial table grows to at most this many entries (the largest argument of the Racah sum is j1+j2+j3+1)
_FACTORIAL_TABLE_SIZE = 3 * MAX_SPIN + 2


def factorial(n: int) -> int:
    """``n!`` from a growing table (the Racah sums use many small factorials repeatedly), bounded to
    ``n < 3·MAX_SPIN + 2`` entries; larger ``n`` are computed on demand and not kept."""
    table = _FACTORIALS
    if n >= _FACTORIAL_TABLE_SIZE:
        import math

        return math.factorial(n)
    while len(table) <= n:
        table.append(table[-1] * len(table))
    return table[n]


def _doubled_spins(names: tuple[str, ...], values: tuple[object, ...]) -> list[int]:
    twice = [as_twice_half_integer(v, name) for name, v in zip(names, values)]
    for value, name in zip(twice[:3], names[:3]):
        if value > 2 * MAX_SPIN:
            raise ValueError(
                f"{name} must be <= {MAX_SPIN} (MAX_SPIN: the exact Racah sum costs about j³; 1 s at j = 1000), "
                f"got {Fraction(value, 2)}"
            )
    return twice


def _check_spin_projection(tj: int, tm: int, j_name: str, m_name: str) -> None:
    if tj < 0:
        raise ValueError(f"{j_name} must be non-negative, got {tj / 2:g}")
    if (tj - tm) % 2:
        raise ValueError(
            f"{j_name} and {m_name} must both be integers or both half-integers, got {tj / 2:g} and {tm / 2:g}"
        )
    if abs(tm) > tj:
        raise ValueError(f"|{m_name}| must be <= {j_name}, got {j_name} = {tj / 2:g}, {m_name} = {tm / 2:g}")


def three_j_squared(tj1: int, tj2: int, tj3: int, tm1: int, tm2: int, tm3: int) -> tuple[int, int, int]:
    """``(sign, N, D)`` with ``(j1 j2 j3; m1 m2 m3) = sign · √(N/D)`` for doubled, already validated arguments.

    ``N/D`` is not reduced (the table builder rounds it directly). Returns ``(0, 0, 1)`` when a selection rule
    makes the symbol vanish, including the rare accidental zeros of the Racah sum.
    """
    if tm1 + tm2 + tm3 != 0:
        return 0, 0, 1
    if tj3 > tj1 + tj2 or tj3 < abs(tj1 - tj2) or (tj1 + tj2 + tj3) % 2:
        return 0, 0, 1
    # integer arguments of the factorials
    a = (tj1 + tj2 - tj3) // 2
    b = (tj1 - tj2 + tj3) // 2
    c = (-tj1 + tj2 + tj3) // 2
    d = (tj1 + tj2 + tj3) // 2 + 1
    p1, q1 = (tj1 + tm1) // 2, (tj1 - tm1) // 2
    p2, q2 = (tj2 + tm2) // 2, (tj2 - tm2) // 2
    p3, q3 = (tj3 + tm3) // 2, (tj3 - tm3) // 2
    shift2 = (tj3 - tj2 + tm1) // 2  # j3 − j2 + m1
    shift3 = (tj3 - tj1 - tm2) // 2  # j3 − j1 − m2
    k_min = max(0, -shift2, -shift3)
    k_max = min(a, q1, p2)
    if k_max < k_min:
        return 0, 0, 1
    # Σ_k (−1)^k / D_k = (Σ_k (−1)^k C/D_k) / C with C = Π of the largest factorial of each slot
    f = factorial
    top = (f(k_max), f(k_max + shift2), f(k_max + shift3), f(a - k_min), f(q1 - k_min), f(p2 - k_min))
    common = top[0] * top[1] * top[2] * top[3] * top[4] * top[5]
    total = 0
    for k in range(k_min, k_max + 1):
        term = (
            (top[0] // f(k))
            * (top[1] // f(k + shift2))
            * (top[2] // f(k + shift3))
            * (top[3] // f(a - k))
            * (top[4] // f(q1 - k))
            * (top[5] // f(p2 - k))
        )
        total += -term if k % 2 else term
    if total == 0:
        return 0, 0, 1
    numerator = f(a) * f(b) * f(c) * f(p1) * f(q1) * f(p2) * f(q2) * f(p3) * f(q3) * total * total
    denominator = f(d) * common * common
    phase = (tj1 - tj2 - tm3) // 2  # j1 − j2 − m3 is an integer when the symbol is allowed
    sign = (-1 if phase % 2 else 1) * (1 if total > 0 else -1)
    return sign, numerator, denominator


#: results with 2·(j1 + j2 + j3) up to this are cached (a few hundred bytes each); larger ones are recomputed
_CACHED_UP_TO = 384


def _wigner_3j_exact(tj1: int, tj2: int, tj3: int, tm1: int, tm2: int, tm3: int) -> SqrtRational:
    sign, numerator, denominator = three_j_squared(tj1, tj2, tj3, tm1, tm2, tm3)
    return SqrtRational(sign, Fraction(numerator, denominator))


_wigner_3j_cached = lru_cache(maxsize=65536)(_wigner_3j_exact)


def _wigner_3j_doubled(tj1: int, tj2: int, tj3: int, tm1: int, tm2: int, tm3: int) -> SqrtRational:
    if tj1 + tj2 + tj3 <= _CACHED_UP_TO:
        return _wigner_3j_cached(tj1, tj2, tj3, tm1, tm2, tm3)
    return _wigner_3j_exact(tj1, tj2, tj3, tm1, tm2, tm3)


_wigner_3j_doubled.cache_clear = _wigner_3j_cached.cache_clear  # type: ignore[attr-defined]  # (benchmarks: cold)


def _validated(values: tuple[object, ...], names: tuple[str, ...]) -> list[int]:
    doubled = _doubled_spins(names, values)
    for i in range(3):
        _check_spin_projection(doubled[i], doubled[i + 3], names[i], names[i + 3])
    return doubled


def wigner_3j(j1: object, j2: object, j3: object, m1: object, m2: object, m3: object) -> SqrtRational:
    """The Wigner 3j symbol ``(j1 j2 j3; m1 m2 m3)``, exact (see the module docstring for the formula).

    Arguments may be ints, half-integers as ``Fraction``/sympy ``Rational``/float (``0.5``); the argument order is
    sympy's ``wigner_3j``. ``float()`` of the result is correctly rounded. Every ``j ≤`` :data:`MAX_SPIN` = 1000
    (the exact Racah sum costs about ``j³``: 1 s at ``j1 = j2 = j3 = 1000``).
    """
    tj1, tj2, tj3, tm1, tm2, tm3 = _validated((j1, j2, j3, m1, m2, m3), ("j1", "j2", "j3", "m1", "m2", "m3"))
    return _wigner_3j_doubled(tj1, tj2, tj3, tm1, tm2, tm3)


def clebsch_gordan(j1: object, j2: object, j3: object, m1: object, m2: object, m3: object) -> SqrtRational:
    """The Clebsch–Gordan coefficient ``⟨j1 m1; j2 m2 | j3 m3⟩`` (Condon–Shortley), exact.

    ``= (−1)^(j1−j2+m3) √(2 j3+1) (j1 j2 j3; m1 m2 −m3)``; argument order as sympy's ``clebsch_gordan``.
    Every ``j ≤`` :data:`MAX_SPIN` = 1000, as for :func:`wigner_3j`.
    """
    tj1, tj2, tj3, tm1, tm2, tm3 = _validated((j1, j2, j3, m1, m2, m3), ("j1", "j2", "j3", "m1", "m2", "m3"))
    symbol = _wigner_3j_doubled(tj1, tj2, tj3, tm1, tm2, -tm3)
    if not symbol:
        return symbol
    phase = (tj1 - tj2 + tm3) // 2
    return symbol * SqrtRational(-1 if phase % 2 else 1, tj3 + 1)
