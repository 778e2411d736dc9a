"""asv benchmarks for frame averaging: batched kernel vs frame-averaging-pytorch (time_, peakmem_), the degeneracy
check vs the eigensolve (time_), symmetry and reference errors and FLOP counts (track_).

- ``FrameAverage.time_*``: 1024 clouds × 64 points, float32, a small per-point MLP (3 → 16 → 1, summed over points),
  E(3) frames — assay's :func:`~assay.kernels.frames.frame_average` and ``FrameAverage`` from
  frame-averaging-pytorch (skipped when it is not installed). The full 4096-cloud comparison with the per-cloud
  loop is ``benchmarks/frames_benchmark.py``.
- ``DegeneracyCheck.time_*``: ``eigh`` of 4096 scatter matrices and the relative-gap check on their eigenvalues.
- ``Accuracy.track_*``: invariance error under random E(3) elements (in ε of the dtype) and the distance of the
  kernel's frames to the mpmath reference frames (float64); smaller is better.
- ``Flops.track_flops``: matrix-product FLOPs of one frame average (``assay.core.flops.count_flops``).
- ``PCAFrames``: :func:`~assay.kernels.frames.pca_frames` alone on 4096 clouds — time, peak memory, FLOPs.
- ``GraphFrameAverage.time_*``: :func:`~assay.kernels.frames.frame_average_graph` of the pairwise probe, exhaustive
  on the cube graph Q3 (8! = 40320 orderings) and sampled (4096 orderings) on the Petersen graph; ``track_`` the
  invariance error under a relabelling, in ε; ``peakmem_`` of the exhaustive average. (The graph average has no
  FLOP track: its probe and Laplacian signatures are elementwise and gathers, which torch's counter does not count.)
- ``FrameAverage.time_assay_one_call``: ``chunk=None`` (``fn`` on the whole batch at once), to track what the
  default chunking buys.
"""

from __future__ import annotations

import warnings
from typing import ClassVar

import numpy as np


def _mlp():
    import torch

    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(3, 16), torch.nn.SiLU(), torch.nn.Linear(16, 1))


def _points(clouds: int, n: int, dtype):
    import torch

    generator = torch.Generator().manual_seed(1)
    return torch.randn(clouds, n, 3, generator=generator, dtype=dtype) * torch.tensor([1.0, 2.0, 3.0], dtype=dtype)


class FrameAverage:
    params: ClassVar = (["E(3)", "SE(3)"],)
    param_names: ClassVar = ["group"]
    timeout = 120

    def setup(self, group):
        import torch

        torch.set_num_threads(1)
        self.net = _mlp()
        self.points = _points(1024, 64, torch.float32)

    def _fn(self, Y):
        return self.net(Y).sum(dim=(-1, -2))

    def time_assay(self, group):
        import torch

        from assay.kernels.frames import frame_average

        with torch.no_grad():
            frame_average(self._fn, self.points, group=group)

    def peakmem_assay(self, group):
        self.time_assay(group)

    def time_assay_one_call(self, group):
        import torch

        from assay.kernels.frames import frame_average

        with torch.no_grad():
            frame_average(self._fn, self.points, group=group, chunk=None)

    def time_frame_averaging_pytorch(self, group):
        import torch

        try:
            from frame_averaging_pytorch import FrameAverage as Peer
        except ImportError as error:
            raise NotImplementedError("frame-averaging-pytorch is not installed") from error
        if group != "E(3)":
            raise NotImplementedError("frame-averaging-pytorch has only the E(3)/O(3) frame")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            peer = Peer(torch.nn.Sequential(self.net, torch.nn.Flatten(-2)), dim=3, invariant_output=True)
        with torch.no_grad():
            peer(self.points)


class PCAFrames:
    """:func:`~assay.kernels.frames.pca_frames` of 4096 clouds × 64 points (float32): the frames every average
    starts from (centring, scatter, ``eigh``, sign patterns)."""

    def setup(self):
        import torch

        torch.set_num_threads(1)
        self.points = _points(4096, 64, torch.float32)

    def time_pca_frames(self):
        from assay.kernels.frames import pca_frames

        pca_frames(self.points)

    def peakmem_pca_frames(self):
        self.time_pca_frames()

    def track_flops(self):
        from assay.core.flops import count_flops
        from assay.kernels.frames import pca_frames

        return count_flops(pca_frames, self.points)

    track_flops.unit = "FLOPs"


class DegeneracyCheck:
    def setup(self):
        import torch

        torch.set_num_threads(1)
        points = _points(4096, 64, torch.float32)
        centred = points - points.mean(dim=1, keepdim=True)
        self.scatter = centred.transpose(1, 2) @ centred
        self.eigenvalues = torch.linalg.eigvalsh(self.scatter)
        self.tol = torch.finfo(torch.float32).eps ** 0.5

    def time_eigh(self):
        import torch

        torch.linalg.eigh(self.scatter)

    def time_degeneracy_check(self):
        values = self.eigenvalues
        ((values[:, 1:] - values[:, :-1]) / values[:, -1:] <= self.tol).any(dim=1)


class Accuracy:
    params: ClassVar = (["float64", "float32"],)
    param_names: ClassVar = ["dtype"]
    timeout = 300

    def setup(self, dtype):
        from assay.conformance.frames.support import generic_clouds, group_elements

        self.clouds = generic_clouds(16, 12)
        self.elements = group_elements(4, proper=False, translations=True)

    def track_invariance_error_eps(self, dtype):
        import torch

        from assay.kernels.frames import frame_average
        from assay.properties.frames.checks import PolynomialProbe

        phi = PolynomialProbe()
        torch_dtype = getattr(torch, dtype)
        before = frame_average(phi, torch.tensor(self.clouds, dtype=torch_dtype)).value.double().numpy()
        worst = 0.0
        for R, t in self.elements:
            moved = torch.tensor(self.clouds @ R.T + t, dtype=torch_dtype)
            after = frame_average(phi, moved).value.double().numpy()
            worst = max(worst, float(np.max(np.abs(after - before) / np.maximum(1, np.abs(before)))))
        return worst / float(torch.finfo(torch_dtype).eps)

    def track_frame_error_vs_reference(self, dtype):
        import torch

        from assay.conformance.frames.support import reference_frames
        from assay.kernels.frames import pca_frames
        from assay.properties.frames.checks import frame_set_error

        frames = pca_frames(torch.tensor(self.clouds[:4], dtype=getattr(torch, dtype))).frames.double().numpy()
        return max(frame_set_error(reference_frames(cloud, "E(3)"), F, np.eye(3))
                   for cloud, F in zip(self.clouds[:4], frames))


class Flops:
    params: ClassVar = ([64, 256],)
    param_names: ClassVar = ["points"]

    def track_flops(self, points):
        import torch

        from assay.core.flops import count_flops
        from assay.kernels.frames import frame_average

        net = _mlp()
        cloud = _points(256, points, torch.float32)
        with torch.no_grad():
            return count_flops(lambda: frame_average(lambda Y: net(Y).sum(dim=(-1, -2)), cloud))


class GraphFrameAverage:
    timeout = 120

    def setup(self):
        import torch

        from assay.conformance.frames.graph_support import _cube, features_for
        from assay.properties.frames.graph_probes import GraphProbe
        from assay.properties.frames.strategies import _petersen

        torch.set_num_threads(1)
        self.phi = GraphProbe(seed=0)
        cube, petersen = _cube(), _petersen()
        self.cube = (torch.tensor(cube, dtype=torch.float64), torch.tensor(features_for(cube)))
        self.petersen = (torch.tensor(petersen, dtype=torch.float64), torch.tensor(features_for(petersen)))

    def time_exhaustive_cube_graph(self):
        from assay.kernels.frames import frame_average_graph

        frame_average_graph(self.phi, *self.cube)

    def peakmem_exhaustive_cube_graph(self):
        self.time_exhaustive_cube_graph()

    def time_sampled_petersen_graph(self):
        import torch

        from assay.kernels.frames import frame_average_graph

        frame_average_graph(self.phi, *self.petersen, frames="stochastic", num_samples=4096,
                            generator=torch.Generator().manual_seed(0))

    def track_invariance_error_eps(self):
        from assay.kernels.frames import frame_average_graph

        A, x = self.cube
        p = [7, 3, 5, 1, 6, 2, 4, 0]
        before = float(frame_average_graph(self.phi, A, x).value)
        after = float(frame_average_graph(self.phi, A[p][:, p], x[p]).value)
        return abs(after - before) / max(1.0, abs(before)) / float(np.finfo(np.float64).eps)
