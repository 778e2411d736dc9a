"""assay's own spectral kernels under test (:mod:`assay.kernels.spectral`).

Options: ``dtype`` (float64, float32), ``device``. Conventions: ``assay`` parameterization, ``sum_of_products``
(Wilson & Adams) for the d-dimensional spectral mixture, row-major Kronecker order, noise added once (``total``).
"""

from __future__ import annotations

import math

from assay.conformance.adapters._torch import check_dtype, to_numpy, to_tensor
from assay.conformance.adapters.protocol import Adapter, capability

__all__ = ["SpectralBuiltin"]


class SpectralBuiltin(Adapter):
    """assay's spectral kernels (see the module docstring)."""

    name = "builtin-spectral"

    def __init__(self, dtype: str = "float64", device: str = "cpu") -> None:
        import torch

        self.dtype = check_dtype(dtype)
        self.device = str(torch.device(device))
        self.conventions = {"spectral.parameterization": "assay", "spectral.multidim": "sum_of_products",
                            "spectral.kronecker_order": "row_major", "spectral.noise": "total"}

    def _t(self, values):
        return to_tensor(values, self.dtype, self.device)

    @capability("spectral.sm_kernel", max_order=4)
    def sm_kernel(self, tau, weights, means, scales, order=0):
        from assay.kernels.spectral import spectral_mixture_kernel

        return to_numpy(spectral_mixture_kernel(self._t(tau), self._t(weights), self._t(means), self._t(scales),
                                                order=int(order)))

    @capability("spectral.student_t_kernel", max_order=4)
    def student_t_kernel(self, tau, weights, means, scales, nu, order=0):
        from assay.kernels.spectral import student_t_mixture_kernel

        return to_numpy(student_t_mixture_kernel(self._t(tau), self._t(weights), self._t(means), self._t(scales),
                                                 nu=int(nu), order=int(order)))

    @capability("spectral.matern_kernel")
    def matern_kernel(self, tau, lengthscale, smoothness):
        from assay.kernels.spectral import student_t_mixture_kernel

        rho = 1.0 / (2 * math.pi * float(lengthscale))
        return to_numpy(student_t_mixture_kernel(self._t(tau), self._t([1.0]), self._t([0.0]), self._t([rho]),
                                                 nu=round(2 * float(smoothness))))

    @capability("spectral.sm_kernel_nd")
    def sm_kernel_nd(self, tau, weights, means, scales):
        tau, weights, means, scales = self._t(tau), self._t(weights), self._t(means), self._t(scales)
        # Σ_q w_q Π_d exp(−2π²σ_qd²τ_d²) cos(2πμ_qdτ_d)
        t = tau[:, None, :]
        terms = (-2 * math.pi**2 * scales**2 * t**2).exp() * (2 * math.pi * means * t).cos()
        return to_numpy((terms.prod(-1) * weights).sum(-1))

    @capability("spectral.kronecker_matvec")
    def kronecker_matvec(self, factors, v):
        from assay.kernels.spectral import kron_matvec

        return to_numpy(kron_matvec([self._t(f) for f in factors], self._t(v)))

    @capability("spectral.kronecker_solve")
    def kronecker_solve(self, factors, y, noise):
        from assay.kernels.spectral import kron_solve

        return to_numpy(kron_solve([self._t(f) for f in factors], self._t(y), float(noise)))

    @capability("spectral.kronecker_logdet")
    def kronecker_logdet(self, factors, noise):
        from assay.kernels.spectral import kron_logdet

        return float(kron_logdet([self._t(f) for f in factors], float(noise)))

    @capability("spectral.log_weight_objective")
    def log_weight_objective(self, x, y, log_weights, means, scales, noise):
        from assay.kernels.spectral import log_weight_objective

        return float(log_weight_objective(self._t(x), self._t(y), self._t(log_weights), self._t(means),
                                          self._t(scales), float(noise)))
