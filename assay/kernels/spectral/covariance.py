"""Spectral-mixture and Student-t-mixture covariance kernels and their derivative kernels in closed form (torch).

One component is ``w g(τ) cos(ωτ)`` with ``ω = 2πμ`` (``spectral.parameterization = assay``, cycles per unit);
``τ = x − y`` is the *signed* lag. Derivatives follow Leibniz's rule
``k^{(n)} = w Σ_j C(n, j) g^{(j)} ω^{n−j} cos(ωτ + (n−j)π/2)`` with the envelope derivatives

- Gaussian (spectral mixture): ``g = e^{−ατ²}``, ``α = 2π²σ²``, ``g^{(j)} = P_j g``, ``P_0 = 1``, ``P_1 = −2ατ``,
  ``P_{j+1} = −2ατ P_j − 2jα P_{j−1}``;
- Matérn-(p+½) (Student-t spectrum with odd ``ν = 2p+1``), ``λ = √ν·2πρ``, ``z = λ|τ|``:
  ``g = e^{−z} Σ_i a_i z^i``, ``g^{(j)}(τ) = sign(τ)^j λ^j e^{−z} Q_j(z)`` with ``Q_0 = Σ a_i z^i``,
  ``Q_{j+1} = Q_j' − Q_j``. The polynomial coefficients are exact rationals, so odd derivatives at ``τ = 0`` are
  exact zeros and ``k''(0)`` is the true value (−λ²/3 − ω² for Matérn-5/2) — nothing is differentiated through
  ``|τ|`` (torch's derivative of ``|x|`` at 0 is 0, which would give ``k''(0) = 0``).

Orders: any for the Gaussian; ``≤ ν − 1`` for Student-t (higher derivatives do not exist at 0). Shapes: ``tau``
any shape, parameters 1-D of length ``Q``; the result has ``tau``'s shape, dtype and device (float32 or float64).
"""

from __future__ import annotations

import math
from fractions import Fraction
from math import comb, factorial
from typing import Any

import torch

from assay.reference.spectral.mixtures import check_matern_order

__all__ = [
    "check_mixture_parameters",
    "gram",
    "matern_coefficients",
    "spectral_mixture_kernel",
    "student_t_mixture_kernel",
]


def _as_tensor(value: Any, name: str, like: torch.Tensor | None) -> torch.Tensor:
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a tensor or sequence of numbers, not a bool")
    if not isinstance(value, torch.Tensor):
        try:
            value = torch.as_tensor(value, dtype=like.dtype if like is not None else torch.float64,
                                    device=like.device if like is not None else None)
        except (TypeError, ValueError, RuntimeError):
            raise TypeError(f"{name} must be a tensor or a sequence of numbers, got {type(value).__name__}") from None
    if value.dtype not in (torch.float32, torch.float64):
        if value.dtype.is_floating_point or value.dtype.is_complex:
            raise TypeError(f"{name} must be float32 or float64, got {value.dtype}")
        value = value.to(like.dtype if like is not None else torch.float64)
    if like is not None:
        value = value.to(dtype=like.dtype, device=like.device)
    return value


def _check_finite(value: torch.Tensor, name: str) -> None:
    if not bool(torch.isfinite(value).all()):
        raise ValueError(f"{name} must be finite (no NaN or inf)")


def check_mixture_parameters(
    tau: Any, weights: Any, means: Any, scales: Any
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Validate and convert ``(tau, weights, means, scales)`` to tensors of ``tau``'s dtype and device.

    Rules: ``tau`` float32/float64 and finite; parameters 1-D of one common length ``Q ≥ 1``, finite, ``weights > 0``
    and ``scales > 0``.
    """
    tau = _as_tensor(tau, "tau", None)
    _check_finite(tau, "tau")
    params = []
    for name, value, positive in (("weights", weights, True), ("means", means, False), ("scales", scales, True)):
        value = _as_tensor(value, name, tau)
        if value.ndim == 0:
            value = value.reshape(1)
        if value.ndim != 1 or value.numel() == 0:
            raise ValueError(f"{name} must be a non-empty 1-D tensor (one entry per component), got shape "
                             f"{tuple(value.shape)}")
        _check_finite(value, name)
        if positive and not bool((value > 0).all()):
            raise ValueError(f"{name} must be > 0 (every component)")
        params.append(value)
    if not params[0].shape == params[1].shape == params[2].shape:
        raise ValueError(f"weights, means and scales must have the same length, got {params[0].numel()}, "
                         f"{params[1].numel()} and {params[2].numel()}")
    return tau, params[0], params[1], params[2]


def _check_order(order: Any, limit: int | None) -> int:
    if isinstance(order, bool) or not isinstance(order, int):
        raise TypeError(f"order must be a non-negative int, got {type(order).__name__}")
    if order < 0:
        raise ValueError(f"order must be >= 0, got {order}")
    if limit is not None and order > limit:
        raise ValueError(f"order must be <= {limit} (= nu − 1): higher derivatives of this kernel do not exist at 0")
    return order


def _combine(envelopes: list[torch.Tensor], omega: torch.Tensor, phase: torch.Tensor, weights: torch.Tensor,
             order: int) -> torch.Tensor:
    cos, sin = torch.cos(phase), torch.sin(phase)
    cycle = (cos, -sin, -cos, sin)
    total = torch.zeros_like(phase)
    for j in range(order + 1):
        total = total + comb(order, j) * envelopes[j] * omega ** (order - j) * cycle[(order - j) % 4]
    return (total * weights).sum(-1)


def spectral_mixture_kernel(tau: Any, weights: Any, means: Any, scales: Any, order: int = 0) -> torch.Tensor:
    """``k^{(order)}(τ)`` of the spectral mixture kernel ``Σ_q w_q exp(−2π²σ_q²τ²) cos(2πμ_qτ)`` (closed form)."""
    tau, weights, means, scales = check_mixture_parameters(tau, weights, means, scales)
    order = _check_order(order, None)
    t = tau.unsqueeze(-1)
    alpha = 2 * math.pi**2 * scales**2
    omega = 2 * math.pi * means
    g = torch.exp(-alpha * t * t)
    polys = [torch.ones_like(t * alpha), -2 * alpha * t]
    for j in range(1, order):
        polys.append(-2 * alpha * t * polys[j] - 2 * j * alpha * polys[j - 1])
    envelopes = [p * g for p in polys[: order + 1]]
    return _combine(envelopes, omega, omega * t, weights, order)


def matern_coefficients(p: int) -> list[Fraction]:
    """Exact ``a_i`` with ``Matérn_{p+1/2}(z) = e^{−z} Σ_i a_i z^i`` (``z = √(2p+1)·r/ℓ``;
    ``0 <= p <= MAX_MATERN_ORDER``)."""
    p = check_matern_order(p)
    scale = Fraction(factorial(p), factorial(2 * p))
    out = [Fraction(0)] * (p + 1)
    for i in range(p + 1):
        out[p - i] += scale * Fraction(factorial(p + i), factorial(i) * factorial(p - i)) * 2 ** (p - i)
    return out


def _odd_nu(nu: Any) -> int:
    if isinstance(nu, bool):
        raise TypeError("nu must be an odd positive integer, not a bool")
    if isinstance(nu, float) and nu.is_integer():
        nu = int(nu)
    if not isinstance(nu, int):
        raise TypeError(f"nu must be an odd positive integer (Matérn-(p+1/2) closed form), got {nu!r}")
    if nu < 1 or nu % 2 == 0:
        raise ValueError(f"nu must be an odd positive integer (1, 3, 5, …), got {nu}")
    return nu


def student_t_mixture_kernel(
    tau: Any, weights: Any, means: Any, scales: Any, nu: int = 5, order: int = 0
) -> torch.Tensor:
    """``k^{(order)}(τ)`` of ``Σ_q w_q Matérn_{ν/2}(|τ|; 1/(2πρ_q)) cos(2πμ_qτ)`` for odd ``ν`` (closed form)."""
    nu = _odd_nu(nu)
    tau, weights, means, scales = check_mixture_parameters(tau, weights, means, scales)
    p = (nu - 1) // 2
    order = _check_order(order, nu - 1)
    t = tau.unsqueeze(-1)
    lam = math.sqrt(nu) * 2 * math.pi * scales
    omega = 2 * math.pi * means
    z = lam * t.abs()
    sign = torch.where(t < 0, -torch.ones_like(t), torch.ones_like(t))
    e = torch.exp(-z)
    poly = matern_coefficients(p)
    envelopes = []
    for j in range(order + 1):
        value = torch.zeros_like(z)
        for a in reversed(poly):
            value = value * z + float(a)
        envelopes.append(sign**j * lam**j * value * e)
        derivative = [Fraction(i) * poly[i] for i in range(1, len(poly))] + [Fraction(0)]
        poly = [d - c for d, c in zip(derivative, poly)]
    return _combine(envelopes, omega, omega * t, weights, order)


def gram(kernel: Any, x: Any, y: Any | None = None, order: int = 0, **params: Any) -> torch.Tensor:
    """``G[i, j] = kernel(x_i − y_j, order=order, **params)`` for 1-D point sets ``x`` and ``y`` (default ``x``).

    ``G`` is ``cov(f^{(order)}(x_i), f(y_j))``; use ``(−1)^b kernel(·, order=a+b)`` for ``cov(f^{(a)}, f^{(b)})``.
    """
    x = _as_tensor(x, "x", None)
    y = x if y is None else _as_tensor(y, "y", x)
    if x.ndim != 1 or y.ndim != 1:
        raise ValueError(f"x and y must be 1-D point sets, got shapes {tuple(x.shape)} and {tuple(y.shape)}")
    return kernel(x[:, None] - y[None, :], order=order, **params)
