"""Kronecker GP algebra on grids of any dimension (torch): matvec, Saatçi solve and log-determinant, derivatives.

Layout (``spectral.kronecker_order = row_major``): a grid array ``U[i_1, …, i_d]`` is the vector
``vec(U) = U.reshape(-1)`` (C order, the last index fastest), so ``(K_1 ⊗ K_2) vec(U) = vec(K_1 U K_2ᵀ)``.

- :func:`kron_matvec` applies ``⊗_d F_d`` as ``d`` mode products: ``2 N Σ_d n_d`` FLOPs per right-hand side
  (``N = Π n_d``) instead of ``2N²`` — ``O(D N^{(D+1)/D})`` on a ``D``-dimensional grid with equal sides.
- :func:`kron_eigh` eigendecomposes each factor (``O(Σ n_d³)``), :func:`kron_solve`, :func:`kron_logdet` and
  :func:`kron_quadratic_form` then use Saatçi's identities for ``A = ⊗_d K_d + σ² I`` (``spectral.noise = total``):
  ``A⁻¹ y = (⊗Q_d) (⊗Λ_d + σ²)⁻¹ (⊗Q_d)ᵀ y`` and ``log det A = Σ_i log(λ_i + σ²)`` with ``λ = ⊗_d diag(Λ_d)``.
  Eigenvalues are used as computed — no clamping (linear_operator clamps at 1e-7 in the noise-free log-det).
  An eigenvalue sum ``λ_i + σ² ≤ 0`` raises ``ValueError`` rather than returning NaN.
- :func:`kron_solve_per_factor_jitter` and :func:`kron_logdet_per_factor_jitter` are the ``per_factor`` convention
  ``(K_1 + εI) ⊗ … ⊗ (K_d + εI)``, named so they cannot pass for ``K + εI``.
- :func:`kron_derivative` applies ``K_d^{∂} (K_d + εI)⁻¹`` along grid axis ``d`` (GP-HM's ``U_xx = K_1'' K_1⁻¹ U``),
  the derivative of the per-dimension GP interpolant; :func:`kron_predict` gives the predictive mean at the grid
  ``x*_1 × … × x*_d``: ``(⊗_d K*_d) A⁻¹ y``.

Every function takes tensors of one dtype (float32/float64) on one device and returns the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch

__all__ = [
    "KroneckerEigen",
    "kron_dense",
    "kron_derivative",
    "kron_eigh",
    "kron_logdet",
    "kron_logdet_per_factor_jitter",
    "kron_matvec",
    "kron_predict",
    "kron_quadratic_form",
    "kron_solve",
    "kron_solve_per_factor_jitter",
]


def _check_factors(factors: Sequence[Any], name: str = "factors", square: bool = True) -> list[torch.Tensor]:
    if isinstance(factors, torch.Tensor) or not isinstance(factors, (list, tuple)) or not factors:
        raise TypeError(f"{name} must be a non-empty list of 2-D tensors (one per grid dimension)")
    out = []
    for d, f in enumerate(factors):
        if not isinstance(f, torch.Tensor):
            raise TypeError(f"{name}[{d}] must be a torch.Tensor, got {type(f).__name__}")
        if f.ndim != 2 or (square and f.shape[0] != f.shape[1]):
            kind = "square 2-D" if square else "2-D"
            raise ValueError(f"{name}[{d}] must be a {kind} tensor, got shape {tuple(f.shape)}")
        if f.dtype not in (torch.float32, torch.float64):
            raise TypeError(f"{name}[{d}] must be float32 or float64, got {f.dtype}")
        if out and f.dtype != out[0].dtype:
            raise TypeError(f"{name} must share one dtype, got {out[0].dtype} and {f.dtype}")
        if not bool(torch.isfinite(f).all()):
            raise ValueError(f"{name}[{d}] must be finite (no NaN or inf)")
        out.append(f)
    return out


def _check_vector(y: Any, size: int, like: torch.Tensor, name: str = "y") -> tuple[torch.Tensor, bool]:
    if not isinstance(y, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(y).__name__}")
    if y.dtype != like.dtype:
        raise TypeError(f"{name} must have the factors' dtype {like.dtype}, got {y.dtype}")
    if y.ndim not in (1, 2) or y.shape[0] != size:
        raise ValueError(f"{name} must have shape ({size},) or ({size}, C) — one row per grid point in row-major "
                         f"order — got {tuple(y.shape)}")
    if not bool(torch.isfinite(y).all()):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    vector = y.ndim == 1
    return (y.unsqueeze(-1) if vector else y), vector


def _noise(value: Any, name: str = "noise") -> float:
    scalar_tensor = isinstance(value, torch.Tensor) and value.numel() == 1
    if isinstance(value, bool) or not (isinstance(value, (int, float)) or scalar_tensor):
        raise TypeError(f"{name} must be a non-negative number, got {type(value).__name__}")
    value = float(value)
    if not value >= 0 or value == float("inf"):
        raise ValueError(f"{name} must be finite and >= 0, got {value}")
    return value


def _mode_products(factors: Sequence[torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """Apply ``⊗_d factors[d]`` to ``x`` of shape ``(N_in, C)``, one mode product per dimension."""
    shape_in = [f.shape[1] for f in factors]
    columns = x.shape[-1]
    tensor = x.reshape(*shape_in, columns)
    for d, f in enumerate(factors):
        moved = tensor.movedim(d, 0)
        rest = moved.shape[1:]
        product = f @ moved.reshape(moved.shape[0], -1)
        tensor = product.reshape(f.shape[0], *rest).movedim(0, d)
    return tensor.reshape(-1, columns)


def kron_matvec(factors: Sequence[torch.Tensor], v: torch.Tensor) -> torch.Tensor:
    """``(F_1 ⊗ … ⊗ F_d) v`` in row-major order without forming the product (factors may be rectangular)."""
    factors = _check_factors(factors, square=False)
    size = 1
    for f in factors:
        size *= f.shape[1]
    rhs, vector = _check_vector(v, size, factors[0], "v")
    out = _mode_products(factors, rhs)
    return out.squeeze(-1) if vector else out


def kron_dense(factors: Sequence[torch.Tensor]) -> torch.Tensor:
    """``F_1 ⊗ F_2 ⊗ …`` as a dense tensor (row-major; ``torch.kron`` chained) — for tests and small grids."""
    factors = _check_factors(factors, square=False)
    out = factors[0]
    for f in factors[1:]:
        out = torch.kron(out, f)
    return out


@dataclass(frozen=True)
class KroneckerEigen:
    """Per-factor eigendecompositions ``K_d = Q_d diag(λ_d) Q_dᵀ``; ``eigenvalues()`` is ``⊗_d λ_d`` (row-major)."""

    values: tuple[torch.Tensor, ...]
    vectors: tuple[torch.Tensor, ...]

    def eigenvalues(self) -> torch.Tensor:
        out = self.values[0]
        for v in self.values[1:]:
            out = (out[:, None] * v[None, :]).reshape(-1)
        return out

    @property
    def size(self) -> int:
        n = 1
        for v in self.values:
            n *= v.numel()
        return n


def kron_eigh(factors: Sequence[torch.Tensor], jitter: float = 0.0) -> KroneckerEigen:
    """Eigendecompose each symmetric factor (plus ``jitter·I`` on each, the ``per_factor`` convention, if given)."""
    factors = _check_factors(factors)
    jitter = _noise(jitter, "jitter")
    values, vectors = [], []
    for f in factors:
        sym = (f + f.mT) / 2
        if jitter:
            sym = sym + jitter * torch.eye(sym.shape[0], dtype=sym.dtype, device=sym.device)
        lam, q = torch.linalg.eigh(sym)
        values.append(lam)
        vectors.append(q)
    return KroneckerEigen(tuple(values), tuple(vectors))


def _shifted(eigen: KroneckerEigen, noise: float) -> torch.Tensor:
    shifted = eigen.eigenvalues() + noise
    if not bool((shifted > 0).all()):
        worst = float(shifted.min())
        raise ValueError(f"K + noise·I is not positive definite: smallest eigenvalue {worst:.3g}; "
                         "raise noise (the Kronecker factors have eigenvalues at or below −noise)")
    return shifted


def _eigen_solve(eigen: KroneckerEigen, rhs: torch.Tensor, noise: float) -> torch.Tensor:
    projected = _mode_products([q.mT for q in eigen.vectors], rhs)
    scaled = projected / _shifted(eigen, noise).unsqueeze(-1)
    return _mode_products(list(eigen.vectors), scaled)


def kron_solve(factors: Sequence[torch.Tensor] | KroneckerEigen, y: torch.Tensor, noise: float = 0.0) -> torch.Tensor:
    """``(⊗_d K_d + noise·I)⁻¹ y`` by Saatçi's algorithm (``factors`` or their :func:`kron_eigh`)."""
    eigen = factors if isinstance(factors, KroneckerEigen) else kron_eigh(factors)
    rhs, vector = _check_vector(y, eigen.size, eigen.values[0])
    out = _eigen_solve(eigen, rhs, _noise(noise))
    return out.squeeze(-1) if vector else out


def kron_logdet(factors: Sequence[torch.Tensor] | KroneckerEigen, noise: float = 0.0) -> torch.Tensor:
    """``log det(⊗_d K_d + noise·I) = Σ_i log(λ_i + noise)`` (no clamping of small eigenvalues)."""
    eigen = factors if isinstance(factors, KroneckerEigen) else kron_eigh(factors)
    return torch.log(_shifted(eigen, _noise(noise))).sum()


def kron_quadratic_form(
    factors: Sequence[torch.Tensor] | KroneckerEigen, y: torch.Tensor, noise: float = 0.0
) -> torch.Tensor:
    """``yᵀ (⊗_d K_d + noise·I)⁻¹ y = Σ_i z_i² / (λ_i + noise)`` with ``z = (⊗Q_d)ᵀ y``."""
    eigen = factors if isinstance(factors, KroneckerEigen) else kron_eigh(factors)
    rhs, _ = _check_vector(y, eigen.size, eigen.values[0])
    projected = _mode_products([q.mT for q in eigen.vectors], rhs)
    return (projected**2 / _shifted(eigen, _noise(noise)).unsqueeze(-1)).sum(0).squeeze()


def kron_solve_per_factor_jitter(factors: Sequence[torch.Tensor], y: torch.Tensor, jitter: float) -> torch.Tensor:
    """``((K_1 + εI) ⊗ … ⊗ (K_d + εI))⁻¹ y`` — the ``per_factor`` convention, *not* ``(⊗K_d + εI)⁻¹ y``."""
    return kron_solve(kron_eigh(factors, jitter=jitter), y, 0.0)


def kron_logdet_per_factor_jitter(factors: Sequence[torch.Tensor], jitter: float) -> torch.Tensor:
    """``log det((K_1 + εI) ⊗ … ⊗ (K_d + εI))`` — the ``per_factor`` convention, *not* ``log det(⊗K_d + εI)``."""
    return kron_logdet(kron_eigh(factors, jitter=jitter), 0.0)


def kron_derivative(
    factors: Sequence[torch.Tensor],
    derivative_factor: torch.Tensor,
    u: torch.Tensor,
    dim: int,
    jitter: float = 0.0,
) -> torch.Tensor:
    """Grid values of ``∂`` along axis ``dim`` of the GP interpolant: ``K_d^{∂} (K_d + jitter·I)⁻¹`` on axis ``dim``.

    ``u`` is the grid array (shape ``(n_1, …, n_d)``) or its row-major vector; the result has the same shape.
    ``derivative_factor`` is ``[k_d^{(a)}(x_i − x_j)]`` (``n_d × n_d``, or ``m × n_d`` for other output points).
    Dense check: ``(I ⊗ … ⊗ K_d^{∂} K_d⁻¹ ⊗ … ⊗ I) vec(u)``.
    """
    factors = _check_factors(factors)
    if isinstance(dim, bool) or not isinstance(dim, int) or not 0 <= dim < len(factors):
        raise ValueError(f"dim must be an int in [0, {len(factors)}), got {dim!r}")
    (derivative_factor,) = _check_factors([derivative_factor], "derivative_factor", square=False)
    n = factors[dim].shape[0]
    if derivative_factor.shape[1] != n:
        raise ValueError(f"derivative_factor must have {n} columns (the size of grid axis {dim}), got "
                         f"{tuple(derivative_factor.shape)}")
    shape = tuple(f.shape[0] for f in factors)
    if not isinstance(u, torch.Tensor):
        raise TypeError(f"u must be a torch.Tensor, got {type(u).__name__}")
    flat = u.ndim == 1
    if u.numel() != _prod(shape) or (not flat and tuple(u.shape) != shape):
        raise ValueError(f"u must have shape {shape} or ({_prod(shape)},), got {tuple(u.shape)}")
    grid = u.reshape(shape)
    k = factors[dim]
    jitter = _noise(jitter, "jitter")
    if jitter:
        k = k + jitter * torch.eye(n, dtype=k.dtype, device=k.device)
    # operator = K_∂ K⁻¹ = (K⁻¹ K_∂ᵀ)ᵀ (K symmetric)
    operator = torch.linalg.solve(k, derivative_factor.mT).mT
    moved = grid.movedim(dim, 0)
    out = (operator @ moved.reshape(n, -1)).reshape(operator.shape[0], *moved.shape[1:]).movedim(0, dim)
    return out.reshape(-1) if flat else out


def _prod(values: Sequence[int]) -> int:
    out = 1
    for v in values:
        out *= int(v)
    return out


def kron_predict(
    cross_factors: Sequence[torch.Tensor], factors: Sequence[torch.Tensor] | KroneckerEigen, y: torch.Tensor,
    noise: float = 0.0,
) -> torch.Tensor:
    """Predictive mean ``(⊗_d K*_d)(⊗_d K_d + noise·I)⁻¹ y`` on the grid ``x*_1 × … × x*_d`` (row-major vector).

    ``cross_factors[d]`` is ``[k_d^{(a_d)}(x*_i − x_j)]`` (``m_d × n_d``); derivative orders give derivatives of
    the mean.
    """
    cross = _check_factors(cross_factors, "cross_factors", square=False)
    alpha = kron_solve(factors, y, noise)
    return kron_matvec(cross, alpha)
