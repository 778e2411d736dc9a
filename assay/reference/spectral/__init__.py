"""Spectral kernels (Wiener–Khinchin) and dense GP algebra at any precision — ground truth, no torch.

- :class:`GaussianMixture`, :class:`StudentTMixture` — symmetrised spectral mixtures (``assay`` parameterization:
  weights, mean frequencies and scales in cycles per unit);
- :func:`spectral_density`, :func:`covariance` (closed form), :func:`covariance_by_quadrature` (inverse Fourier
  transform of the density by mpmath quadrature — the independent Wiener–Khinchin check);
- :func:`covariance_derivative` (closed form, any order the kernel admits), :func:`covariance_by_differentiation`
  (mpmath numerical differentiation), :func:`spectral_moment` (``k^{(2m)}(0)`` from moments of the density);
- dense GP algebra on row-major grids: :func:`grid_covariance`, :func:`gp_solve`, :func:`gp_logdet`,
  :func:`gp_quadratic_form`, :func:`gp_negative_log_likelihood`, :func:`gp_predictive_mean`,
  :func:`derivative_operator`, :func:`kronecker_dense`;
- parameterizations (GP-HM, GPyTorch): :func:`from_gphm`, :func:`to_gphm`, :func:`from_gpytorch_matern`,
  :func:`to_gpytorch_matern`; conventions in :mod:`assay.reference.spectral.conventions`.
"""

from assay.reference.spectral import conventions
from assay.reference.spectral.derivatives import (
    covariance_by_differentiation,
    covariance_derivative,
    max_derivative_order,
    spectral_moment,
)
from assay.reference.spectral.gp import (
    derivative_operator,
    gp_logdet,
    gp_negative_log_likelihood,
    gp_predictive_mean,
    gp_quadratic_form,
    gp_solve,
    grid_covariance,
    grid_points,
    kronecker_dense,
)
from assay.reference.spectral.mixtures import (
    GaussianMixture,
    StudentTMixture,
    covariance,
    density_function,
    matern_polynomial,
    spectral_density,
)
from assay.reference.spectral.parameterizations import (
    from_gphm,
    from_gpytorch_matern,
    to_gphm,
    to_gpytorch_matern,
)
from assay.reference.spectral.quadrature import covariance_by_quadrature, density_integral

__all__ = [
    "GaussianMixture",
    "StudentTMixture",
    "conventions",
    "covariance",
    "covariance_by_differentiation",
    "covariance_by_quadrature",
    "covariance_derivative",
    "density_function",
    "density_integral",
    "derivative_operator",
    "from_gphm",
    "from_gpytorch_matern",
    "gp_logdet",
    "gp_negative_log_likelihood",
    "gp_predictive_mean",
    "gp_quadratic_form",
    "gp_solve",
    "grid_covariance",
    "grid_points",
    "kronecker_dense",
    "matern_polynomial",
    "max_derivative_order",
    "spectral_density",
    "spectral_moment",
    "to_gphm",
    "to_gpytorch_matern",
]
