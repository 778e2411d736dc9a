"""Frame-averaging ground truth: PCA frames at any precision, degeneracy, Haar and finite-group averages, graphs.

No torch here. Conventions are registered in :mod:`assay.reference.frames.conventions` (``frames.group``,
``frames.action``, ``frames.frame_matrix``, ``frames.degeneracy``); ``docs/frames.md`` has the math.
"""

from assay.reference.frames import conventions
from assay.reference.frames.graphs import (
    GraphFrame,
    graph_equivariant_average,
    graph_frame,
    graph_invariant_average,
    laplacian,
    pairwise_frame_average,
)
from assay.reference.frames.groups import GROUP_ORDERS, finite_group, group_average
from assay.reference.frames.haar import haar_average, haar_rule, product_rule, so2_rule, so3_rule
from assay.reference.frames.pca import (
    equivariant_average,
    frame_rule,
    frame_spectrum,
    framed_inputs,
    invariant_average,
    sign_frames,
    sign_patterns,
)
from assay.reference.frames.spectrum import Spectrum, centred, centroid, scatter_matrix, spectrum

__all__ = [
    "GROUP_ORDERS",
    "GraphFrame",
    "Spectrum",
    "centred",
    "centroid",
    "conventions",
    "equivariant_average",
    "finite_group",
    "frame_rule",
    "frame_spectrum",
    "framed_inputs",
    "graph_equivariant_average",
    "graph_frame",
    "graph_invariant_average",
    "group_average",
    "haar_average",
    "haar_rule",
    "invariant_average",
    "laplacian",
    "pairwise_frame_average",
    "product_rule",
    "scatter_matrix",
    "sign_frames",
    "sign_patterns",
    "so2_rule",
    "so3_rule",
    "spectrum",
]
