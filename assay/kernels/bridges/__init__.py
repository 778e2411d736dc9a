"""Schrödinger-bridge kernels in torch: the Light SB model (fit, conditional sampling, drift, SDE sampling),
Brownian-bridge sampling, the closed-form Gaussian entropic plan and Monge map, and log-domain Sinkhorn.
Device- and dtype-agnostic (CPU/CUDA, float32/float64); ε convention ``half_cost``."""

from assay.kernels.bridges.bridge import brownian_bridge_sample
from assay.kernels.bridges.gaussian import entropic_cross_covariance, monge_map_matrix
from assay.kernels.bridges.lightsb import LightSB
from assay.kernels.bridges.sinkhorn import sinkhorn_plan

__all__ = ["LightSB", "brownian_bridge_sample", "entropic_cross_covariance", "monge_map_matrix", "sinkhorn_plan"]
