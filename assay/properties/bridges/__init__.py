"""Property checks and Hypothesis strategies for Schrödinger bridges / entropic OT (functions returning error sizes
or p-values), usable on any implementation: see :mod:`assay.properties.bridges.checks` and
:mod:`assay.properties.bridges.strategies`."""

from assay.properties.bridges.checks import (
    bridge_variance_pvalue,
    coupling_marginal_error,
    cross_covariance_error,
    drift_quadrature_error,
    gibbs_error,
    heat_smoothed_drift,
    k1_parameter_error,
    plan_moment_error,
    two_sample_projection_pvalue,
)
from assay.properties.bridges.strategies import epsilons, gaussian_pairs, spd_matrices

__all__ = [
    "bridge_variance_pvalue",
    "coupling_marginal_error",
    "cross_covariance_error",
    "drift_quadrature_error",
    "epsilons",
    "gaussian_pairs",
    "gibbs_error",
    "heat_smoothed_drift",
    "k1_parameter_error",
    "plan_moment_error",
    "spd_matrices",
    "two_sample_projection_pvalue",
]
