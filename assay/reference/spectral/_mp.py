"""Private helpers: argument checks and conversion of parameters to mpmath numbers."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import mpmath

__all__ = ["as_mpf", "as_mpf_vector", "as_order"]


def as_mpf(value: Any, name: str, *, positive: bool = False, nonnegative: bool = False) -> mpmath.mpf:
    """``value`` as an ``mpmath.mpf`` at the working precision; floats are taken exactly, strings are decimal.

    Raises ``TypeError`` for a non-number and ``ValueError`` for NaN/∞ or a broken sign rule, naming ``name``.
    """
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a real number, not a bool")
    if isinstance(value, mpmath.mpf):
        result = +value
    elif isinstance(value, Fraction):
        result = mpmath.mpf(value.numerator) / value.denominator
    elif isinstance(value, str):
        try:
            result = mpmath.mpf(value)
        except (ValueError, TypeError):
            raise TypeError(f"{name} must be a real number, got the string {value!r}") from None
    elif isinstance(value, numbers.Real):
        result = mpmath.mpf(float(value)) if not isinstance(value, numbers.Integral) else mpmath.mpf(int(value))
    elif hasattr(value, "item") and getattr(value, "ndim", 1) == 0:  # numpy scalars
        return as_mpf(value.item(), name, positive=positive, nonnegative=nonnegative)
    else:
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    if not mpmath.isfinite(result):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if positive and result <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    if nonnegative and result < 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return result


def as_mpf_vector(values: Any, name: str, *, positive: bool = False) -> list[mpmath.mpf]:
    """A non-empty 1-D sequence of real numbers as a list of ``mpf`` (entries checked like :func:`as_mpf`)."""
    if isinstance(values, (str, bytes)) or not (isinstance(values, (Sequence, mpmath.matrix)) or hasattr(
        values, "__len__"
    )):
        values = [values]
    items = list(values.tolist() if hasattr(values, "tolist") else values)
    if not items:
        raise ValueError(f"{name} must not be empty")
    return [as_mpf(v, f"{name}[{i}]", positive=positive) for i, v in enumerate(items)]


def as_order(order: Any, name: str = "order", maximum: int | None = None) -> int:
    """A non-negative integer derivative order (``<= maximum`` when given)."""
    if isinstance(order, bool) or not isinstance(order, numbers.Integral):
        raise TypeError(f"{name} must be a non-negative int, got {type(order).__name__}")
    if order < 0:
        raise ValueError(f"{name} must be >= 0, got {order}")
    if maximum is not None and order > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {order}")
    return int(order)
