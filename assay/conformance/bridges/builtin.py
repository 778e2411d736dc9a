"""assay's own bridges kernels under test (:mod:`assay.kernels.bridges`), ε in the default ``half_cost`` convention.

- ``bridges.gaussian_eot`` / ``bridges.monge_map``: :func:`entropic_cross_covariance`, :func:`monge_map_matrix`;
- ``bridges.entropic_plan``: log-domain :func:`sinkhorn_plan` (tol 1e-12 float64, 1e-6 float32);
- ``bridges.lightsb_*`` / ``bridges.sde_sample``: :class:`LightSB` built with ``from_parameters`` (full S);
- ``bridges.bridge_sample``: :func:`brownian_bridge_sample`.

Options: ``dtype`` (float64, float32), ``device``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.conformance.adapters._torch import check_dtype, to_numpy, to_tensor
from assay.conformance.adapters.protocol import Adapter, assay_version, capability

__all__ = ["BridgesBuiltin"]


class BridgesBuiltin(Adapter):
    """assay's bridges kernels (see the module docstring)."""

    name = "builtin-bridges"

    def __init__(self, dtype: str = "float64", device: str = "cpu") -> None:
        import torch

        self.dtype = check_dtype(dtype)
        self.device = str(torch.device(device))
        self.version = assay_version()
        self.conventions = {"bridges.epsilon": "half_cost"}

    def _t(self, value: Any):
        return to_tensor(value, self.dtype, self.device)

    def _model(self, log_alpha, r, S, epsilon):
        import torch

        from assay.kernels.bridges import LightSB

        return LightSB.from_parameters(np.asarray(log_alpha), np.asarray(r), np.asarray(S), float(epsilon),
                                       dtype=getattr(torch, self.dtype), device=self.device)

    def _generator(self, seed: int):
        import torch

        return torch.Generator(device=self.device).manual_seed(int(seed))

    @capability("bridges.gaussian_eot")
    def gaussian_eot(self, a, A, b, B, epsilon):
        from assay.kernels.bridges import entropic_cross_covariance

        return to_numpy(entropic_cross_covariance(self._t(A), self._t(B), float(epsilon)))

    @capability("bridges.entropic_plan")
    def entropic_plan(self, x, y, epsilon, a, b):
        from assay.kernels.bridges import sinkhorn_plan

        tol = 1e-12 if self.dtype == "float64" else 1e-6
        return to_numpy(sinkhorn_plan(self._t(x), self._t(y), float(epsilon), self._t(a), self._t(b), tol=tol))

    @capability("bridges.monge_map")
    def monge_map(self, a, A, b, B):
        from assay.kernels.bridges import monge_map_matrix

        return to_numpy(monge_map_matrix(self._t(A), self._t(B)))

    @capability("bridges.lightsb_conditional_moments")
    def lightsb_conditional_moments(self, log_alpha, r, S, epsilon, x):
        import torch

        with torch.no_grad():
            mean, cov = self._model(log_alpha, r, S, epsilon).conditional_moments(self._t(x))
        return to_numpy(mean), to_numpy(cov)

    @capability("bridges.lightsb_drift")
    def lightsb_drift(self, log_alpha, r, S, epsilon, x, t):
        import torch

        with torch.no_grad():
            return to_numpy(self._model(log_alpha, r, S, epsilon).drift(self._t(x), float(t)))

    @capability("bridges.lightsb_sample")
    def lightsb_sample(self, log_alpha, r, S, epsilon, x, seed):
        return to_numpy(self._model(log_alpha, r, S, epsilon).sample(self._t(x), self._generator(seed)))

    @capability("bridges.sde_sample")
    def sde_sample(self, log_alpha, r, S, epsilon, x, n_steps, seed):
        model = self._model(log_alpha, r, S, epsilon)
        return to_numpy(model.sde_sample(self._t(x), int(n_steps), self._generator(seed)))

    @capability("bridges.bridge_sample")
    def bridge_sample(self, x0, x1, t, epsilon, seed):
        from assay.kernels.bridges import brownian_bridge_sample

        return to_numpy(brownian_bridge_sample(self._t(x0), self._t(x1), self._t(t), float(epsilon),
                                               self._generator(seed)))
