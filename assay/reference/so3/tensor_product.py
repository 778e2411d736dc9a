"""The reference Gaunt tensor product: direct contraction with exact real Gaunt coefficients, at any precision.

For real (Wikipedia-form, orthonormal) SH coefficient vectors ``x`` (degrees ≤ L1) and ``y`` (≤ L2)::

    z_{l3,m3} = w3_{l3} Σ_{l1 m1 l2 m2} G(l1 m1, l2 m2, l3 m3) · w1_{l1} x_{l1,m1} · w2_{l2} y_{l2,m2},   l3 ≤ Lout,

with ``G = ∫ Y_{l1,m1} Y_{l2,m2} Y_{l3,m3} dΩ`` from :func:`assay.reference.so3.gaunt.real_gaunt` (exact
``±√(p/q)/√π``), ``Lout = L1 + L2`` unless truncated, and optional per-degree weights ``w1, w2, w3`` (default 1).
``z`` is the SH expansion of the product of the functions ``Σ x Y`` and ``Σ y Y``. The same numbers hold in e3nn's
real basis (its polar axis +y is a rotation away, and ``G`` is invariant).

Vectors are single-channel, indexed ``l² + l + m`` (m = −l..l inside each degree). The coefficients are exact;
the sum is evaluated with mpmath until two working precisions agree to ``dps`` significant digits per output
(:func:`assay.reference.so3._mp.ziv`), so every output is correct to ``dps`` digits; outputs that a selection rule
makes zero are exact zeros.

**Limit.** ``L1, L2 ≤`` :data:`MAX_DEGREE` = 8 (so ``Lout ≤ 16``): the exact coefficients number Θ(L⁵) and each
is a sum of exact 3j products (about 150 s to build all of them at ``L1 = L2 = 8``, once; 6 s at 4). The
coefficients of the 8 most recent degree triples are cached. ``dps ≤`` :data:`~assay.core.validation.MAX_DPS`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import mpmath
import numpy as np

from assay.core.exact import SqrtRational
from assay.core.validation import as_size_limited_degree, check_dps
from assay.reference.so3._mp import check_real_input, to_mpf, ziv
from assay.reference.so3.basis import harmonic_index
from assay.reference.so3.gaunt import real_gaunt

__all__ = ["MAX_DEGREE", "gaunt_coupling_entries", "gaunt_tensor_product"]

#: the largest input degree (module docstring)
MAX_DEGREE = 8
_REASON = "the reference sums Θ(L⁵) exact Gaunt coefficients, built once in minutes at the limit"


def _degrees(lmax1: object, lmax2: object, lmax_out: object) -> tuple[int, int, int]:
    lmax1 = as_size_limited_degree(lmax1, "lmax1", MAX_DEGREE, _REASON)
    lmax2 = as_size_limited_degree(lmax2, "lmax2", MAX_DEGREE, _REASON)
    lmax_out = lmax1 + lmax2 if lmax_out is None else as_size_limited_degree(lmax_out, "lmax_out", 2 * MAX_DEGREE)
    if lmax_out > lmax1 + lmax2:
        raise ValueError(f"lmax_out must be <= lmax1 + lmax2 = {lmax1 + lmax2}, got {lmax_out}")
    return lmax1, lmax2, lmax_out


@lru_cache(maxsize=4096)
def _triple_entries(l1: int, l2: int, l3: int) -> tuple[tuple[int, int, int, SqrtRational], ...]:
    """Non-zero ``(m1, m2, m3, G)`` of one even triangle; real Gaunt needs ``|m3| ∈ {|m1|+|m2|, ||m1|−|m2||}``."""
    entries = []
    for m1 in range(-l1, l1 + 1):
        for m2 in range(-l2, l2 + 1):
            for size in sorted({abs(m1) + abs(m2), abs(abs(m1) - abs(m2))}):
                if size > l3:
                    continue
                for m3 in sorted({size, -size}):
                    value = real_gaunt(l1, l2, l3, m1, m2, m3)
                    if value:
                        entries.append((m1, m2, m3, value))
    return tuple(entries)


def gaunt_coupling_entries(lmax1: int, lmax2: int, lmax_out: int) -> tuple[tuple[int, int, int, SqrtRational], ...]:
    """Every non-zero real Gaunt coefficient as ``(index1, index2, index_out, G)`` (indices ``l² + l + m``), exact;
    ``L1, L2 ≤`` :data:`MAX_DEGREE`, ``Lout ≤ L1 + L2``."""
    return _coupling_entries(*_degrees(lmax1, lmax2, lmax_out))


@lru_cache(maxsize=8)
def _coupling_entries(lmax1: int, lmax2: int, lmax_out: int) -> tuple[tuple[int, int, int, SqrtRational], ...]:
    entries = []
    for l1 in range(lmax1 + 1):
        for l2 in range(lmax2 + 1):
            for l3 in range(abs(l1 - l2), min(l1 + l2, lmax_out) + 1, 2):
                for m1, m2, m3, value in _triple_entries(l1, l2, l3):
                    entries.append((harmonic_index(l1, m1), harmonic_index(l2, m2), harmonic_index(l3, m3), value))
    return tuple(entries)


@lru_cache(maxsize=8)
def _entry_values(lmax1: int, lmax2: int, lmax_out: int, working: int) -> tuple[Any, ...]:
    """The coefficients of :func:`gaunt_coupling_entries` as ``mpmath.mpf`` with ``working`` digits."""
    return tuple(value.to_mpmath(working) for *_, value in _coupling_entries(lmax1, lmax2, lmax_out))


def _weights(weights: Sequence[Any] | None, lmax: int, name: str) -> list[Any] | None:
    if weights is None:
        return None
    if isinstance(weights, (str, bytes)):
        raise TypeError(f"{name} must be a sequence of numbers, got {type(weights).__name__}")
    values = list(np.asarray(weights, dtype=object).ravel())
    if len(values) != lmax + 1:
        raise ValueError(f"{name} must have lmax + 1 = {lmax + 1} per-degree entries, got {len(values)}")
    for value in values:
        check_real_input(value, name)
    return values


def _vector(values: Sequence[Any], lmax: int, name: str) -> list[Any]:
    if isinstance(values, (str, bytes)) or values is None:
        raise TypeError(f"{name} must be a sequence of numbers, got {type(values).__name__}")
    if hasattr(values, "detach"):  # a torch tensor
        values = values.detach().cpu().numpy()
    flat = list(np.asarray(values, dtype=object).ravel())
    if len(flat) != (lmax + 1) ** 2:
        raise ValueError(f"{name} must have (lmax+1)² = {(lmax + 1) ** 2} entries for lmax = {lmax}, got {len(flat)}")
    for value in flat:
        check_real_input(value, name)
    return flat


def gaunt_tensor_product(
    x: Sequence[Any],
    y: Sequence[Any],
    lmax1: int,
    lmax2: int,
    lmax_out: int | None = None,
    *,
    weights1: Sequence[Any] | None = None,
    weights2: Sequence[Any] | None = None,
    weights_out: Sequence[Any] | None = None,
    dps: int | None = None,
):
    """The Gaunt tensor product of one pair of real SH vectors (module docstring), correct to ``dps`` digits.

    ``x`` and ``y`` hold ``(L+1)²`` real numbers (float, int, Fraction, mpmath, sympy) in the order ``l² + l + m``.
    Returns a list of ``mpmath.mpf`` with ``dps`` significant digits, or — with ``dps=None`` — a float64 numpy
    array computed at 25 digits (so each entry is the double nearest a 25-digit value). ``L1, L2 ≤``
    :data:`MAX_DEGREE` = 8 (Θ(L⁵) exact coefficients; minutes to build at the limit), ``dps ≤ 10000``.
    """
    lmax1, lmax2, lmax_out = _degrees(lmax1, lmax2, lmax_out)
    digits = 25 if dps is None else check_dps(dps)
    x_values, y_values = _vector(x, lmax1, "x"), _vector(y, lmax2, "y")
    w1, w2 = _weights(weights1, lmax1, "weights1"), _weights(weights2, lmax2, "weights2")
    w3 = _weights(weights_out, lmax_out, "weights_out")
    entries = _coupling_entries(lmax1, lmax2, lmax_out)
    degree1 = [int(np.sqrt(i)) for i in range(len(x_values))]
    degree2 = [int(np.sqrt(i)) for i in range(len(y_values))]
    size_out = (lmax_out + 1) ** 2

    def compute(working: int) -> list[Any]:
        xs = [to_mpf(v, "x") for v in x_values]
        ys = [to_mpf(v, "y") for v in y_values]
        if w1 is not None:
            xs = [v * to_mpf(w1[degree1[i]], "weights1") for i, v in enumerate(xs)]
        if w2 is not None:
            ys = [v * to_mpf(w2[degree2[i]], "weights2") for i, v in enumerate(ys)]
        out = [mpmath.mpf(0)] * size_out
        for (i1, i2, i3, _), value in zip(entries, _entry_values(lmax1, lmax2, lmax_out, working)):
            out[i3] += value * xs[i1] * ys[i2]
        if w3 is not None:
            out = [v * to_mpf(w3[int(np.sqrt(i))], "weights_out") for i, v in enumerate(out)]
        return out

    result = ziv(compute, digits)
    if dps is None:
        return np.array([float(v) for v in result], dtype=np.float64)
    return result
