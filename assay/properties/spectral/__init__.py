"""Hypothesis strategies and property checks for spectral kernels and Kronecker GP algebra.

- :mod:`.strategies`: :func:`mixture_parameters`, :func:`student_t_nu`, :func:`lags`, :func:`grids`;
- :mod:`.checks`: ``∫S = k(0)`` (:func:`total_mass_error`), closed form = inverse transform
  (:func:`wiener_khinchin_error`), Bochner (:func:`bochner_violation`), symmetry, stationarity, ``|k| ≤ k(0)``,
  derivative kernels at ``τ = 0`` and at tiny ``τ``, Kronecker = dense (:func:`kronecker_errors`), and the
  log-weight objective without a double-counted prior (:func:`objective_error`).
"""

from assay.properties.spectral.checks import (
    bochner_violation,
    bound_violation,
    derivative_at_zero_error,
    derivative_continuity_error,
    derivative_error,
    derivative_scale,
    kronecker_errors,
    objective_error,
    stationarity_error,
    symmetry_error,
    total_mass_error,
    wiener_khinchin_error,
)
from assay.properties.spectral.strategies import grids, lags, mixture_parameters, student_t_nu

__all__ = [
    "bochner_violation",
    "bound_violation",
    "derivative_at_zero_error",
    "derivative_continuity_error",
    "derivative_error",
    "derivative_scale",
    "grids",
    "kronecker_errors",
    "lags",
    "mixture_parameters",
    "objective_error",
    "stationarity_error",
    "student_t_nu",
    "symmetry_error",
    "total_mass_error",
    "wiener_khinchin_error",
]
