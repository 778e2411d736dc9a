"""Dense GP algebra at high precision on small grids — the ground truth for the Kronecker kernels.

Everything is built from the product kernel itself, point pair by point pair, never from a Kronecker identity:
the grid ``x_1 × … × x_d`` is flattened in row-major order (``spectral.kronecker_order = row_major``: point
``(i_1, …, i_d)`` has index ``(i_1 n_2 + i_2) n_3 + …``) and ``K[I, J] = Π_d k_d(x_{d,I_d} − x_{d,J_d})``.
With ``A = K + σ² I`` (``σ²`` the noise, ``spectral.noise = total``):

- :func:`gp_solve` — ``A⁻¹ y``; :func:`gp_logdet` — ``log det A``; :func:`gp_quadratic_form` — ``yᵀ A⁻¹ y``;
- :func:`gp_negative_log_likelihood` — ``½ yᵀA⁻¹y + ½ log det A + (N/2) log 2π``;
- :func:`gp_predictive_mean` — ``m(x*) = Σ_J ∂^{a} k(x* − x_J) [A⁻¹ y]_J`` with derivative orders ``a`` per
  dimension (``∂`` acts on the first argument, ``∂^{a_d}_{x_d} k = k_d^{(a_d)}(τ_d) Π_{e≠d} k_e(τ_e)``);
- :func:`derivative_operator` — the dense matrix ``D = K_∂ A⁻¹`` that maps grid values to grid values of the
  derivative of the GP interpolant (GP-HM's ``u_xx = K'' K⁻¹ u``), ``K_∂[I, J] = ∂^{a} k(x_I − x_J)``;
- :func:`kronecker_dense` — ``A_1 ⊗ A_2 ⊗ …`` in row-major order (for checking a Kronecker code's layout).

Linear algebra is mpmath's Cholesky at ``dps`` digits (plus guard digits); matrices are ``mpmath.matrix``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import mpmath
import numpy as np

from assay.core.validation import check_dps
from assay.reference.spectral._mp import as_mpf, as_mpf_vector, as_order
from assay.reference.spectral.derivatives import covariance_derivative
from assay.reference.spectral.mixtures import Mixture, _check_mixture

__all__ = [
    "derivative_operator",
    "gp_logdet",
    "gp_negative_log_likelihood",
    "gp_predictive_mean",
    "gp_quadratic_form",
    "gp_solve",
    "grid_covariance",
    "grid_points",
    "kronecker_dense",
]

_GUARD = 15


def _check_grid_args(mixtures: Sequence[Mixture], grids: Sequence[Any]) -> tuple[list[Mixture], list[list]]:
    mixtures = list(mixtures) if isinstance(mixtures, (list, tuple)) else [mixtures]
    for m in mixtures:
        _check_mixture(m)
    if not isinstance(grids, (list, tuple)) or not grids:
        raise TypeError("grids must be a non-empty list with one 1-D sequence of points per dimension")
    if len(grids) != len(mixtures):
        raise ValueError(f"grids and mixtures must have one entry per dimension, got {len(grids)} and {len(mixtures)}")
    points = [as_mpf_vector(g, f"grids[{d}]") for d, g in enumerate(grids)]
    return mixtures, points


def grid_points(grids: Sequence[Any]) -> list[tuple]:
    """The grid's points as tuples in row-major order (the last dimension varies fastest)."""
    points = [as_mpf_vector(g, f"grids[{d}]") for d, g in enumerate(grids)]
    return list(itertools.product(*points))


def _pair_kernel(mixtures, orders, a: tuple, b: tuple, cache: dict) -> mpmath.mpf:
    value = mpmath.mpf(1)
    for d, (m, order) in enumerate(zip(mixtures, orders)):
        key = (d, order, a[d], b[d])
        if key not in cache:
            cache[key] = covariance_derivative(m, a[d] - b[d], order, dps=mpmath.mp.dps)
        value *= cache[key]
    return value


def grid_covariance(
    mixtures: Sequence[Mixture], grids: Sequence[Any], orders: Sequence[int] | None = None, dps: int = 30
) -> mpmath.matrix:
    """``K_∂[I, J] = Π_d k_d^{(a_d)}(x_{d,I_d} − x_{d,J_d})`` on the row-major grid (``orders`` ``a`` default 0)."""
    dps = check_dps(dps)
    with mpmath.workdps(dps + _GUARD):
        mixtures, _ = _check_grid_args(mixtures, grids)
        orders = _orders(orders, len(mixtures))
        points = grid_points(grids)
        n = len(points)
        out = mpmath.matrix(n, n)
        cache: dict = {}
        for i, a in enumerate(points):
            for j, b in enumerate(points):
                out[i, j] = _pair_kernel(mixtures, orders, a, b, cache)
    return out


def _orders(orders: Sequence[int] | None, dims: int) -> list[int]:
    if orders is None:
        return [0] * dims
    if len(orders) != dims:
        raise ValueError(f"orders must have one entry per dimension ({dims}), got {len(orders)}")
    return [as_order(o, f"orders[{d}]") for d, o in enumerate(orders)]


def _as_matrix(value: Any, name: str) -> mpmath.matrix:
    """``value`` (an ``mpmath.matrix`` or a 2-D array of numbers) as a non-empty ``mpmath.matrix`` of finite
    real entries."""
    if isinstance(value, mpmath.matrix):
        matrix = value
    elif isinstance(value, (list, tuple, np.ndarray)):
        array = np.asarray(value, dtype=object)
        if array.ndim != 2:
            raise ValueError(f"{name} must be a matrix (2-D), got an array of shape {array.shape}")
        matrix = mpmath.matrix(array.tolist()) if array.size else mpmath.matrix(0, 0)
    else:
        raise TypeError(f"{name} must be an mpmath.matrix or a 2-D array, got {type(value).__name__}")
    if matrix.rows == 0 or matrix.cols == 0:
        raise ValueError(f"{name} must not be empty, got {matrix.rows}×{matrix.cols}")
    for i in range(matrix.rows):
        for j in range(matrix.cols):
            entry = matrix[i, j]
            if not isinstance(entry, mpmath.mpf) or not mpmath.isfinite(entry):
                raise ValueError(f"{name}[{i}, {j}] must be a finite real number, got {entry!r}")
    return matrix


def _noisy(matrix: mpmath.matrix, noise: Any) -> mpmath.matrix:
    matrix = _as_matrix(matrix, "covariance")
    noise = as_mpf(noise, "noise", nonnegative=True)
    if matrix.rows != matrix.cols:
        raise ValueError(f"the covariance must be square, got {matrix.rows}×{matrix.cols}")
    out = matrix.copy()
    for i in range(out.rows):
        out[i, i] += noise
    return out


def _vector(y: Any, n: int, name: str = "y") -> mpmath.matrix:
    values = as_mpf_vector(y, name)
    if len(values) != n:
        raise ValueError(f"{name} must have {n} entries (one per grid point), got {len(values)}")
    return mpmath.matrix(values)


def _cholesky(matrix: mpmath.matrix) -> mpmath.matrix:
    try:
        return mpmath.cholesky(matrix)
    except ValueError:
        raise ValueError("K + noise·I is not positive definite at this precision; raise noise or dps") from None


def gp_solve(covariance: mpmath.matrix, y: Any, noise: Any = 0, dps: int = 30) -> list[mpmath.mpf]:
    """``(K + noise·I)⁻¹ y`` by Cholesky at ``dps`` (+ guard) digits."""
    dps = check_dps(dps)
    with mpmath.workdps(dps + _GUARD):
        a = _noisy(covariance, noise)
        rhs = _vector(y, a.rows)
        lower = _cholesky(a)
        z = _forward(lower, rhs)
        x = _backward(lower, z)
    with mpmath.workdps(dps):
        return [+v for v in x]


def _forward(lower: mpmath.matrix, b: mpmath.matrix) -> list[mpmath.mpf]:
    n = lower.rows
    z = [mpmath.mpf(0)] * n
    for i in range(n):
        z[i] = (b[i] - mpmath.fsum(lower[i, k] * z[k] for k in range(i))) / lower[i, i]
    return z


def _backward(lower: mpmath.matrix, z: list) -> list[mpmath.mpf]:
    n = lower.rows
    x = [mpmath.mpf(0)] * n
    for i in reversed(range(n)):
        x[i] = (z[i] - mpmath.fsum(lower[k, i] * x[k] for k in range(i + 1, n))) / lower[i, i]
    return x


def gp_logdet(covariance: mpmath.matrix, noise: Any = 0, dps: int = 30) -> mpmath.mpf:
    """``log det(K + noise·I) = 2 Σ_i log L_ii`` (Cholesky)."""
    dps = check_dps(dps)
    with mpmath.workdps(dps + _GUARD):
        lower = _cholesky(_noisy(covariance, noise))
        value = 2 * mpmath.fsum(mpmath.log(lower[i, i]) for i in range(lower.rows))
    with mpmath.workdps(dps):
        return +value


def gp_quadratic_form(covariance: mpmath.matrix, y: Any, noise: Any = 0, dps: int = 30) -> mpmath.mpf:
    """``yᵀ (K + noise·I)⁻¹ y = ‖L⁻¹ y‖²``."""
    dps = check_dps(dps)
    with mpmath.workdps(dps + _GUARD):
        a = _noisy(covariance, noise)
        z = _forward(_cholesky(a), _vector(y, a.rows))
        value = mpmath.fsum(v * v for v in z)
    with mpmath.workdps(dps):
        return +value


def gp_negative_log_likelihood(covariance: mpmath.matrix, y: Any, noise: Any = 0, dps: int = 30) -> mpmath.mpf:
    """``−log N(y | 0, K + noise·I) = ½ yᵀA⁻¹y + ½ log det A + (N/2) log 2π``."""
    dps = check_dps(dps)
    with mpmath.workdps(dps + _GUARD):
        quad = gp_quadratic_form(covariance, y, noise, dps=dps + _GUARD)
        logdet = gp_logdet(covariance, noise, dps=dps + _GUARD)
        value = quad / 2 + logdet / 2 + _as_matrix(covariance, "covariance").rows * mpmath.log(2 * mpmath.pi) / 2
    with mpmath.workdps(dps):
        return +value


def gp_predictive_mean(
    mixtures: Sequence[Mixture],
    grids: Sequence[Any],
    y: Any,
    new_points: Sequence[Sequence[Any]],
    noise: Any = 0,
    orders: Sequence[int] | None = None,
    dps: int = 30,
) -> list[mpmath.mpf]:
    """``∂^{a} m(x*) = Σ_J ∂^{a} k(x* − x_J) [(K + noise·I)⁻¹ y]_J`` at each new point (a ``d``-tuple)."""
    dps = check_dps(dps)
    with mpmath.workdps(dps + _GUARD):
        mixtures, _ = _check_grid_args(mixtures, grids)
        orders = _orders(orders, len(mixtures))
        alpha = gp_solve(grid_covariance(mixtures, grids, dps=dps + _GUARD), y, noise, dps=dps + _GUARD)
        points = grid_points(grids)
        out = []
        cache: dict = {}
        for index, new in enumerate(new_points):
            new = tuple(as_mpf(v, f"new_points[{index}]") for v in new)
            if len(new) != len(mixtures):
                raise ValueError(f"new_points[{index}] must have {len(mixtures)} coordinates, got {len(new)}")
            out.append(mpmath.fsum(_pair_kernel(mixtures, orders, new, b, cache) * a for b, a in zip(points, alpha)))
    with mpmath.workdps(dps):
        return [+v for v in out]


def derivative_operator(
    mixtures: Sequence[Mixture], grids: Sequence[Any], orders: Sequence[int], noise: Any = 0, dps: int = 30
) -> mpmath.matrix:
    """``D = K_∂ (K + noise·I)⁻¹`` on the row-major grid: grid values ↦ grid values of ``∂^{a} m``."""
    dps = check_dps(dps)
    with mpmath.workdps(dps + _GUARD):
        k = grid_covariance(mixtures, grids, dps=dps + _GUARD)
        k_d = grid_covariance(mixtures, grids, orders, dps=dps + _GUARD)
        lower = _cholesky(_noisy(k, noise))
        n = k.rows
        out = mpmath.matrix(n, n)
        # D = K_∂ A⁻¹ and A is symmetric: row i of D solves A x = (row i of K_∂)ᵀ.
        for i in range(n):
            row = _backward(lower, _forward(lower, mpmath.matrix([k_d[i, j] for j in range(n)])))
            for j in range(n):
                out[i, j] = row[j]
    with mpmath.workdps(dps):
        return out.apply(lambda v: +v)


#: The most entries :func:`kronecker_dense` builds (a dense mpmath matrix: ~1 GB at this size).
MAX_DENSE_ENTRIES = 4_000_000


def kronecker_dense(factors: Sequence[mpmath.matrix]) -> mpmath.matrix:
    """``F_1 ⊗ F_2 ⊗ …`` in row-major order: entry ``((i_1 n_2 + i_2)…, (j_1 n_2 + j_2)…) = Π_d F_d[i_d, j_d]``."""
    if isinstance(factors, (str, bytes, mpmath.matrix, np.ndarray)) or not isinstance(factors, (list, tuple)):
        raise TypeError(f"factors must be a list of matrices, got {type(factors).__name__}")
    if not factors:
        raise ValueError("factors must not be empty")
    mats = [_as_matrix(f, f"factors[{d}]") for d, f in enumerate(factors)]
    size = 1
    for m in mats:
        size *= m.rows * m.cols
    if size > MAX_DENSE_ENTRIES:
        raise ValueError(f"the Kronecker product would have {size} entries; at most MAX_DENSE_ENTRIES = "
                         f"{MAX_DENSE_ENTRIES} (a dense mpmath matrix)")
    out = mats[0]
    for m in mats[1:]:
        rows, cols = out.rows * m.rows, out.cols * m.cols
        new = mpmath.matrix(rows, cols)
        for i in range(out.rows):
            for j in range(out.cols):
                for k in range(m.rows):
                    for l in range(m.cols):
                        new[i * m.rows + k, j * m.cols + l] = out[i, j] * m[k, l]
        out = new
    return out
