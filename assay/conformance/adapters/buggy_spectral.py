"""Known-bug spectral adapters: each reproduces one mistake found in GP spectral-kernel code, on top of assay's own
kernels, so the suite can show which property catches it (``tests/spectral/test_conformance_spectral.py``).

- :class:`DerivativeThroughAbs` (``buggy-spectral-abs-derivative``): derivative kernels by torch autograd through
  ``d = |x − y|`` (a port of JAX code, where the derivative of ``|x|`` at 0 is 1; in torch it is 0). Away from
  ``τ = 0`` the values are right; at ``τ = 0`` every even derivative comes out 0 (``k''(0) = 0`` instead of
  ``−Σ w(4π²σ² + 4π²μ²)``): caught by the spectral-moment property and the value test at ``τ = 0``.
- :class:`DoubleCountedLogWeightPrior` (``buggy-spectral-double-prior``): the objective in log-weight coordinates
  adds ``−log p(w) = Σ log w`` for a Jeffreys prior that the log parameterization already carries: caught by the
  objective test (off by ``|Σ log w|``).
- :class:`PerFactorJitter` (``buggy-spectral-per-factor-jitter``): Kronecker solve and log-det with
  ``(K1 + εI) ⊗ (K2 + εI)`` while declaring ``spectral.noise = total`` (``K1 ⊗ K2 + εI``): caught by
  Kronecker = dense for every noise level.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.conformance.adapters._torch import to_numpy
from assay.conformance.adapters.protocol import capability
from assay.conformance.spectral.builtin import SpectralBuiltin

__all__ = ["DerivativeThroughAbs", "DoubleCountedLogWeightPrior", "PerFactorJitter"]


class DerivativeThroughAbs(SpectralBuiltin):
    """Bug: ``k^(n)`` by autograd through ``|τ|`` (torch's derivative of ``|x|`` at 0 is 0)."""

    name = "buggy-spectral-abs-derivative"

    @capability("spectral.sm_kernel", max_order=4)
    def sm_kernel(self, tau: Any, weights: Any, means: Any, scales: Any, order: int = 0) -> np.ndarray:
        import torch

        from assay.kernels.spectral import spectral_mixture_kernel

        t = self._t(tau).clone().requires_grad_(True)
        value = spectral_mixture_kernel(t.abs(), self._t(weights), self._t(means), self._t(scales))
        for _ in range(int(order)):
            (value,) = torch.autograd.grad(value.sum(), t, create_graph=True)
        return to_numpy(value)


class DoubleCountedLogWeightPrior(SpectralBuiltin):
    """Bug: ``Σ log w`` added to the log-weight objective (the Jeffreys prior counted twice)."""

    name = "buggy-spectral-double-prior"

    @capability("spectral.log_weight_objective")
    def log_weight_objective(self, x, y, log_weights, means, scales, noise) -> float:
        return super().log_weight_objective(x, y, log_weights, means, scales, noise) + float(np.sum(log_weights))


class PerFactorJitter(SpectralBuiltin):
    """Bug: ``(K1 + εI) ⊗ (K2 + εI)`` in solve and log-det while declaring ``K1 ⊗ K2 + εI``."""

    name = "buggy-spectral-per-factor-jitter"

    @capability("spectral.kronecker_solve")
    def kronecker_solve(self, factors, y, noise) -> np.ndarray:
        from assay.kernels.spectral import kron_solve_per_factor_jitter

        return to_numpy(kron_solve_per_factor_jitter([self._t(f) for f in factors], self._t(y), float(noise)))

    @capability("spectral.kronecker_logdet")
    def kronecker_logdet(self, factors, noise) -> float:
        from assay.kernels.spectral import kron_logdet_per_factor_jitter

        return float(kron_logdet_per_factor_jitter([self._t(f) for f in factors], float(noise)))
