"""Argument checks shared by every domain.

Every check raises ``TypeError`` for a value of the wrong kind and ``ValueError`` for a value of the right kind
that breaks a rule, and the message names the argument and the rule.
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction

__all__ = [
    "as_degree",
    "as_order",
    "as_twice_half_integer",
    "check_dps",
    "check_finite",
]


def _reject_bool(value: object, name: str) -> None:
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a number, not a bool")


def as_twice_half_integer(value: object, name: str) -> int:
    """Return ``2 * value`` as an int, where ``value`` must be an integer or a half-integer.

    Accepts Python/numpy integers, ``Fraction``, floats that are exactly integer or half-integer, and sympy numbers.
    """
    _reject_bool(value, name)
    if isinstance(value, numbers.Integral):
        return 2 * int(value)
    if isinstance(value, numbers.Rational):  # Fraction, sympy Rational
        doubled = 2 * Fraction(int(value.numerator), int(value.denominator))
    elif isinstance(value, numbers.Real):
        as_float = float(value)
        if not math.isfinite(as_float):
            raise ValueError(f"{name} must be finite, got {value!r}")
        doubled = 2 * Fraction(as_float)
    else:
        raise TypeError(f"{name} must be an integer or half-integer number, got {type(value).__name__}")
    if doubled.denominator != 1:
        raise ValueError(f"{name} must be an integer or a half-integer, got {value!r}")
    return int(doubled)


def as_degree(value: object, name: str = "l") -> int:
    """Return ``value`` as a non-negative int degree; half-integers and negatives are refused."""
    twice = as_twice_half_integer(value, name)
    if twice % 2:
        raise ValueError(f"{name} must be an integer degree, got {value!r}")
    if twice < 0:
        raise ValueError(f"{name} must be non-negative, got {value!r}")
    return twice // 2


def as_order(value: object, degree: int, name: str = "m", degree_name: str = "l") -> int:
    """Return ``value`` as an int order with ``|m| <= l``."""
    twice = as_twice_half_integer(value, name)
    if twice % 2:
        raise ValueError(f"{name} must be an integer, got {value!r}")
    m = twice // 2
    if abs(m) > degree:
        raise ValueError(f"|{name}| must be <= {degree_name} = {degree}, got {name} = {m}")
    return m


def check_dps(dps: object, name: str = "dps") -> int:
    """Return ``dps`` (decimal digits of precision) as an int >= 1."""
    _reject_bool(dps, name)
    if not isinstance(dps, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(dps).__name__}")
    if dps < 1:
        raise ValueError(f"{name} must be >= 1, got {dps}")
    return int(dps)


def check_finite(value: object, name: str) -> None:
    """Refuse NaN or infinite real values (scalars or array-likes)."""
    import numpy as np

    try:
        array = np.asarray(value, dtype=object)
    except Exception:  # pragma: no cover - numpy accepts anything as object
        return
    for item in array.ravel():
        try:
            finite = math.isfinite(complex(item).real) and math.isfinite(complex(item).imag)
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be numeric, got {type(item).__name__}") from None
        if not finite:
            raise ValueError(f"{name} must be finite, got {item!r}")
