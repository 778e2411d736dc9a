"""mpmath matrix helpers for the bridges reference: conversion, checks, symmetric functions of SPD matrices.

Symmetric functions (square root, inverse square root, log-determinant) go through ``mpmath.eigsy`` (Jacobi
eigen-decomposition at the working precision), so they are accurate to the working precision for well-conditioned
input. Inputs may be nested lists, numpy arrays, ``mpmath.matrix``, Fractions, ints, floats (taken as exact) or
strings (parsed at the working precision).
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction
from typing import Any

import mpmath

__all__ = [
    "as_mp_scalar",
    "as_mp_spd",
    "as_mp_vector",
    "identity",
    "sym_function",
    "sym_logdet",
    "sym_sqrt",
    "to_float_array",
    "trace",
]


def as_mp_scalar(value: Any, name: str):
    """``value`` as an ``mpf`` (Fractions exactly, floats exactly, strings at the working precision)."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a real number, not a bool")
    if isinstance(value, mpmath.mpf):
        result = value
    elif isinstance(value, Fraction):
        result = mpmath.mpf(value.numerator) / value.denominator
    elif isinstance(value, str):
        result = mpmath.mpf(value)
    elif isinstance(value, numbers.Real):
        if isinstance(value, numbers.Integral):
            result = mpmath.mpf(int(value))
        else:
            as_float = float(value)
            if not math.isfinite(as_float):
                raise ValueError(f"{name} must be finite, got {value!r}")
            result = mpmath.mpf(as_float)
    else:
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    if not mpmath.isfinite(result):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return result


def _rows(value: Any, name: str) -> list:
    if isinstance(value, mpmath.matrix):
        return [[value[i, j] for j in range(value.cols)] for i in range(value.rows)]
    if hasattr(value, "tolist"):
        value = value.tolist()
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"{name} must be a sequence or array of numbers, got {type(value).__name__}")
    return list(value)


def as_mp_vector(value: Any, name: str, dim: int | None = None):
    """A column ``mpmath.matrix`` from a 1-D sequence; ``dim`` (if given) is the required length."""
    rows = _rows(value, name)
    if isinstance(value, mpmath.matrix) and value.cols == 1:
        rows = [r[0] for r in rows]
    if any(isinstance(r, (list, tuple)) for r in rows):
        raise ValueError(f"{name} must be a 1-D vector")
    if len(rows) == 0:
        raise ValueError(f"{name} must have at least one entry")
    if dim is not None and len(rows) != dim:
        raise ValueError(f"{name} must have length {dim} (the dimension), got {len(rows)}")
    return mpmath.matrix([as_mp_scalar(v, f"{name}[{i}]") for i, v in enumerate(rows)])


def as_mp_spd(value: Any, name: str, dim: int | None = None):
    """A symmetric positive-definite ``mpmath.matrix``; non-square, asymmetric or non-PD input is refused.

    Symmetry is required to within ``1e-12`` of the largest entry (float input built as ``X Xᵀ`` may differ in the
    last bit); the matrix is then symmetrized exactly.
    """
    rows = _rows(value, name)
    n = len(rows)
    if n == 0 or any(not isinstance(r, (list, tuple)) or len(r) != n for r in rows):
        raise ValueError(f"{name} must be a square matrix")
    if dim is not None and n != dim:
        raise ValueError(f"{name} must be {dim}×{dim} (the dimension of the mean), got {n}×{n}")
    m = mpmath.matrix([[as_mp_scalar(v, f"{name}[{i}][{j}]") for j, v in enumerate(r)] for i, r in enumerate(rows)])
    scale = max(abs(m[i, j]) for i in range(n) for j in range(n))
    for i in range(n):
        for j in range(i + 1, n):
            if abs(m[i, j] - m[j, i]) > mpmath.mpf("1e-12") * scale:
                raise ValueError(f"{name} must be symmetric; entries ({i},{j}) and ({j},{i}) differ")
            m[i, j] = m[j, i] = (m[i, j] + m[j, i]) / 2
    eigenvalues, _ = mpmath.eigsy(m)
    if min(eigenvalues) <= 0:
        smallest = mpmath.nstr(min(eigenvalues), 5)
        raise ValueError(f"{name} must be positive definite; its smallest eigenvalue is {smallest}")
    return m


def identity(n: int):
    return mpmath.eye(n)


def trace(m) -> Any:
    return mpmath.fsum(m[i, i] for i in range(m.rows))


def sym_function(m, function):
    """``Q f(Λ) Qᵀ`` for the symmetric matrix ``m = Q Λ Qᵀ``."""
    eigenvalues, vectors = mpmath.eigsy(m)
    n = m.rows
    out = mpmath.matrix(n, n)
    values = [function(eigenvalues[k]) for k in range(n)]
    for i in range(n):
        for j in range(i, n):
            s = mpmath.fsum(vectors[i, k] * values[k] * vectors[j, k] for k in range(n))
            out[i, j] = out[j, i] = s
    return out


def sym_sqrt(m):
    """The symmetric positive square root of an SPD matrix."""
    return sym_function(m, mpmath.sqrt)


def sym_logdet(m):
    """``log det m`` of an SPD matrix (sum of the logs of its eigenvalues)."""
    eigenvalues, _ = mpmath.eigsy(m)
    return mpmath.fsum(mpmath.log(eigenvalues[k]) for k in range(m.rows))


def to_float_array(m):
    """An mpmath matrix as a float64 numpy array (each entry correctly rounded by mpmath)."""
    import numpy as np

    if m.cols == 1:
        return np.array([float(m[i, 0]) for i in range(m.rows)])
    return np.array([[float(m[i, j]) for j in range(m.cols)] for i in range(m.rows)])
