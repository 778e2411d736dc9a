"""The inverse Fourier transform of the spectral density by mpmath quadrature — the independent Wiener–Khinchin check.

``k(τ) = ∫ S(s) cos(2πsτ) ds = 2 ∫_0^∞ S(s) cos(2πsτ) ds`` (``S`` is even). The integral is taken on the spectral
density itself (:func:`~assay.reference.spectral.spectral_density`), not on any closed form:

- Gaussian mixtures: tanh-sinh quadrature on ``[0, L]`` cut at every half-period ``1/(2|τ|)`` and every ``σ`` around
  each ``μ_q``, with ``L = max_q(|μ_q| + T σ_q)`` and ``T = √(2 (dps + 10) ln 10)`` (the Gaussian tail beyond ``L``
  is below ``10^{−dps−10}``), plus the tail ``[L, ∞)``;
- Student-t mixtures (algebraic tails ``s^{−(ν+1)}``): the same subdivision on the peaks, then
  ``mpmath.quadosc`` (integration between zeros of the cosine with series extrapolation) on ``[L, ∞)``.

:func:`density_integral` integrates any even weight ``f(s)`` against ``S`` (moments, ``∫ S``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mpmath

from assay.core.validation import check_dps
from assay.reference.spectral._mp import as_mpf
from assay.reference.spectral.mixtures import Mixture, _check_mixture, density_function

__all__ = ["covariance_by_quadrature", "density_integral"]


def _breakpoints(mixture: Mixture, dps: int, period: mpmath.mpf | None) -> list[mpmath.mpf]:
    _, means, scales = mixture.parameters()
    tail = mpmath.sqrt(2 * (dps + 10) * mpmath.log(10))
    if mixture.kind == "student_t":
        tail = mpmath.mpf(40)
    points = {mpmath.mpf(0)}
    for mu, scale in zip(means, scales):
        mu = abs(mu)
        for k in range(-int(tail), int(tail) + 1):
            x = mu + k * scale
            if x > 0:
                points.add(x)
    end = max(points)
    if period is not None:
        step = period / 2
        n = int(end / step)
        if n > 4000:
            raise ValueError(f"tau too large for quadrature: {n} half-periods on the spectral support")
        points.update(step * (i + 1) for i in range(n))
    return sorted(points)


def density_integral(mixture: Mixture, weight: Callable[[Any], Any], dps: int = 30) -> mpmath.mpf:
    """``∫_{−∞}^{∞} weight(s) S(s) ds`` for an even ``weight`` (no oscillation), to about ``dps`` digits."""
    _check_mixture(mixture)
    dps = check_dps(dps)
    with mpmath.workdps(dps + 10):
        points = _breakpoints(mixture, dps, None)

        density = density_function(mixture)

        def integrand(s: mpmath.mpf) -> mpmath.mpf:
            return weight(s) * density(s)

        value = mpmath.quad(integrand, points) + mpmath.quad(integrand, [points[-1], mpmath.inf])
        value *= 2
    with mpmath.workdps(dps):
        return +value


def covariance_by_quadrature(mixture: Mixture, tau: Any, dps: int = 30) -> mpmath.mpf:
    """``k(τ) = ∫ S(s) cos(2πsτ) ds`` by quadrature of the spectral density (see the module docstring)."""
    _check_mixture(mixture)
    dps = check_dps(dps)
    with mpmath.workdps(dps + 10):
        tau = abs(as_mpf(tau, "tau"))
    if tau == 0:
        return density_integral(mixture, lambda s: 1, dps=dps)
    with mpmath.workdps(dps + 10):
        omega = 2 * mpmath.pi * tau
        points = _breakpoints(mixture, dps, 1 / tau)

        density = density_function(mixture)

        def integrand(s: mpmath.mpf) -> mpmath.mpf:
            return mpmath.cos(omega * s) * density(s)

        body = mpmath.quad(integrand, points)
        if mixture.kind == "gaussian":
            tail = mpmath.quad(integrand, [points[-1], mpmath.inf])
        else:
            start = points[-1]
            tail = mpmath.quadosc(lambda u: integrand(start + u), [0, mpmath.inf], omega=omega)
        value = 2 * (body + tail)
    with mpmath.workdps(dps):
        return +value
