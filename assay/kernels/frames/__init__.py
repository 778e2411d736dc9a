"""Batched frame averaging in torch (CPU/CUDA, float32/float64), held to :mod:`assay.reference.frames`.

Two entry points: :func:`frame_average` for point clouds (PCA frames of O(d), SO(d), E(d), SE(d)) and
:func:`frame_average_graph` for graphs (Laplacian-signature frames of the symmetric group).
"""

from assay.kernels.frames.average import AUTO_CHUNK_POINTS, FrameAverage, frame_average, haar_orthogonal
from assay.kernels.frames.graphs import GraphFrameAverage, GraphFrames, frame_average_graph, graph_frames
from assay.kernels.frames.pca import PCAFrames, default_gap_tol, pca_frames, sign_patterns

__all__ = ["AUTO_CHUNK_POINTS", "FrameAverage", "GraphFrameAverage", "GraphFrames", "PCAFrames", "default_gap_tol",
           "frame_average", "frame_average_graph", "graph_frames", "haar_orthogonal", "pca_frames",
           "sign_patterns"]
