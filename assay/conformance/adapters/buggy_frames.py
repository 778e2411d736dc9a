"""Known-bug frame-averaging adapters: each reproduces one mistake found in frame-averaging code, on top of assay's
own kernel, so the suite can show which property catches it (``tests/frames/test_conformance_frames.py``).

- :class:`SumSignFrames` (``buggy-frames-sum-sign``): one canonical frame whose eigenvector signs are chosen so
  that the sum of each eigenvector's entries in ambient coordinates is positive (FAENet's "det" mode). That sum is
  not equivariant — rotating the cloud changes which sign wins — so invariance and equivariance fail.
- :class:`CentroidNotRestored` (``buggy-frames-no-centroid``): the ``positions`` output is averaged in the centred
  frame and the centroid is never added back (as in frame-averaging-pytorch): positions fail translation
  equivariance; invariants and free vectors are right.
- :class:`LeftHandedThirdAxis` (``buggy-frames-left-handed``): an SE(3) frame with ``v3 = v2 × v1`` — every frame
  has det −1. The frame is still equivariant under proper rotations (so the invariance test passes); the
  determinant check fails, and the averages run over the mirror image, so a chiral probe's value is wrong.
- :class:`BasisDependentSignatures` (graph frames; not registered under a short name yet — load it as
  ``assay.conformance.adapters.buggy_frames:BasisDependentSignatures``): node signatures from the squared entries
  of each eigenvector ``u_k`` returned by ``eigh`` instead of the eigenprojector diagonals. On a repeated
  Laplacian eigenvalue (every regular and strongly regular graph) the basis is arbitrary, so the blocks split
  nodes that should tie: the frame has the wrong size, is not permutation-equivariant, and the averages are not
  invariant. On graphs with a simple Laplacian spectrum it is right.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.conformance.adapters._torch import to_numpy
from assay.conformance.adapters.protocol import capability
from assay.conformance.frames.builtin import FramesBuiltin

__all__ = ["BasisDependentSignatures", "CentroidNotRestored", "LeftHandedThirdAxis", "SumSignFrames"]


def _average_over(frames: Any, centred: Any, centroid: Any, fn: Any, output: str) -> Any:
    """Average ``fn`` over given frames ``(B, F, 3, 3)`` of centred clouds ``(B, n, 3)`` (torch)."""
    B, F = frames.shape[:2]
    framed = (centred[:, None] @ frames).flatten(0, 1)
    result = fn(framed).unflatten(0, (B, F))
    if output == "invariant":
        return result.mean(dim=1)
    value = (result @ frames.transpose(-1, -2)).mean(dim=1)
    return value + centroid[:, None, :] if output == "positions" else value


class _FrameOverride(FramesBuiltin):
    """A builtin whose frames come from :meth:`_frames`; the three averages use them."""

    def _pca(self, points: Any) -> Any:
        from assay.kernels.frames import pca_frames

        return pca_frames(self._points(points), proper=self._proper, translations=self._translations)

    def _frames(self, pca: Any) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def _averaged(self, fn: Any, points: Any, output: str) -> np.ndarray:
        pca = self._pca(points)
        return to_numpy(_average_over(self._frames(pca), pca.centred, pca.centroid, fn, output))

    @capability("frames.frames")
    def frames(self, points: Any) -> np.ndarray:
        return to_numpy(self._frames(self._pca(points)))

    @capability("frames.invariant")
    def invariant(self, phi: Any, points: Any) -> np.ndarray:
        return self._averaged(phi, points, "invariant")

    @capability("frames.vectors")
    def vectors(self, psi: Any, points: Any) -> np.ndarray:
        return self._averaged(psi, points, "vectors")

    @capability("frames.positions")
    def positions(self, psi: Any, points: Any) -> np.ndarray:
        return self._averaged(psi, points, "positions")


class SumSignFrames(_FrameOverride):
    """Bug: one frame, each eigenvector signed so that the sum of its ambient coordinates is positive."""

    name = "buggy-frames-sum-sign"

    def _frames(self, pca: Any) -> Any:
        import torch

        V = pca.eigenvectors
        signs = torch.where(V.sum(dim=1) >= 0, 1.0, -1.0).to(V.dtype)  # (B, 3): sign of Σ_k V_kj
        return (V * signs[:, None, :])[:, None]


class LeftHandedThirdAxis(_FrameOverride):
    """Bug: SE(3) frames ``[s1 v1, s2 v2, (s2 v2) × (s1 v1)]`` — left-handed (det −1)."""

    name = "buggy-frames-left-handed"

    def __init__(self, dtype: str = "float64", device: str = "cpu", group: str = "SE(3)",
                 degenerate: str = "haar") -> None:
        super().__init__(dtype=dtype, device=device, group=group, degenerate=degenerate)

    def _frames(self, pca: Any) -> Any:
        import torch

        frames = pca.frames.clone()  # right-handed: third column v1 × v2
        frames[..., :, 2] = torch.linalg.cross(frames[..., :, 1], frames[..., :, 0], dim=-1)
        return frames


class CentroidNotRestored(FramesBuiltin):
    """Bug: ``positions`` is the free-vector average — the centroid is never added back."""

    name = "buggy-frames-no-centroid"

    @capability("frames.positions")
    def positions(self, psi: Any, points: Any) -> np.ndarray:
        return self._average(psi, points, "vectors", degenerate="ignore")


class BasisDependentSignatures(FramesBuiltin):
    """Bug: graph signatures ``(u_1[i]², u_2[i]², …)`` from one eigenbasis, not from the eigenprojectors."""

    name = "buggy-frames-graph-basis"

    def _graph_frame(self, adjacency: Any) -> Any:
        import dataclasses

        import torch

        from assay.kernels.frames import graph_frames

        A = self._points(adjacency)
        right = graph_frames(A)
        _, vectors = torch.linalg.eigh(torch.diag(A.sum(dim=1)) - A)
        signature = (vectors.double() ** 2).cpu().numpy()  # (n, n): basis-dependent on repeated eigenvalues
        keys: dict[tuple, list[int]] = {}
        for node, row in enumerate(np.round(signature, 6)):
            keys.setdefault(tuple(row.tolist()), []).append(node)
        blocks = tuple(tuple(keys[key]) for key in sorted(keys))
        size = int(np.prod([np.prod(np.arange(1, len(b) + 1)) for b in blocks]))
        return dataclasses.replace(right, blocks=blocks, size=size)

    def _graph_average(self, fn: Any, adjacency: Any, features: Any, equivariant: bool) -> np.ndarray:
        from assay.kernels.frames.graphs import average_over_orderings

        frame = self._graph_frame(adjacency)
        return to_numpy(average_over_orderings(fn, self._points(adjacency), self._points(features),
                                               frame.orderings(), equivariant, 1024))

    @capability("frames.graph_frame")
    def graph_frame(self, adjacency: Any) -> np.ndarray:
        return to_numpy(self._graph_frame(adjacency).orderings())

    @capability("frames.graph_invariant")
    def graph_invariant(self, phi: Any, adjacency: Any, features: Any) -> float:
        return float(self._graph_average(phi, adjacency, features, False))

    @capability("frames.graph_equivariant")
    def graph_equivariant(self, psi: Any, adjacency: Any, features: Any) -> np.ndarray:
        return self._graph_average(psi, adjacency, features, True)

    @capability("frames.graph_sampled")
    def graph_sampled(self, phi: Any, adjacency: Any, features: Any, samples: int, seed: int) -> float:
        import torch

        from assay.kernels.frames.graphs import average_over_orderings

        frame = self._graph_frame(adjacency)
        orderings = frame.sample(int(samples), torch.Generator().manual_seed(int(seed)))
        return float(average_over_orderings(phi, self._points(adjacency), self._points(features), orderings,
                                            False, 1024))
