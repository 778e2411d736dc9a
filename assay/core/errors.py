"""Error measures shared by every domain: ulps against exact values, relative error, Boost-style summaries.

Two measures:

- **ulps** — ``|actual − exact| / ulp(exact)``, where ``ulp(x)`` is the spacing of the floating-point format at
  ``|x|`` (``2^(⌊log2|x|⌋ − 52)`` for float64, ``2^(⌊log2|x|⌋ − 23)`` for float32, clamped at the subnormal spacing).
  The difference is taken in high precision, so a correctly rounded result scores at most 0.5 ulp. An exact zero
  that comes back non-zero scores ``inf`` (a selection rule was broken).
- **relative error** — ``|actual − expected| / max(|expected|, scale)``; ``scale`` guards values near zero and is
  stated with the bound (e.g. ``‖x‖·‖y‖`` for a product).

:func:`summarize` turns an array of errors into an :class:`ErrorSummary` — max, mean, and the worst input with its
actual and expected values — which is what conformance failures and benchmark tracks report.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

__all__ = ["ErrorSummary", "relative_error", "summarize", "to_mpf", "to_plain", "ulp_error", "ulp_of"]

_FORMATS = {
    np.dtype(np.float64): (52, -1074),
    np.dtype(np.float32): (23, -149),
    np.dtype(np.float16): (10, -24),
}


def _format(dtype: Any, name: str = "dtype") -> tuple[int, int]:
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{name} must be float16, float32 or float64, got {dtype!r}") from None
    if dtype.kind == "c":
        dtype = np.dtype(np.float32 if dtype.itemsize == 8 else np.float64)
    try:
        return _FORMATS[dtype]
    except KeyError:
        raise TypeError(f"{name} must be float16, float32 or float64, got {dtype}") from None


def ulp_of(value: Any, dtype: Any = np.float64) -> Any:
    """The spacing of ``dtype`` at ``|value|`` (exact, as an ``mpmath.mpf``) — ``value`` may be exact or mpmath."""
    import mpmath

    mantissa_bits, min_exponent = _format(dtype)
    value = abs(to_mpf(value, "value"))
    if not mpmath.isfinite(value):
        raise ValueError(f"value must be finite to have an ulp, got {value}")
    if value == 0:
        return mpmath.ldexp(1, min_exponent)
    _, exponent = mpmath.frexp(value)  # value = f · 2^exponent with f in [0.5, 1)
    return mpmath.ldexp(1, max(int(exponent) - 1 - mantissa_bits, min_exponent))


def to_mpf(value: Any, name: str = "value"):
    """``value`` (SqrtRational, sympy, mpmath, Fraction, int or float) as an ``mpmath.mpf`` at the working precision.

    NaN and ±inf come through (as mpmath's); text, ``None``, bools and complex numbers are refused with a
    ``TypeError`` naming ``name``.
    """
    import mpmath

    if isinstance(value, mpmath.mpf):
        return value
    if value is None or isinstance(value, (str, bytes, bool, np.bool_)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    if isinstance(value, (complex, np.complexfloating, mpmath.mpc)):
        raise TypeError(f"{name} must be a real number, got the complex {value!r}")
    to_mpmath = getattr(value, "to_mpmath", None)
    if to_mpmath is not None:
        return to_mpmath(mpmath.mp.dps)
    try:
        if hasattr(value, "evalf"):  # sympy
            evaluated = value.evalf(mpmath.mp.dps + 5)
            if evaluated.is_real is False or not evaluated.is_number:
                raise TypeError(f"{name} must be a real number, got {value!r}")
            return mpmath.mpf(str(evaluated))
        if isinstance(value, Fraction):
            return mpmath.mpf(value.numerator) / value.denominator
        return mpmath.mpf(float(value)) if isinstance(value, (np.floating, float)) else mpmath.mpf(value)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}: {error}") from None


def ulp_error(actual: Any, exact: Any, dtype: Any = None) -> np.ndarray:
    """Error of each ``actual`` value in ulps of ``dtype`` against the exact (or high-precision) ``exact`` values.

    ``exact`` may hold :class:`~assay.core.exact.SqrtRational`, mpmath, sympy, Fraction or float values; floats
    are taken as exact. ``dtype`` defaults to the dtype of ``actual``.
    """
    import mpmath

    actual_array = np.asarray(actual)
    if actual_array.dtype.kind == "c":
        raise TypeError("actual must be real: ulp_error measures real values (use relative_error for complex ones)")
    if dtype is None:
        if actual_array.dtype.kind != "f" and actual_array.size:
            raise TypeError(f"actual must hold float16, float32 or float64 values, got {actual_array.dtype} "
                            "(pass dtype= to measure in a floating-point format)")
        dtype = actual_array.dtype if actual_array.dtype.kind == "f" else np.dtype(np.float64)
    _format(dtype)
    dtype = np.dtype(dtype)
    if actual_array.dtype.kind not in "fiu":
        try:
            actual_array = actual_array.astype(np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"actual must hold real numbers, got {actual_array.dtype}") from None
    exact_array = np.asarray(exact, dtype=object)
    if exact_array.shape != actual_array.shape:
        raise ValueError(f"actual has shape {actual_array.shape} but exact has shape {exact_array.shape}")
    out = np.empty(actual_array.shape, dtype=np.float64)
    with mpmath.workdps(40):
        for index in np.ndindex(actual_array.shape):
            a = actual_array[index]
            e = to_mpf(exact_array[index], f"exact{list(index)}")
            if not mpmath.isfinite(e):
                raise ValueError(f"exact{list(index)} must be finite, got {exact_array[index]!r}")
            if not math.isfinite(float(a)):
                out[index] = math.inf
            elif e == 0:
                out[index] = 0.0 if a == 0 else math.inf
            else:
                out[index] = float(abs(mpmath.mpf(float(a)) - e) / ulp_of(e, dtype))
    return out


def relative_error(actual: Any, expected: Any, scale: Any = 0.0) -> np.ndarray:
    """``|actual − expected| / max(|expected|, scale)`` elementwise (float64; complex values allowed).

    Where both the denominator and the difference are zero the error is 0; where only the denominator is zero it is
    ``inf`` — pass ``scale`` (finite, ``>= 0``) to measure against a natural magnitude instead. A NaN actual value
    scores ``inf``; an infinite expected value scores 0 when matched exactly and ``inf`` otherwise; a NaN expected
    value is refused.
    """
    actual_array = _numeric_array(actual, "actual")
    expected_array = _numeric_array(expected, "expected")
    try:
        np.broadcast_shapes(actual_array.shape, expected_array.shape)
    except ValueError:
        raise ValueError(f"actual and expected must have broadcastable shapes, got {actual_array.shape} and "
                         f"{expected_array.shape}") from None
    scale_array = _numeric_array(scale, "scale")
    if scale_array.dtype.kind == "c":
        raise TypeError("scale must be real")
    if not np.all(np.isfinite(scale_array)) or np.any(scale_array < 0):
        raise ValueError(f"scale must be finite and >= 0, got {scale!r}")
    if np.any(np.isnan(expected_array)):
        raise ValueError("expected must not contain NaN (an expected value has to be a number)")
    actual_c, expected_c = actual_array.astype(np.complex128), expected_array.astype(np.complex128)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        difference = np.abs(actual_c - expected_c)
        denominator = np.maximum(np.abs(expected_array).astype(np.float64), scale_array.astype(np.float64))
        error = np.where(difference == 0, 0.0, difference / denominator)
    # an infinite expected value is matched only by the same infinity; a NaN actual value is an infinite error
    infinite = ~np.isfinite(expected_c)
    error = np.where(infinite, np.where(actual_c == expected_c, 0.0, np.inf), error)
    error = np.where(np.isnan(actual_c), np.inf, error)
    return np.asarray(error, dtype=np.float64)


def _numeric_array(values: Any, name: str) -> np.ndarray:
    """``values`` as a numeric numpy array (object arrays of numbers become float64 or complex128)."""
    if values is None or isinstance(values, (str, bytes)):
        raise TypeError(f"{name} must be numbers, got {type(values).__name__}")
    array = np.asarray(values)
    if array.dtype.kind in "biufc" and array.dtype.kind != "b":
        return array
    target = np.complex128 if array.dtype == object and np.iscomplexobj(array) else np.float64
    if array.dtype == object and any(isinstance(v, (complex, np.complexfloating)) for v in array.ravel()):
        target = np.complex128
    try:
        return array.astype(target)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must hold numbers, got {array.dtype}") from None


@dataclass(frozen=True)
class ErrorSummary:
    """Max and mean of an error measure over a set of inputs, with the worst input (Boost.Math style)."""

    unit: str
    max: float
    mean: float
    count: int
    worst_index: tuple[int, ...] | None = None
    worst_input: Any = None
    worst_actual: Any = None
    worst_expected: Any = None
    extra: dict = field(default_factory=dict)

    def within(self, bound: float) -> bool:
        """``True`` when the largest error is at most ``bound`` (NaN never is); ``bound`` is a finite tolerance."""
        from assay.core.validation import as_tolerance

        return bool(self.max <= as_tolerance(bound, "bound"))

    def as_dict(self) -> dict:
        """A JSON-friendly dict (reports and asv tracks read this)."""
        return {
            "unit": self.unit,
            "max": _json_number(self.max),
            "mean": _json_number(self.mean),
            "count": self.count,
            "worst_index": None if self.worst_index is None else list(self.worst_index),
            "worst_input": to_plain(self.worst_input),
            "worst_actual": to_plain(self.worst_actual),
            "worst_expected": to_plain(self.worst_expected),
            **self.extra,
        }

    def __str__(self) -> str:
        text = f"max {self.max:.3g} {self.unit}, mean {self.mean:.3g} {self.unit} over {self.count} values"
        if self.worst_input is not None or self.worst_index is not None:
            where = self.worst_input if self.worst_input is not None else self.worst_index
            text += f"; worst at {where}"
            if self.worst_actual is not None:
                text += f": got {self.worst_actual!r}, expected {self.worst_expected!r}"
        return text


def _json_number(value: float) -> float | str:
    value = float(value)  # numpy scalars are not portable (JSON, pytest-xdist's execnet)
    return value if math.isfinite(value) else str(value)


def to_plain(value: Any) -> Any:
    """``value`` as plain Python data for JSON reports and pytest-xdist.

    numpy/torch scalars and arrays are converted with ``tolist``, non-finite floats become strings, complex numbers
    ``[re, im]``, and anything unknown its ``str``.
    """
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return _json_number(value)
    if isinstance(value, complex):
        return [_json_number(value.real), _json_number(value.imag)]
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, bytes):  # numpy and torch scalars and arrays
        return to_plain(value.tolist())
    return str(value)


def summarize(
    errors: Any,
    unit: str,
    inputs: Sequence[Any] | None = None,
    actual: Any = None,
    expected: Any = None,
) -> ErrorSummary:
    """Summarise an array of errors: max, mean and the worst entry.

    ``inputs`` (one per error, in ``errors.ravel()`` order) names what produced each value; ``actual`` and
    ``expected`` (same shape as ``errors``) give the values shown for the worst entry. NaN errors count as worst.
    """
    if not isinstance(unit, str):
        raise TypeError(f"unit must be a str, got {type(unit).__name__}")
    error_array = _numeric_array(errors, "errors")
    if error_array.dtype.kind == "c":
        raise TypeError("errors must be real numbers, got complex values")
    error_array = error_array.astype(np.float64)
    input_list = None if inputs is None else _per_error(inputs, "inputs", error_array.size, flatten=False)
    picked = {name: None if values is None else _per_error(values, name, error_array.size, flatten=True)
              for name, values in (("actual", actual), ("expected", expected))}
    if error_array.size == 0:
        return ErrorSummary(unit=unit, max=0.0, mean=0.0, count=0)
    flat = error_array.ravel()
    nan = np.isnan(flat)
    worst_flat = int(np.argmax(nan)) if nan.any() else int(np.argmax(flat))
    worst_index = tuple(int(i) for i in np.unravel_index(worst_flat, error_array.shape))
    worst_input = None if input_list is None else input_list[worst_flat]

    def pick(name: str) -> Any:
        values = picked[name]
        if values is None:
            return None
        item = values[worst_flat]
        return item.item() if isinstance(item, np.generic) else item

    finite_mean = float(np.mean(flat)) if not nan.any() else math.nan
    return ErrorSummary(
        unit=unit,
        max=math.nan if nan.any() else float(flat[worst_flat]),
        mean=finite_mean,
        count=int(flat.size),
        worst_index=worst_index,
        worst_input=worst_input,
        worst_actual=pick("actual"),
        worst_expected=pick("expected"),
    )


def _per_error(values: Any, name: str, count: int, flatten: bool) -> list[Any]:
    """One entry per error (``errors.ravel()`` order): ``list(values)`` for labels; for values either a sequence
    with one item per error (an item may itself be a vector) or an array of the errors' size, flattened."""
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{name} must be a sequence with one entry per error, got {type(values).__name__}")
    try:
        if not flatten or (isinstance(values, (list, tuple)) and len(values) == count):
            flat = list(values)
        else:
            flat = list(np.asarray(values, dtype=object).ravel())
    except TypeError:
        raise TypeError(f"{name} must be a sequence with one entry per error, got {type(values).__name__}") from None
    if len(flat) != count:
        raise ValueError(f"{name} must have one entry per error: {count} expected, got {len(flat)}")
    return flat
