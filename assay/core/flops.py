"""FLOP counting and complexity fits, shared by every domain.

Complexity claims in assay are asserted with operation counts, never with wall time. :func:`count_flops` runs a
function under :class:`torch.utils.flop_counter.FlopCounterMode` (imported lazily, so importing this module costs
nothing) with formulas added for the FFT operators, which torch does not count:

- complex FFT (``aten._fft_c2c``) over dimensions of total size ``N``: ``5 N log2 N`` per transform (the
  conventional radix-2 count, also used by FFTW's benchmarks);
- real ↔ half-complex FFT (``aten._fft_r2c``, ``aten._fft_c2r``): half of that, ``2.5 N log2 N``.

torch's own formulas count ``2·m·n·k`` for a matrix product (``mm``, ``bmm``, ``addmm``, convolutions, attention).
Elementwise operations, copies, gathers and sparse products are **not** counted; a kernel whose cost lies there
reports an exact count of its own (e.g. ``SparseCoupling.operation_count``). Shapes are all the counter needs, so
functions can be counted on the ``meta`` device without computing anything.

:func:`fit_loglog_exponent` fits ``count ≈ c · size^p`` by least squares on ``log count`` against ``log size`` and
returns ``p``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["count_flops", "fft_flops", "fit_loglog_exponent", "flop_breakdown"]


def fft_flops(transform_size: int, batch: int = 1, real: bool = False) -> int:
    """``5 N log2 N`` (complex) or ``2.5 N log2 N`` (real) per transform of total size ``N``, times ``batch``.

    ``N`` and ``batch`` are non-negative ints (Python or numpy); sizes 0 and 1 cost nothing.
    """
    from assay.core.validation import as_int

    transform_size = as_int(transform_size, "transform_size", minimum=0)
    batch = as_int(batch, "batch", minimum=0)
    if not isinstance(real, bool):
        raise TypeError(f"real must be a bool, got {type(real).__name__}")
    if transform_size <= 1 or batch == 0:
        return 0
    per_transform = 5.0 * transform_size * math.log2(transform_size)
    if real:
        per_transform /= 2
    return round(per_transform * batch)


def _prod(values: Sequence[int]) -> int:
    result = 1
    for value in values:
        result *= int(value)
    return result


def _normalized_dims(dims: Sequence[int], rank: int) -> list[int]:
    return [d % rank for d in dims]


def _fft_counts(shape: Sequence[int], dims: Sequence[int], real: bool) -> int:
    dims = _normalized_dims(dims, len(shape))
    size = _prod(shape[d] for d in dims)
    batch = _prod(shape) // max(size, 1)
    return fft_flops(size, batch, real)


def _r2c_flops(input_shape, dim, *args, out_shape=None, **kwargs) -> int:
    return _fft_counts(input_shape, dim, real=True)


def _c2r_flops(input_shape, dim, *args, out_shape=None, **kwargs) -> int:
    return _fft_counts(out_shape, dim, real=True)  # the real output carries the transform length


def _c2c_flops(input_shape, dim, *args, out_shape=None, **kwargs) -> int:
    return _fft_counts(input_shape, dim, real=False)


def _fft_mapping() -> dict[Any, Callable[..., int]]:
    import torch

    aten = torch.ops.aten
    return {aten._fft_r2c: _r2c_flops, aten._fft_c2r: _c2r_flops, aten._fft_c2c: _c2c_flops}


def flop_breakdown(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> dict[str, int]:
    """FLOPs of ``fn(*args, **kwargs)`` per operator name (``"mm"``, ``"bmm"``, ``"_fft_r2c"``, …)."""
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    from torch.utils.flop_counter import FlopCounterMode

    counter = FlopCounterMode(display=False, custom_mapping=_fft_mapping())
    with counter:
        fn(*args, **kwargs)
    totals = counter.get_flop_counts().get("Global", {})
    return {getattr(op, "__name__", str(op)).split(".")[-1]: int(count) for op, count in totals.items()}


def count_flops(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> int:
    """Total FLOPs of ``fn(*args, **kwargs)`` (matrix products, convolutions and FFTs; see the module docstring)."""
    return sum(flop_breakdown(fn, *args, **kwargs).values())


def fit_loglog_exponent(sizes: Sequence[float], counts: Sequence[float]) -> float:
    """The least-squares slope ``p`` of ``log count`` against ``log size`` (``count ≈ c · size^p``).

    Needs at least two distinct finite positive sizes and finite positive counts (any iterables of real numbers).
    """
    from assay.core.validation import as_real

    if isinstance(sizes, (str, bytes)) or isinstance(counts, (str, bytes)):
        raise TypeError("sizes and counts must be sequences of numbers, not text")
    try:
        sizes = [as_real(s, f"sizes[{i}]") for i, s in enumerate(sizes)]
        counts = [as_real(c, f"counts[{i}]") for i, c in enumerate(counts)]
    except TypeError as error:
        if "not iterable" in str(error):
            raise TypeError("sizes and counts must be sequences of numbers") from None
        raise
    if len(sizes) != len(counts):
        raise ValueError(f"sizes and counts must have the same length, got {len(sizes)} and {len(counts)}")
    if len(sizes) < 2:
        raise ValueError(f"need at least two points to fit an exponent, got {len(sizes)}")
    if any(s <= 0 for s in sizes) or any(c <= 0 for c in counts):
        raise ValueError("sizes and counts must be positive to take logarithms")
    xs = [math.log(s) for s in sizes]
    ys = [math.log(c) for c in counts]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        raise ValueError("sizes must not all be equal")
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / spread
