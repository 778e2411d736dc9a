"""Private mpmath helpers for the SO(3) references: input conversion and a Ziv-style precision loop.

Every SO(3) reference value is computed by a function ``compute(dps)`` that evaluates the formula with ``dps``
working digits. :func:`ziv` evaluates it at two working precisions and accepts the result when every real
component agrees to the requested digits; otherwise it raises the working precision and tries again. This turns a
formula that may cancel (an alternating sum, a recurrence near a root) into one whose result carries ``dps``
correct significant digits, without having to bound the cancellation a priori.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np

__all__ = ["components", "to_mpf", "ziv"]

#: guard digits of the first attempt
GUARD = 15
#: the second evaluation of each attempt uses this many more digits
STEP = 20


def to_mpf(value: Any, name: str) -> mpmath.mpf:
    """``value`` as an ``mpmath.mpf`` at the current working precision; NaN and ±inf are refused.

    Accepts Python ints/floats, numpy scalars, ``Fraction``, ``mpmath.mpf`` and sympy numbers or expressions such
    as ``sympy.pi / 3`` (evaluated at the working precision, so an exact angle stays exact to every digit asked).
    """
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a real number, not a bool")
    if isinstance(value, mpmath.mpf):
        result = +value
    elif isinstance(value, (numbers.Integral, np.integer)):
        result = mpmath.mpf(int(value))
    elif isinstance(value, Fraction):
        result = mpmath.mpf(value.numerator) / value.denominator
    elif isinstance(value, (float, np.floating)):
        result = mpmath.mpf(float(value))
    elif hasattr(value, "evalf") and getattr(value, "is_real", None) is not False:  # sympy
        evaluated = value.evalf(mpmath.mp.dps + 5)
        if not evaluated.is_number or evaluated.is_real is False:
            raise TypeError(f"{name} must be a real number, got {value!r}")
        result = mpmath.mpf(str(evaluated)) if evaluated.is_finite is not False else mpmath.mpf("nan")
    elif isinstance(value, mpmath.mpc) or isinstance(value, complex):
        raise TypeError(f"{name} must be a real number, got the complex {value!r}")
    else:
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    if not mpmath.isfinite(result):
        raise ValueError(f"{name} must be finite (not NaN or infinite), got {value!r}")
    return result


def check_real_input(value: Any, name: str) -> None:
    """Raise the error :func:`to_mpf` would raise for ``value`` (used before any precision loop starts)."""
    with mpmath.workdps(15):
        to_mpf(value, name)


def components(value: Any) -> tuple[mpmath.mpf, ...]:
    """The real components of an mpmath real or complex number."""
    if isinstance(value, mpmath.mpc):
        return (value.real, value.imag)
    return (value,)


def _agree(a: Any, b: Any, dps: int) -> bool:
    tolerance = mpmath.mpf(10) ** (-(dps + 3))
    for x, y in zip(components(a), components(b)):
        if x == y:
            continue
        if abs(x - y) > tolerance * abs(y):
            return False
    return True


def ziv(compute: Callable[[int], Sequence[Any]], dps: int, max_dps: int | None = None) -> list[Any]:
    """Evaluate ``compute(working_dps)`` until two working precisions agree to ``dps`` significant digits.

    Attempt ``k`` evaluates at ``w`` and ``w + STEP`` digits (``w = dps + GUARD``, doubled extra on each retry) and
    accepts the second result when every real component ``x`` of it satisfies ``|x − x'| ≤ 10^−(dps+3)·|x|``
    (exact zeros agree only with exact zeros). At ``max_dps`` (default ``3·dps + 100``) the loop stops: components
    that still disagree and are below ``10^−(max_dps/2)`` times the largest component are cancellations to zero and
    are returned as exact zeros; anything else raises ``ArithmeticError`` (never seen in the tests).
    Results are rounded to ``dps`` digits.
    """
    if max_dps is None:
        max_dps = 3 * dps + 100
    extra = GUARD
    while True:
        working = min(dps + extra, max_dps)
        with mpmath.workdps(working):
            first = list(compute(working))
        with mpmath.workdps(working + STEP):
            second = list(compute(working + STEP))
        if all(_agree(a, b, dps) for a, b in zip(first, second)):
            break
        if working >= max_dps:
            second = _flush_cancelled(first, second, dps, max_dps)
            break
        extra *= 2
    with mpmath.workdps(dps):
        return [+value for value in second]


def _flush_cancelled(first: list[Any], second: list[Any], dps: int, max_dps: int) -> list[Any]:
    with mpmath.workdps(max_dps + STEP):
        scale = max((abs(c) for value in second for c in components(value)), default=mpmath.mpf(0))
        floor = scale * mpmath.mpf(10) ** (-(max_dps // 2))
        out = []
        for a, b in zip(first, second):
            parts = []
            for x, y in zip(components(a), components(b)):
                if x == y or abs(x - y) <= mpmath.mpf(10) ** (-(dps + 3)) * abs(y):
                    parts.append(y)
                elif abs(y) <= floor:
                    parts.append(mpmath.mpf(0))
                else:
                    raise ArithmeticError(
                        f"no {dps}-digit agreement up to {max_dps} working digits (value {mpmath.nstr(y, 10)})"
                    )
            out.append(mpmath.mpc(*parts) if isinstance(b, mpmath.mpc) else parts[0])
        return out
