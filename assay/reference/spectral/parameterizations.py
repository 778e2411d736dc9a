"""Exact conversions between the named parameterizations (``spectral.parameterization``).

- ``gphm`` (Fang et al.'s code): ``w = e^{log-w}``, ``μ = freq``; Gaussian ``e^{log-ls} = 2π²σ²``; Student-t
  (Matérn) ``e^{log-ls} = 1/ℓ = 2πρ``.
- ``gpytorch``: SpectralMixtureKernel ``(mixture_weights, mixture_means, mixture_scales) = (w, μ, σ)``;
  MaternKernel ``(lengthscale ℓ, ν_m)`` ↔ Student-t ``ρ = 1/(2πℓ)``, ``ν = 2ν_m``.

Values are mpmath numbers at ``dps`` digits; the conversions are exact up to that rounding.
"""

from __future__ import annotations

from typing import Any

import mpmath

from assay.core.validation import check_dps
from assay.reference.spectral._mp import as_mpf, as_mpf_vector
from assay.reference.spectral.mixtures import GaussianMixture, StudentTMixture

__all__ = ["from_gphm", "from_gpytorch_matern", "to_gphm", "to_gpytorch_matern"]


def from_gphm(log_w: Any, log_ls: Any, freq: Any, kind: str = "gaussian", nu: Any = 5, dps: int = 30):
    """The mixture GP-HM's parameters describe (``kind`` ``"gaussian"`` or ``"student_t"``)."""
    dps = check_dps(dps)
    with mpmath.workdps(dps + 10):
        lw = as_mpf_vector(log_w, "log_w")
        ls = as_mpf_vector(log_ls, "log_ls")
        mu = as_mpf_vector(freq, "freq")
        w = [mpmath.exp(v) for v in lw]
        if kind == "gaussian":
            scales = [mpmath.sqrt(mpmath.exp(v) / (2 * mpmath.pi**2)) for v in ls]
        elif kind == "student_t":
            scales = [mpmath.exp(v) / (2 * mpmath.pi) for v in ls]
        else:
            raise ValueError(f"kind must be 'gaussian' or 'student_t', got {kind!r}")
    with mpmath.workdps(dps):
        w, mu, scales = [+v for v in w], [+v for v in mu], [+v for v in scales]
        if kind == "gaussian":
            return GaussianMixture(w, mu, scales)
        return StudentTMixture(w, mu, scales, nu)


def to_gphm(mixture: GaussianMixture | StudentTMixture, dps: int = 30) -> tuple[list, list, list]:
    """``(log_w, log_ls, freq)`` of ``mixture`` in GP-HM's parameterization."""
    if not isinstance(mixture, (GaussianMixture, StudentTMixture)):
        raise TypeError(f"mixture must be a GaussianMixture or StudentTMixture, got {type(mixture).__name__}")
    dps = check_dps(dps)
    with mpmath.workdps(dps + 10):
        w, mu, scales = mixture.parameters()
        log_w = [mpmath.log(v) for v in w]
        if isinstance(mixture, GaussianMixture):
            log_ls = [mpmath.log(2 * mpmath.pi**2 * s * s) for s in scales]
        else:
            log_ls = [mpmath.log(2 * mpmath.pi * s) for s in scales]
    with mpmath.workdps(dps):
        return [+v for v in log_w], [+v for v in log_ls], [+v for v in mu]


def from_gpytorch_matern(lengthscale: Any, smoothness: Any, dps: int = 30) -> StudentTMixture:
    """GPyTorch's ``MaternKernel(nu=smoothness)`` with ``lengthscale`` as a one-component Student-t mixture at μ = 0."""
    dps = check_dps(dps)
    with mpmath.workdps(dps + 10):
        ell = as_mpf(lengthscale, "lengthscale", positive=True)
        eta = as_mpf(smoothness, "smoothness", positive=True)
        rho = 1 / (2 * mpmath.pi * ell)
    with mpmath.workdps(dps):
        nu = 2 * eta
        nu_value = int(nu) if nu == int(nu) else +nu
        return StudentTMixture([1], [0], [+rho], nu_value)


def to_gpytorch_matern(mixture: StudentTMixture, component: int = 0, dps: int = 30) -> tuple[mpmath.mpf, Any]:
    """``(lengthscale, smoothness ν_m)`` of one component's Matérn envelope (GPyTorch's MaternKernel)."""
    dps = check_dps(dps)
    if not isinstance(mixture, StudentTMixture):
        raise TypeError(f"mixture must be a StudentTMixture, got {type(mixture).__name__}")
    with mpmath.workdps(dps + 10):
        _, _, scales = mixture.parameters()
        ell = 1 / (2 * mpmath.pi * scales[component])
        eta = as_mpf(mixture.nu, "nu") / 2
    with mpmath.workdps(dps):
        return +ell, +eta
