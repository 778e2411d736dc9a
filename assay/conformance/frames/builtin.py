"""assay's own frame averaging under test: the torch kernel :mod:`assay.kernels.frames`.

- ``frames.frames``: :func:`assay.kernels.frames.pca_frames` (sign frames of the declared group).
- ``frames.invariant`` / ``frames.vectors`` / ``frames.positions``: :func:`assay.kernels.frames.frame_average`
  with ``degenerate="ignore"`` on the generic clouds these chapters use (the policy is tested separately).
- ``frames.classify``: the kernel's degeneracy flag (relative gap ≤ √ε).
- ``frames.degenerate``: ``frame_average`` with the declared policy (``haar``: Monte-Carlo Haar on each
  degenerate eigenspace; ``refuse``: ValueError).
- ``frames.graph_frame`` / ``graph_invariant`` / ``graph_equivariant`` / ``graph_sampled``:
  :func:`assay.kernels.frames.graph_frames` and :func:`assay.kernels.frames.frame_average_graph` (exhaustive up to
  ``graph_max_frames`` orderings, or ``frames="stochastic"``).

Options: ``dtype`` (float64, float32), ``device``, ``group`` (``E(3)``, ``SE(3)``, ``O(3)``, ``SO(3)``),
``degenerate`` (``haar``, ``refuse``), ``graph_max_frames`` (largest graph frame enumerated; default 10^6).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.conformance.adapters._torch import check_dtype, to_numpy, to_tensor
from assay.conformance.adapters.protocol import Adapter, assay_version, capability
from assay.core.conventions import resolve
from assay.reference.frames.conventions import DEGENERACY, FRAME_MATRIX, GROUP, parse_group

__all__ = ["FramesBuiltin"]


class FramesBuiltin(Adapter):
    """assay's frame-averaging kernel (see the module docstring)."""

    name = "builtin-frames"

    def __init__(self, dtype: str = "float64", device: str = "cpu", group: str = "E(3)",
                 degenerate: str = "haar", graph_max_frames: int = 10**6) -> None:
        import torch

        self.dtype = check_dtype(dtype)
        self.device = str(torch.device(device))
        self.version = assay_version()
        canonical, dimension, self._proper, self._translations = parse_group(group)
        if dimension not in (None, 3):
            raise ValueError(f"group must act on ℝ^3 for the conformance suite, got {group!r}")
        policy = resolve(DEGENERACY, degenerate, "degenerate")
        if policy == "ignore":
            raise ValueError("degenerate must be 'haar' or 'refuse' (a policy the suite can check), got 'ignore'")
        self._group = canonical.replace("(d)", "(3)")
        self._graph_max_frames = int(graph_max_frames)
        self.conventions = {GROUP: canonical, FRAME_MATRIX: "eigenvector_columns", DEGENERACY: policy}

    def _points(self, points: Any):
        return to_tensor(points, self.dtype, self.device)

    def _average(self, fn: Any, points: Any, output: str, **options: Any) -> np.ndarray:
        from assay.kernels.frames import frame_average

        result = frame_average(fn, self._points(points), group=self._group, output=output, **options)
        return to_numpy(result.value)

    @capability("frames.frames")
    def frames(self, points: Any) -> np.ndarray:
        from assay.kernels.frames import pca_frames

        return to_numpy(pca_frames(self._points(points), proper=self._proper,
                                   translations=self._translations).frames)

    @capability("frames.invariant")
    def invariant(self, phi: Any, points: Any) -> np.ndarray:
        return self._average(phi, points, "invariant", degenerate="ignore")

    @capability("frames.vectors")
    def vectors(self, psi: Any, points: Any) -> np.ndarray:
        return self._average(psi, points, "vectors", degenerate="ignore")

    @capability("frames.positions")
    def positions(self, psi: Any, points: Any) -> np.ndarray:
        return self._average(psi, points, "positions", degenerate="ignore")

    @capability("frames.classify")
    def classify(self, points: Any) -> np.ndarray:
        from assay.kernels.frames import pca_frames

        return to_numpy(pca_frames(self._points(points), proper=self._proper,
                                   translations=self._translations).degenerate)

    @capability("frames.degenerate")
    def degenerate(self, phi: Any, points: Any, samples: int, seed: int) -> np.ndarray:
        import torch

        generator = torch.Generator(device=self.device).manual_seed(int(seed))
        return self._average(phi, points, "invariant", degenerate=self.conventions[DEGENERACY],
                             haar_samples=int(samples), generator=generator)

    def _graph(self, adjacency: Any, features: Any = None):
        graph = self._points(adjacency)
        return graph, None if features is None else self._points(features)

    @capability("frames.graph_frame")
    def graph_frame(self, adjacency: Any) -> np.ndarray:
        from assay.kernels.frames import graph_frames

        return to_numpy(graph_frames(self._graph(adjacency)[0]).orderings())

    @capability("frames.graph_invariant")
    def graph_invariant(self, phi: Any, adjacency: Any, features: Any) -> float:
        from assay.kernels.frames import frame_average_graph

        graph, x = self._graph(adjacency, features)
        return float(frame_average_graph(phi, graph, x, max_frames=self._graph_max_frames).value)

    @capability("frames.graph_equivariant")
    def graph_equivariant(self, psi: Any, adjacency: Any, features: Any) -> np.ndarray:
        from assay.kernels.frames import frame_average_graph

        graph, x = self._graph(adjacency, features)
        return to_numpy(frame_average_graph(psi, graph, x, output="equivariant",
                                            max_frames=self._graph_max_frames).value)

    @capability("frames.graph_sampled")
    def graph_sampled(self, phi: Any, adjacency: Any, features: Any, samples: int, seed: int) -> float:
        import torch

        from assay.kernels.frames import frame_average_graph

        graph, x = self._graph(adjacency, features)
        generator = torch.Generator(device=self.device).manual_seed(int(seed))
        return float(frame_average_graph(phi, graph, x, frames="stochastic", num_samples=int(samples),
                                         generator=generator).value)
