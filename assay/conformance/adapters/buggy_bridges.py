"""Two real bridge bugs, each on top of assay's builtin bridges adapter, each breaking exactly one capability.

- :class:`BridgeNoiseWithoutSqrt` (``buggy-bridges-no-sqrt-noise``): Brownian-bridge samples with standard deviation
  t(1 − t)ε instead of √(t(1 − t)ε) — the official Light SB code until mid-2024. Caught by the bridge-variance
  χ² test (``bridges.bridge_sample`` / ``variance``).
- :class:`EpsilonOffByTwo` (``buggy-bridges-eps-times-2``): the Gaussian entropic plan computed with 2ε — the
  ``full_cost`` reg passed where the ``half_cost`` ε is meant. Caught by the closed-form value and the Gibbs
  property (``bridges.gaussian_eot`` / ``value``, ``gibbs``).
"""

from __future__ import annotations

from assay.conformance.adapters.protocol import capability
from assay.conformance.bridges.builtin import BridgesBuiltin

__all__ = ["BridgeNoiseWithoutSqrt", "EpsilonOffByTwo"]


class BridgeNoiseWithoutSqrt(BridgesBuiltin):
    """Bridge noise t(1 − t)ε·ξ (no square root)."""

    name = "buggy-bridges-no-sqrt-noise"

    @capability("bridges.bridge_sample")
    def bridge_sample(self, x0, x1, t, epsilon, seed):
        import numpy as np
        import torch

        x0, x1 = np.asarray(x0, dtype=np.float64), np.asarray(x1, dtype=np.float64)
        t = np.asarray(t, dtype=np.float64)[:, None]
        noise = torch.randn(x0.shape, generator=torch.Generator().manual_seed(int(seed)), dtype=torch.float64)
        return (1 - t) * x0 + t * x1 + t * (1 - t) * float(epsilon) * noise.numpy()


class EpsilonOffByTwo(BridgesBuiltin):
    """The Gaussian entropic plan for 2ε."""

    name = "buggy-bridges-eps-times-2"

    @capability("bridges.gaussian_eot")
    def gaussian_eot(self, a, A, b, B, epsilon):
        return super().gaussian_eot(a, A, b, B, 2 * float(epsilon))
