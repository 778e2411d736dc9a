"""Derivative kernels in closed form to any order the kernel admits, and two independent checks.

For one component ``k(τ) = w g(τ) cos(ωτ)`` (``ω = 2πμ``, ``g`` the envelope) Leibniz's rule gives::

    k^{(n)}(τ) = w Σ_{j=0}^{n} C(n, j) g^{(j)}(τ) ω^{n−j} cos(ωτ + (n−j)π/2)

- Gaussian envelope ``g = e^{−ατ²}``, ``α = 2π²σ²``: ``g^{(j)} = P_j(τ) g`` with ``P_0 = 1``, ``P_1 = −2ατ``,
  ``P_{j+1} = −2ατ P_j − 2jα P_{j−1}`` (scaled Hermite polynomials). E.g. ``k''(0) = −w(2α + ω²)`` and
  ``k''''(0) = w(12α² + 12αω² + ω⁴)``.
- Matérn-(p+1/2) envelope (Student-t with odd ``ν = 2p+1``), ``λ = √ν · 2πρ``: for ``τ > 0``
  ``g = e^{−λτ} Σ_i a_i (λτ)^i`` and ``d/dτ`` acts on the polynomial as ``λ(P' − P)``; for ``τ < 0``
  ``g^{(j)}(τ) = (−1)^j g^{(j)}(−τ)`` (``g`` is even). ``g^{(j)}`` exists and is continuous for ``j ≤ 2p = ν − 1``,
  so higher orders are refused. E.g. Matérn-5/2: ``k''(0) = −w(λ²/3 + ω²)``, ``k''''(0) = w(λ² + ω²)²``.

The signed lag ``τ = x − y`` is used throughout — never ``|τ|`` — so ``k''(0)`` is the true value (a port that
differentiates through ``|x − y|`` in torch gets ``k''(0) = 0``; torch's derivative of ``|x|`` at 0 is 0).
Covariances of derivatives: ``cov(f^{(a)}(x), f^{(b)}(y)) = (−1)^b k^{(a+b)}(x − y)``.

Checks: :func:`covariance_by_differentiation` (mpmath numerical differentiation of the order-0 closed form at
extra precision) and :func:`spectral_moment` (``k^{(2m)}(0) = (−1)^m ∫ (2πs)^{2m} S(s) ds`` by quadrature).
"""

from __future__ import annotations

from fractions import Fraction
from math import comb
from typing import Any

import mpmath

from assay.core.validation import check_dps
from assay.reference.spectral._mp import as_mpf, as_order
from assay.reference.spectral.mixtures import Mixture, _check_mixture, _matern, _nu_fraction, matern_polynomial

__all__ = ["covariance_by_differentiation", "covariance_derivative", "max_derivative_order", "spectral_moment"]


def max_derivative_order(mixture: Mixture) -> int | None:
    """The highest derivative order of ``k`` that exists everywhere (``None``: unbounded, the Gaussian case).

    A Student-t spectrum with ``ν`` degrees of freedom has moments of order ``< ν``, so ``k^{(n)}`` exists for
    ``n < ν``; closed forms are provided for odd ``ν`` (orders ``≤ ν − 1``).
    """
    _check_mixture(mixture)
    if mixture.kind == "gaussian":
        return None
    p = mixture.half_integer_order
    if p is None:
        nu = _nu_fraction(mixture.nu)
        return int(nu) - (1 if nu.denominator == 1 else 0)
    return 2 * p


def _gaussian_envelope_derivatives(tau: mpmath.mpf, sigma: mpmath.mpf, order: int) -> list[mpmath.mpf]:
    alpha = 2 * mpmath.pi**2 * sigma**2
    g = mpmath.exp(-alpha * tau * tau)
    polys = [mpmath.mpf(1), -2 * alpha * tau]
    for j in range(1, order):
        polys.append(-2 * alpha * tau * polys[j] - 2 * j * alpha * polys[j - 1])
    return [p * g for p in polys[: order + 1]]


def _matern_envelope_derivatives(tau: mpmath.mpf, rho: mpmath.mpf, nu: mpmath.mpf, p: int, order: int):
    lam = mpmath.sqrt(nu) * 2 * mpmath.pi * rho
    r = abs(tau)
    sign = -1 if tau < 0 else 1
    z = lam * r
    e = mpmath.exp(-z)
    poly = list(matern_polynomial(p))
    out = []
    for j in range(order + 1):
        value = mpmath.mpf(0)
        for a in reversed(poly):
            value = value * z + mpmath.mpf(a.numerator) / a.denominator
        out.append(sign**j * lam**j * value * e)
        # d/dz (P e^{-z}) = (P' - P) e^{-z}
        derivative = [Fraction(i) * poly[i] for i in range(1, len(poly))] + [Fraction(0)]
        poly = [d - c for d, c in zip(derivative, poly)]
    return out


def covariance_derivative(mixture: Mixture, tau: Any, order: int = 0, dps: int = 30) -> mpmath.mpf:
    """``k^{(order)}(τ)`` in closed form (module docstring) to ``dps`` digits; ``τ`` is the signed lag ``x − y``."""
    _check_mixture(mixture)
    dps = check_dps(dps)
    order = as_order(order)
    limit = max_derivative_order(mixture)
    if limit is not None and order > limit:
        raise ValueError(
            f"order must be <= {limit} for a Student-t spectrum with nu = {mixture.nu}: k^(n) exists for n < nu"
        )
    with mpmath.workdps(dps + 15):
        tau = as_mpf(tau, "tau")
        weights, means, scales = mixture.parameters()
        total = mpmath.mpf(0)
        p = None
        if mixture.kind == "student_t":
            nu = as_mpf(mixture.nu, "nu")
            p = mixture.half_integer_order
            if p is None and order > 0:
                raise ValueError(f"closed-form derivatives need an odd integer nu (Matérn-(p+1/2)); got nu = {nu}")
        for w, mu, scale in zip(weights, means, scales):
            omega = 2 * mpmath.pi * mu
            if mixture.kind == "gaussian":
                envelope = _gaussian_envelope_derivatives(tau, scale, order)
            elif p is not None:
                envelope = _matern_envelope_derivatives(tau, scale, nu, p, order)
            else:
                envelope = [_matern(nu, abs(tau), scale, None)]
            phase = omega * tau
            cos_derivs = [mpmath.cos(phase), -mpmath.sin(phase), -mpmath.cos(phase), mpmath.sin(phase)]
            term = mpmath.mpf(0)
            for j in range(order + 1):
                term += comb(order, j) * envelope[j] * omega ** (order - j) * cos_derivs[(order - j) % 4]
            total += w * term
    with mpmath.workdps(dps):
        return +total


def covariance_by_differentiation(mixture: Mixture, tau: Any, order: int, dps: int = 30) -> mpmath.mpf:
    """``k^{(order)}(τ)`` by mpmath numerical differentiation of the order-0 closed form (an independent check).

    Valid where ``k`` is analytic around ``τ`` (every ``τ`` for the Gaussian; ``τ ≠ 0`` for Student-t, whose
    ``|τ|`` makes ``τ = 0`` a point of finite smoothness — use :func:`spectral_moment` there).
    """
    _check_mixture(mixture)
    dps = check_dps(dps)
    order = as_order(order)
    with mpmath.workdps(dps + 10):
        tau0 = as_mpf(tau, "tau")
    if mixture.kind == "student_t" and tau0 == 0 and order > 0:
        raise ValueError("tau must be != 0 for numerical differentiation of a Student-t kernel (|τ| is not analytic)")
    work = 2 * dps + 20
    with mpmath.workdps(work):
        tau0 = as_mpf(tau, "tau")

        def k(t: mpmath.mpf) -> mpmath.mpf:
            return covariance_derivative(mixture, t, 0, dps=mpmath.mp.dps)

        # mpmath picks the step from the working precision (far below |τ|, so the stencil never crosses τ = 0)
        value = mpmath.diff(k, tau0, order) if order else k(tau0)
    with mpmath.workdps(dps):
        return +value


def spectral_moment(mixture: Mixture, order: int, dps: int = 30) -> mpmath.mpf:
    """``k^{(order)}(0) = ∫ (2πis)^{order} S(s) ds`` by quadrature of the spectral density (0 for odd orders).

    Independent of the closed forms: it integrates :func:`~assay.reference.spectral.spectral_density`.
    """
    from assay.reference.spectral.quadrature import density_integral

    _check_mixture(mixture)
    order = as_order(order)
    limit = max_derivative_order(mixture)
    if limit is not None and order > limit:
        raise ValueError(f"order must be <= {limit}: the Student-t spectrum with nu = {mixture.nu} has no such moment")
    if order % 2:
        return mpmath.mpf(0)
    sign = -1 if (order // 2) % 2 else 1
    with mpmath.workdps(dps + 10):
        value = sign * density_integral(mixture, lambda s: (2 * mpmath.pi * s) ** order, dps=dps + 5)
    with mpmath.workdps(dps):
        return +value
