"""Spectral kernels and Kronecker GP algebra in torch (float32/float64, CPU/CUDA), held to
:mod:`assay.reference.spectral`.

- :mod:`.covariance` — :func:`spectral_mixture_kernel`, :func:`student_t_mixture_kernel` and their derivative
  kernels in closed form (signed lag, never through ``|τ|``), :func:`gram`;
- :mod:`.kronecker` — :func:`kron_matvec`, :func:`kron_eigh`, :func:`kron_solve`, :func:`kron_logdet`,
  :func:`kron_quadratic_form` (Saatçi), the per-factor-jitter variants, :func:`kron_derivative`,
  :func:`kron_predict`, :func:`kron_dense`;
- :mod:`.objective` — :func:`log_weight_objective`, :func:`kronecker_objective`;
- :mod:`.pde` — the GP-HM-style PDE solver (:func:`solve_pde`, :class:`PDEProblem`).
"""

from assay.kernels.spectral.covariance import (
    check_mixture_parameters,
    gram,
    matern_coefficients,
    spectral_mixture_kernel,
    student_t_mixture_kernel,
)
from assay.kernels.spectral.kronecker import (
    KroneckerEigen,
    kron_dense,
    kron_derivative,
    kron_eigh,
    kron_logdet,
    kron_logdet_per_factor_jitter,
    kron_matvec,
    kron_predict,
    kron_quadratic_form,
    kron_solve,
    kron_solve_per_factor_jitter,
)
from assay.kernels.spectral.objective import kronecker_objective, log_weight_objective
from assay.kernels.spectral.pde import PROBLEMS, PDEProblem, PDEResult, nyquist_frequency, solve_pde

__all__ = [
    "PROBLEMS",
    "KroneckerEigen",
    "PDEProblem",
    "PDEResult",
    "check_mixture_parameters",
    "gram",
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
    "kronecker_objective",
    "log_weight_objective",
    "matern_coefficients",
    "nyquist_frequency",
    "solve_pde",
    "spectral_mixture_kernel",
    "student_t_mixture_kernel",
]
