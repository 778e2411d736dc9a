"""torchcfm's Schrödinger-bridge pieces under the bridges chapters.

torchcfm is optional and never a dependency of assay (it pulls a CUDA torch through torchvision); this adapter
raises :class:`AdapterUnavailable` when it is not importable. Its ε convention is ``diffusion_sigma``: the
reference process is dX = σ dW (ε = σ²), as in ``SchrodingerBridgeConditionalFlowMatcher(sigma)``.

- ``bridges.bridge_sample``: ``SchrodingerBridgeConditionalFlowMatcher(sigma).sample_xt(x0, x1, t, noise)`` with the
  noise drawn from a seeded generator (mean t x1 + (1 − t) x0, standard deviation σ√(t(1 − t)));
- ``bridges.entropic_plan``: the matcher's own ``OTPlanSampler(method="sinkhorn", reg=2σ²)`` — ``get_map`` for
  uniform weights (what torchcfm uses on minibatches), its configured ``ot_fn`` on the same squared-Euclidean cost for
  weighted points.

Options: ``ot_method`` (``sinkhorn``, the entropic plan; torchcfm's default ``exact`` is the unregularized plan).
"""

from __future__ import annotations

import numpy as np

from assay.conformance.adapters.protocol import Adapter, AdapterUnavailable, capability

__all__ = ["TorchCfmAdapter"]


class TorchCfmAdapter(Adapter):
    """torchcfm's SB-CFM bridge and OT plan sampler (see the module docstring)."""

    name = "torchcfm"

    def __init__(self, ot_method: str = "sinkhorn") -> None:
        try:
            import torchcfm
            from torchcfm.conditional_flow_matching import SchrodingerBridgeConditionalFlowMatcher
        except ImportError as error:
            raise AdapterUnavailable(f"torchcfm is not installed ({error}); pip install torchcfm") from None
        self._matcher_class = SchrodingerBridgeConditionalFlowMatcher
        self.version = getattr(torchcfm, "__version__", "")
        self.dtype = "float64"
        self.device = "cpu"
        self.conventions = {"bridges.epsilon": "diffusion_sigma"}
        self.ot_method = str(ot_method)

    def _matcher(self, sigma: float):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return self._matcher_class(sigma=float(sigma), ot_method=self.ot_method)

    @capability("bridges.bridge_sample", note="SchrodingerBridgeConditionalFlowMatcher.sample_xt")
    def bridge_sample(self, x0, x1, t, epsilon, seed):
        import torch

        x0 = torch.as_tensor(np.asarray(x0, dtype=np.float64))
        x1 = torch.as_tensor(np.asarray(x1, dtype=np.float64))
        t = torch.as_tensor(np.asarray(t, dtype=np.float64))
        noise = torch.randn(x0.shape, generator=torch.Generator().manual_seed(int(seed)), dtype=torch.float64)
        return self._matcher(epsilon).sample_xt(x0, x1, t, noise).numpy()

    @capability("bridges.entropic_plan", note="OTPlanSampler(method='sinkhorn', reg=2σ²)")
    def entropic_plan(self, x, y, epsilon, a, b):
        import torch

        sampler = self._matcher(epsilon).ot_sampler
        x = torch.as_tensor(np.asarray(x, dtype=np.float64))
        y = torch.as_tensor(np.asarray(y, dtype=np.float64))
        a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
        if np.allclose(a, a[0]) and np.allclose(b, b[0]):
            return np.asarray(sampler.get_map(x, y), dtype=np.float64)
        cost = (torch.cdist(x, y) ** 2).numpy()  # the cost get_map builds
        return np.asarray(sampler.ot_fn(a, b, cost), dtype=np.float64)
