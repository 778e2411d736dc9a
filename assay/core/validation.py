"""Argument checks shared by every domain.

Every check raises ``TypeError`` for a value of the wrong kind and ``ValueError`` for a value of the right kind
that breaks a rule, and the message names the argument and the rule. Python integers and numpy integers are
interchangeable everywhere; ``bool`` is never a number here.

Size limits: a function whose memory or time grows with a degree, a spin, a precision or a length states its limit
as a module constant and refuses larger values with :func:`check_size_limit` *before* it allocates anything. The
precision limit shared by every mpmath reference is :data:`MAX_DPS`.
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction
from typing import Any

__all__ = [
    "MAX_DPS",
    "as_degree",
    "as_device",
    "as_float_tensor",
    "as_floating_dtype",
    "as_int",
    "as_order",
    "as_real",
    "as_size_limited_degree",
    "as_tolerance",
    "as_twice_half_integer",
    "check_dps",
    "check_finite",
    "check_size_limit",
]

#: The largest ``dps`` (decimal digits) any reference accepts. One number at 10,000 digits is 4 KiB and a product
#: of two takes tens of microseconds; the Ziv loops of the references work at up to ``3·dps + 100`` digits, so a
#: reference value at this precision costs seconds, and 10⁶ digits (4 MB per number, minutes per operation) is refused.
MAX_DPS = 10_000


def _reject_bool(value: object, name: str) -> None:
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a number, not a bool")


def _is_integer(value: object) -> bool:
    """Python and numpy integers (numpy registers its integer types as ``numbers.Integral``)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_size_limit(value: int, name: str, limit: int, reason: str = "") -> int:
    """Return ``value`` when it is at most ``limit``; else a ``ValueError`` that states the limit and ``reason``.

    Call it before allocating: the message is the documentation of the limit, e.g. ``l must be <= 1000 (the
    recursion holds 12·l² numbers per rotation), got 5000``.
    """
    _check_bound(limit, "limit")
    if not _is_integer(value):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if not isinstance(reason, str):
        raise TypeError(f"reason must be a str, got {type(reason).__name__}")
    if value > limit:
        why = f" ({reason})" if reason else ""
        raise ValueError(f"{name} must be <= {limit}{why}, got {value}")
    return value


def _check_bound(bound: object, name: str, optional: bool = False) -> None:
    """A limit passed by the caller must itself be an int (a tensor or float limit is a programming error)."""
    if optional and bound is None:
        return
    if not _is_integer(bound):
        raise TypeError(f"{name} must be an int{' or None' if optional else ''}, got {type(bound).__name__}")


def as_int(value: object, name: str, *, minimum: int | None = None, maximum: int | None = None,
           reason: str = "") -> int:
    """Return ``value`` as a Python int; it must be a Python or numpy integer (not a bool, not a float).

    ``minimum`` and ``maximum`` bound it (inclusive); ``reason`` explains the maximum in the error message.
    """
    _check_bound(minimum, "minimum", optional=True)
    _check_bound(maximum, "maximum", optional=True)
    _reject_bool(value, name)
    if not _is_integer(value):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    result = int(value)
    if minimum is not None and result < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {result}")
    if maximum is not None:
        check_size_limit(result, name, maximum, reason)
    return result


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


def as_size_limited_degree(value: object, name: str, limit: int, reason: str = "") -> int:
    """:func:`as_degree` and then :func:`check_size_limit`: a non-negative int degree ``≤ limit``."""
    _check_bound(limit, "limit")
    return check_size_limit(as_degree(value, name), name, limit, reason)


def as_order(value: object, degree: int, name: str = "m", degree_name: str = "l") -> int:
    """Return ``value`` as an int order with ``|m| <= l``."""
    _check_bound(degree, "degree")
    twice = as_twice_half_integer(value, name)
    if twice % 2:
        raise ValueError(f"{name} must be an integer, got {value!r}")
    m = twice // 2
    if abs(m) > degree:
        raise ValueError(f"|{name}| must be <= {degree_name} = {degree}, got {name} = {m}")
    return m


def check_dps(dps: object, name: str = "dps", limit: int = MAX_DPS) -> int:
    """Return ``dps`` (decimal digits of precision) as an int with ``1 <= dps <= limit`` (default :data:`MAX_DPS`)."""
    _check_bound(limit, "limit")
    _reject_bool(dps, name)
    if not isinstance(dps, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(dps).__name__}")
    if dps < 1:
        raise ValueError(f"{name} must be >= 1, got {dps}")
    return check_size_limit(int(dps), name, limit, "digits of precision: the size and cost of every number grow "
                                                   "with it")


def _real_float(value: object, name: str) -> float:
    """``float(value)`` for a real number: int, float, ``Fraction``, numpy and mpmath real scalars, sympy reals."""
    _reject_bool(value, name)
    if isinstance(value, numbers.Real):
        return float(value)
    raise TypeError(f"{name} must be a real number, got {type(value).__name__}")


def as_real(value: object, name: str) -> float:
    """Return a finite real number as a ``float``; NaN and ±inf are refused with ``ValueError``."""
    result = _real_float(value, name)
    if not math.isfinite(result):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return result


def as_tolerance(value: object, name: str = "atol") -> float:
    """Return a tolerance as a ``float``: a finite real number ``>= 0``.

    NaN would make every ``error > atol`` comparison false and switch the check off; ``inf`` and negative values
    make it meaningless — all three are refused with ``ValueError``.
    """
    result = _real_float(value, name)
    if math.isnan(result) or math.isinf(result):
        raise ValueError(f"{name} must be a finite tolerance >= 0 (NaN or inf would switch the check off), "
                         f"got {value!r}")
    if result < 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return result


def as_device(device: object, name: str = "device") -> Any:
    """``device`` as a ``torch.device``: a ``torch.device`` or a string naming one."""
    import torch

    if not isinstance(device, (str, torch.device)):
        raise TypeError(f"{name} must be a torch.device or a str, got {type(device).__name__}")
    try:
        return torch.device(device)
    except RuntimeError as error:
        raise ValueError(f"{name} must name a torch device, got {device!r} ({error})") from None


def as_floating_dtype(dtype: object, name: str = "dtype") -> Any:
    """``dtype`` as a floating ``torch.dtype`` (refuses other objects and integer or complex dtypes)."""
    import torch

    if not isinstance(dtype, torch.dtype):
        raise TypeError(f"{name} must be a torch.dtype, got {type(dtype).__name__}")
    if not dtype.is_floating_point:
        raise ValueError(f"{name} must be a floating dtype (float32 or float64), got {dtype}")
    return dtype


def as_float_tensor(x: object, name: str, *, dtypes: tuple[Any, ...] | None = None, like: Any = None,
                    like_name: str = "", allow_meta: bool = True) -> Any:
    """Check that ``x`` is a real floating torch tensor usable by assay's kernels and return it.

    ``dtypes`` (default float32 and float64) lists the accepted dtypes — float16 and bfloat16 are refused by default
    because the kernels' tables and error bounds are made for float32/float64; with ``like`` (a tensor called
    ``like_name``) the dtype and device must match it; ``allow_meta=False`` refuses tensors on the ``meta`` device
    (no data). ``TypeError`` for a non-tensor or a wrong dtype, ``ValueError`` for a device or dtype mismatch.
    """
    import torch

    if not isinstance(name, str) or not isinstance(like_name, str):
        raise TypeError("name and like_name must be str")
    if like is not None and not isinstance(like, torch.Tensor):
        raise TypeError(f"like must be a torch.Tensor or None, got {type(like).__name__}")
    if not isinstance(allow_meta, bool):
        raise TypeError(f"allow_meta must be a bool, got {type(allow_meta).__name__}")
    if dtypes is not None and (not isinstance(dtypes, (tuple, list))
                               or not all(isinstance(d, torch.dtype) for d in dtypes)):
        raise TypeError("dtypes must be a tuple of torch dtypes or None")
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    accepted = (torch.float32, torch.float64) if dtypes is None else tuple(dtypes)
    if x.dtype not in accepted:
        names = " or ".join(str(d).replace("torch.", "") for d in accepted)
        raise TypeError(f"{name} must have dtype {names}, got {str(x.dtype).replace('torch.', '')}")
    if x.device.type == "meta" and not allow_meta:
        raise ValueError(f"{name} is a meta tensor (shape only, no data); this function needs values")
    if like is not None:
        if x.device != like.device:
            raise ValueError(f"{name} and {like_name} must be on the same device, got {x.device} and {like.device}")
        if x.dtype != like.dtype:
            raise ValueError(f"{name} and {like_name} must have the same dtype, got "
                             f"{str(x.dtype).replace('torch.', '')} and {str(like.dtype).replace('torch.', '')}")
    return x


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


def as_point_array(value: object, name: str = "xyz", width: int = 3, what: str = "points"):
    """``value`` as a float64 numpy array of ``width``-vectors (``what``: points, quaternions…), shape
    ``(..., width)``; strings, None, non-real entries and a last dimension other than ``width`` are refused,
    naming ``name``."""
    import numpy as np

    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be an array of {what}, got {type(value).__name__}")
    try:
        points = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be an array of real numbers: {error}") from None
    if points.shape[-1:] != (width,):
        raise ValueError(f"{name} must have shape (..., {width}), a last dimension of size {width}; got shape "
                         f"{points.shape}")
    return points
