"""Schrödinger-bridge / entropic-OT ground truth: closed-form Gaussians at any precision (mpmath), the
mixture-potential benchmark (exact samplers, moments, drift, Light SB parameters) and the benchmark's metrics.

No torch here. The ε convention is named (``bridges.epsilon``; see :mod:`assay.reference.bridges.conventions`).
"""

from assay.reference.bridges import conventions
from assay.reference.bridges.gaussian import (
    GaussianBridge,
    cross_covariance_via_sqrtm,
    gaussian_bridge,
    monge_map,
    w2_squared,
)
from assay.reference.bridges.metrics import bw2_squared, bw2_uvp, cbw2_uvp, gaussian_fit
from assay.reference.bridges.mixture import GaussianMixture, MixtureBenchmark, mixture_benchmark

__all__ = [
    "GaussianBridge",
    "GaussianMixture",
    "MixtureBenchmark",
    "bw2_squared",
    "bw2_uvp",
    "cbw2_uvp",
    "conventions",
    "cross_covariance_via_sqrtm",
    "gaussian_bridge",
    "gaussian_fit",
    "mixture_benchmark",
    "monge_map",
    "w2_squared",
]
