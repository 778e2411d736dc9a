"""Spectral mixtures and their covariance functions (Wiener–Khinchin) in closed form at any precision.

A stationary kernel is the Fourier transform of its spectral density (Bochner, Wiener–Khinchin), with the frequency
``s`` in cycles per unit::

    k(τ) = ∫ S(s) e^{2πisτ} ds,        S(s) = Σ_q (w_q/2) [p_q(s − μ_q) + p_q(s + μ_q)]   (symmetrised, so k is real)

- :class:`GaussianMixture` — ``p_q`` a normal density with standard deviation ``σ_q`` gives the spectral mixture
  kernel ``k(τ) = Σ_q w_q exp(−2π²σ_q²τ²) cos(2πμ_qτ)``.
- :class:`StudentTMixture` — ``p_q`` a Student-t density with ``ν`` degrees of freedom and scale ``ρ_q`` gives
  ``k(τ) = Σ_q w_q Matérn_{ν/2}(|τ|; ℓ_q) cos(2πμ_qτ)`` with ``ℓ_q = 1/(2πρ_q)`` and
  ``Matérn_η(r; ℓ) = 2^{1−η}/Γ(η) (√(2η) r/ℓ)^η K_η(√(2η) r/ℓ)``. For odd ``ν`` (η = p + 1/2) the Matérn function
  is the closed form ``e^{−z} p!/(2p)! Σ_{i≤p} (p+i)!/(i!(p−i)!) (2z)^{p−i}``, ``z = √(2η) r/ℓ``; otherwise the
  Bessel form is evaluated by mpmath.

``k(0) = ∫ S = Σ_q w_q``. The parameters are in the ``assay`` convention of ``spectral.parameterization`` (see
:mod:`assay.reference.spectral.conventions`). Every function takes ``dps`` (decimal digits) and returns ``mpf``.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import factorial
from typing import Any

import mpmath
import numpy as np

from assay.core.validation import check_dps
from assay.reference.spectral._mp import as_mpf, as_mpf_vector

__all__ = [
    "MAX_MATERN_ORDER",
    "GaussianMixture",
    "Mixture",
    "StudentTMixture",
    "check_matern_order",
    "covariance",
    "density_function",
    "matern_polynomial",
    "spectral_density",
]


def _check_lengths(weights: list, means: list, scales: list) -> None:
    if not len(weights) == len(means) == len(scales):
        raise ValueError(
            f"weights, means and scales must have the same length (one entry per component), got "
            f"{len(weights)}, {len(means)} and {len(scales)}"
        )


@dataclass(frozen=True)
class GaussianMixture:
    """A symmetrised Gaussian mixture spectrum: weights ``w_q > 0``, means ``μ_q``, standard deviations ``σ_q > 0``.

    Values are kept as given (floats are exact binary numbers, strings exact decimals at the working precision)
    and converted to mpmath at the precision of each call.
    """

    weights: tuple
    means: tuple
    scales: tuple

    def __init__(self, weights: Any, means: Any, scales: Any) -> None:
        with mpmath.workdps(30):
            w = as_mpf_vector(weights, "weights", positive=True)
            m = as_mpf_vector(means, "means")
            s = as_mpf_vector(scales, "scales", positive=True)
        _check_lengths(w, m, s)
        object.__setattr__(self, "weights", tuple(_raw(weights)))
        object.__setattr__(self, "means", tuple(_raw(means)))
        object.__setattr__(self, "scales", tuple(_raw(scales)))

    kind = "gaussian"

    def parameters(self) -> tuple[list, list, list]:
        """``(w, μ, σ)`` as lists of ``mpf`` at the working precision."""
        return (as_mpf_vector(self.weights, "weights"), as_mpf_vector(self.means, "means"),
                as_mpf_vector(self.scales, "scales"))

    @property
    def components(self) -> int:
        return len(self.weights)


@dataclass(frozen=True)
class StudentTMixture:
    """A symmetrised Student-t mixture spectrum: weights ``w_q > 0``, means ``μ_q``, scales ``ρ_q > 0``, ``ν > 0``.

    The covariance of each component is ``Matérn_{ν/2}(|τ|; 1/(2πρ_q)) cos(2πμ_qτ)``; ``ν = 5`` is Matérn-5/2.
    """

    weights: tuple
    means: tuple
    scales: tuple
    nu: Any

    def __init__(self, weights: Any, means: Any, scales: Any, nu: Any = 5) -> None:
        with mpmath.workdps(30):
            w = as_mpf_vector(weights, "weights", positive=True)
            m = as_mpf_vector(means, "means")
            s = as_mpf_vector(scales, "scales", positive=True)
            as_mpf(nu, "nu", positive=True)
        _check_lengths(w, m, s)
        object.__setattr__(self, "weights", tuple(_raw(weights)))
        object.__setattr__(self, "means", tuple(_raw(means)))
        object.__setattr__(self, "scales", tuple(_raw(scales)))
        object.__setattr__(self, "nu", nu.item() if hasattr(nu, "item") else nu)

    kind = "student_t"

    def parameters(self) -> tuple[list, list, list]:
        """``(w, μ, ρ)`` as lists of ``mpf`` at the working precision."""
        return (as_mpf_vector(self.weights, "weights"), as_mpf_vector(self.means, "means"),
                as_mpf_vector(self.scales, "scales"))

    @property
    def components(self) -> int:
        return len(self.weights)

    @property
    def half_integer_order(self) -> int | None:
        """``p`` when ``ν = 2p + 1`` is an odd integer (Matérn-(p+1/2) has a closed form), else ``None``."""
        nu = _nu_fraction(self.nu)
        if nu.denominator == 1 and nu.numerator % 2 == 1:
            return (nu.numerator - 1) // 2
        return None


Mixture = GaussianMixture | StudentTMixture


def _nu_fraction(nu: Any) -> Fraction:
    """``ν`` as an exact Fraction (floats exactly, strings and mpmath numbers through their decimal string)."""
    if isinstance(nu, (int, float, Fraction)):
        return Fraction(nu)
    return Fraction(str(nu))


def _raw(values: Any) -> list:
    if hasattr(values, "tolist"):
        values = values.tolist()
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        values = [values]
    return [v.item() if hasattr(v, "item") else v for v in values]


def _check_mixture(mixture: Any) -> None:
    if not isinstance(mixture, (GaussianMixture, StudentTMixture)):
        raise TypeError(f"mixture must be a GaussianMixture or StudentTMixture, got {type(mixture).__name__}")


#: The highest order ``p`` of :func:`matern_polynomial` (``ν = p + 1/2``); its exact coefficients grow as (2p)!.
MAX_MATERN_ORDER = 1000


def check_matern_order(p: Any) -> int:
    """``p`` as an int with ``0 <= p <= MAX_MATERN_ORDER`` (a ``TypeError``/``ValueError`` naming ``p``)."""
    if isinstance(p, bool) or not isinstance(p, (int, np.integer)):
        raise TypeError(f"p must be an int, got {type(p).__name__}")
    if not 0 <= p <= MAX_MATERN_ORDER:
        raise ValueError(f"p must satisfy 0 <= p <= MAX_MATERN_ORDER = {MAX_MATERN_ORDER}, got {p}")
    return int(p)


def matern_polynomial(p: int) -> list[Fraction]:
    """Coefficients ``a_i`` (ascending powers of ``z``) with ``Matérn_{p+1/2} = e^{−z} Σ_i a_i z^i``
    (``0 <= p <= MAX_MATERN_ORDER``)."""
    p = check_matern_order(p)
    scale = Fraction(factorial(p), factorial(2 * p))
    coefficients = [Fraction(0)] * (p + 1)
    for i in range(p + 1):
        power = p - i
        coefficients[power] += scale * Fraction(factorial(p + i), factorial(i) * factorial(p - i)) * 2**power
    return coefficients


def _matern(nu: mpmath.mpf, r: mpmath.mpf, rho: mpmath.mpf, p: int | None) -> mpmath.mpf:
    """``Matérn_{ν/2}(r; ℓ = 1/(2πρ))`` for ``r >= 0``."""
    z = mpmath.sqrt(nu) * 2 * mpmath.pi * rho * r  # √(2η) r / ℓ with η = ν/2
    if p is not None:
        coefficients = matern_polynomial(p)
        poly = mpmath.mpf(0)
        for a in reversed(coefficients):
            poly = poly * z + mpmath.mpf(a.numerator) / a.denominator
        return mpmath.exp(-z) * poly
    if z == 0:
        return mpmath.mpf(1)
    eta = nu / 2
    return 2 ** (1 - eta) / mpmath.gamma(eta) * z**eta * mpmath.besselk(eta, z)


def spectral_density(mixture: Mixture, s: Any, dps: int = 30) -> mpmath.mpf:
    """``S(s) = Σ_q (w_q/2)[p_q(s − μ_q) + p_q(s + μ_q)]`` at frequency ``s`` (cycles per unit)."""
    _check_mixture(mixture)
    dps = check_dps(dps)
    with mpmath.workdps(dps + 10):
        total = density_function(mixture)(as_mpf(s, "s"))
    with mpmath.workdps(dps):
        return +total


def density_function(mixture: Mixture):
    """``S`` as a fast closure at the working precision (constants computed once; no argument checks)."""
    _check_mixture(mixture)
    weights, means, scales = mixture.parameters()
    terms = []
    if mixture.kind == "gaussian":
        for w, mu, scale in zip(weights, means, scales):
            terms.append((mu, w / (2 * scale * mpmath.sqrt(2 * mpmath.pi)), -1 / (2 * scale * scale)))

        def density(s: mpmath.mpf) -> mpmath.mpf:
            return mpmath.fsum(
                c * (mpmath.exp(a * (s - mu) ** 2) + mpmath.exp(a * (s + mu) ** 2)) for mu, c, a in terms
            )

        return density
    nu = as_mpf(mixture.nu, "nu")
    power = -(nu + 1) / 2
    for w, mu, scale in zip(weights, means, scales):
        norm = mpmath.gamma((nu + 1) / 2) / (mpmath.sqrt(nu * mpmath.pi) * scale * mpmath.gamma(nu / 2))
        terms.append((mu, w / 2 * norm, 1 / (nu * scale * scale)))

    def density_t(s: mpmath.mpf) -> mpmath.mpf:
        return mpmath.fsum(
            c * ((1 + a * (s - mu) ** 2) ** power + (1 + a * (s + mu) ** 2) ** power) for mu, c, a in terms
        )

    return density_t


def covariance(mixture: Mixture, tau: Any, dps: int = 30) -> mpmath.mpf:
    """The closed-form covariance ``k(τ)`` of ``mixture`` (see the module docstring) to ``dps`` digits."""
    from assay.reference.spectral.derivatives import covariance_derivative

    return covariance_derivative(mixture, tau, 0, dps=dps)

