"""The ``frame-averaging-pytorch`` adapter: ``frame_averaging_pytorch.FrameAverage`` (lucidrains) under test.

What the library does (version 0.1.x, read from its source): centre each cloud at its (masked) centroid, take
``torch.linalg.eigh`` of ``Σ (x − t)(x − t)ᵀ``, and build the 2^d sign frames ``V diag(s)`` — the E(d)/O(d)
frame in assay's ``eigenvector_columns`` convention. ``FrameAverage(net)`` runs ``net`` on every framed input
``(X − 1tᵀ) R`` and averages ``net``'s output (``invariant_output=True``) or ``out Rᵀ`` (equivariant output). There
is no SO(d)/SE(d) variant, no degeneracy check and no centroid added back to equivariant outputs.

Capabilities (all through ``FrameAverage`` with ``net`` = the probe wrapped in a ``torch.nn.Module``):

- ``frames.frames``: ``FrameAverage(dim=3)`` without a net returns the framed inputs; each frame element is
  recovered by least squares from ``(X − 1tᵀ) R`` (exact to rounding for full-rank clouds).
- ``frames.invariant``: ``invariant_output=True``; ``frames.vectors``: the equivariant output.
- ``frames.positions``: the same equivariant output — what a user predicting coordinates gets. The library never
  adds the centroid back, so this fails translation equivariance (documented in docs/frames.md).
- not provided: ``frames.classify``, ``frames.degenerate`` (no degeneracy handling).

Options: ``dtype`` (float64, float32), ``device``, ``stochastic`` (the library's single random frame per call;
not exactly invariant, reported as such).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.conformance.adapters._torch import check_dtype, to_numpy, to_tensor
from assay.conformance.adapters.protocol import Adapter, AdapterUnavailable, capability

__all__ = ["FrameAveragingPytorchAdapter"]


class FrameAveragingPytorchAdapter(Adapter):
    """``frame_averaging_pytorch.FrameAverage`` under test (see the module docstring)."""

    name = "frame-averaging-pytorch"

    def __init__(self, dtype: str = "float64", device: str = "cpu", stochastic: bool | str = False) -> None:
        try:
            import torch
            from frame_averaging_pytorch import FrameAverage
        except ImportError as error:
            raise AdapterUnavailable(f"frame-averaging-pytorch is not installed ({error}); "
                                     "pip install frame-averaging-pytorch") from error
        from importlib.metadata import PackageNotFoundError, version

        try:
            self.version = version("frame-averaging-pytorch")
        except PackageNotFoundError:  # pragma: no cover - imported but not installed as a distribution
            self.version = "unknown"
        self.dtype = check_dtype(dtype)
        self.device = str(torch.device(device))
        self._stochastic = str(stochastic).lower() in ("true", "1", "yes")
        if self._stochastic:
            self.name = "frame-averaging-pytorch[stochastic=True]"
        self._FrameAverage = FrameAverage
        self.conventions = {"frames.group": "E(d)", "frames.frame_matrix": "eigenvector_columns"}

    def _model(self, net: Any, **options: Any) -> Any:
        import warnings

        with warnings.catch_warnings():  # the library's constructor indexes with a list (a torch deprecation)
            warnings.simplefilter("ignore", UserWarning)
            model = self._FrameAverage(net, dim=3, stochastic=self._stochastic and net is not None, **options)
        return model.to(self.device)

    def _run(self, fn: Any, points: Any, invariant: bool) -> np.ndarray:
        import torch

        class Probe(torch.nn.Module):
            def forward(self, x: torch.Tensor) -> torch.Tensor:
                return fn(x)

        model = self._model(Probe(), invariant_output=invariant)
        with torch.no_grad():
            return to_numpy(model(to_tensor(points, self.dtype, self.device)))

    @capability("frames.frames")
    def frames(self, points: Any) -> np.ndarray:
        import torch

        tensor = to_tensor(points, self.dtype, self.device)
        model = self._model(None)
        with torch.no_grad():
            framed, _ = model(tensor)  # (B, F, n, 3) = (X − 1tᵀ) R
            centred = tensor - tensor.mean(dim=1, keepdim=True)
            solution = torch.linalg.lstsq(centred[:, None].expand(-1, framed.shape[1], -1, -1), framed).solution
        return to_numpy(solution)

    @capability("frames.invariant")
    def invariant(self, phi: Any, points: Any) -> np.ndarray:
        return self._run(phi, points, invariant=True)

    @capability("frames.vectors")
    def vectors(self, psi: Any, points: Any) -> np.ndarray:
        return self._run(psi, points, invariant=False)

    @capability("frames.positions", note="the library's equivariant output; it never adds the centroid back")
    def positions(self, psi: Any, points: Any) -> np.ndarray:
        return self._run(psi, points, invariant=False)
