"""GPyTorch (and linear_operator) as an implementation of the spectral capabilities.

- ``spectral.sm_kernel``: ``gpytorch.kernels.SpectralMixtureKernel`` (``ard_num_dims=1``) evaluated at
  ``(x1, x2) = (τ, 0)``; derivatives (``order ≤ 4``) by torch autograd in ``x1`` — GPyTorch forms
  ``(x1·s − x2·s)²`` and ``cos(2π(x1·m − x2·m))``, smooth in ``x1``, so autograd gives the true derivative kernel.
- ``spectral.matern_kernel``: ``gpytorch.kernels.MaternKernel(nu)`` with ``lengthscale``.
- ``spectral.sm_kernel_nd``: ``SpectralMixtureKernel(ard_num_dims=d)`` — declared convention
  ``spectral.multidim = shared_weights_product`` (one weight vector, product over dimensions of the per-dimension
  mixtures, ``k(0) = (Σw)^d``), which is not Wilson & Adams' sum of products.
- ``spectral.kronecker_matvec`` / ``kronecker_solve`` / ``kronecker_logdet``: ``KroneckerProductLinearOperator``
  (row-major, like ``torch.kron``), ``.add_diagonal(noise)`` for the noisy operator; the noise-free log-det goes
  through ``KroneckerProductLinearOperator._logdet``, which clamps eigenvalues at 1e-7 (a measured deviation).

Options: ``dtype`` (float64, float32), ``device``. Parameters are set through GPyTorch's constrained setters
(softplus), so they come back within an ulp or so of the requested values.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.conformance.adapters._torch import check_dtype, to_numpy
from assay.conformance.adapters.protocol import Adapter, AdapterUnavailable, capability

__all__ = ["GpytorchAdapter"]


class GpytorchAdapter(Adapter):
    """GPyTorch's spectral-mixture and Matérn kernels and linear_operator's Kronecker algebra."""

    name = "gpytorch"

    def __init__(self, dtype: str = "float64", device: str = "cpu") -> None:
        try:
            import gpytorch
            import linear_operator
            import torch
        except ImportError as error:  # pragma: no cover - depends on the environment
            raise AdapterUnavailable(f"gpytorch is not importable: {error}") from error
        self.dtype = check_dtype(dtype)
        self.device = str(torch.device(device))
        self.version = f"gpytorch {gpytorch.__version__}, linear_operator {linear_operator.__version__}"
        self.conventions = {"spectral.parameterization": "gpytorch", "spectral.multidim": "shared_weights_product",
                            "spectral.kronecker_order": "row_major", "spectral.noise": "total"}

    def _t(self, values: Any):
        import torch

        return torch.as_tensor(np.asarray(values, dtype=np.float64), dtype=getattr(torch, self.dtype),
                               device=self.device)

    def _sm(self, weights: Any, means: Any, scales: Any, dims: int):
        import gpytorch

        weights = self._t(weights).reshape(-1)
        q = weights.numel()
        kernel = gpytorch.kernels.SpectralMixtureKernel(num_mixtures=q, ard_num_dims=dims)
        kernel = kernel.to(dtype=weights.dtype, device=weights.device)
        kernel.mixture_weights = weights
        kernel.mixture_means = self._t(means).reshape(q, 1, dims)
        kernel.mixture_scales = self._t(scales).reshape(q, 1, dims)
        return kernel

    @capability("spectral.sm_kernel", max_order=4, note="derivatives by autograd in x1")
    def sm_kernel(self, tau: Any, weights: Any, means: Any, scales: Any, order: int = 0) -> np.ndarray:
        import torch

        kernel = self._sm(weights, means, scales, 1)
        x1 = self._t(tau).reshape(-1, 1).clone().requires_grad_(order > 0)
        x2 = torch.zeros(1, 1, dtype=x1.dtype, device=x1.device)
        value = kernel.forward(x1, x2).reshape(-1)
        for _ in range(int(order)):
            (grad,) = torch.autograd.grad(value.sum(), x1, create_graph=True)
            value = grad.reshape(-1)
        return to_numpy(value).reshape(np.shape(tau))

    @capability("spectral.matern_kernel")
    def matern_kernel(self, tau: Any, lengthscale: float, smoothness: float) -> np.ndarray:
        import gpytorch
        import torch

        x1 = self._t(tau).reshape(-1, 1)
        kernel = gpytorch.kernels.MaternKernel(nu=float(smoothness)).to(dtype=x1.dtype, device=x1.device)
        kernel.lengthscale = torch.tensor(float(lengthscale), dtype=x1.dtype, device=x1.device)
        x2 = torch.zeros(1, 1, dtype=x1.dtype, device=x1.device)
        with torch.no_grad():
            return to_numpy(kernel.forward(x1, x2).reshape(-1)).reshape(np.shape(tau))

    @capability("spectral.sm_kernel_nd")
    def sm_kernel_nd(self, tau: Any, weights: Any, means: Any, scales: Any) -> np.ndarray:
        import torch

        tau_t = self._t(tau)
        kernel = self._sm(weights, means, scales, tau_t.shape[-1])
        x2 = torch.zeros(1, tau_t.shape[-1], dtype=tau_t.dtype, device=tau_t.device)
        with torch.no_grad():
            return to_numpy(kernel.forward(tau_t, x2).reshape(-1))

    def _kron(self, factors: Any):
        from linear_operator.operators import DenseLinearOperator, KroneckerProductLinearOperator

        return KroneckerProductLinearOperator(*[DenseLinearOperator(self._t(f)) for f in factors])

    @capability("spectral.kronecker_matvec")
    def kronecker_matvec(self, factors: Any, v: Any) -> np.ndarray:
        import torch

        with torch.no_grad():
            return to_numpy(self._kron(factors) @ self._t(v))

    @capability("spectral.kronecker_solve")
    def kronecker_solve(self, factors: Any, y: Any, noise: float) -> np.ndarray:
        import torch

        operator = self._kron(factors)
        rhs = self._t(y).reshape(-1, 1)
        with torch.no_grad():
            if noise:
                operator = operator.add_diagonal(torch.tensor(float(noise), dtype=rhs.dtype, device=rhs.device))
            return to_numpy(operator.solve(rhs)).reshape(-1)

    @capability("spectral.kronecker_logdet")
    def kronecker_logdet(self, factors: Any, noise: float) -> float:
        import torch

        operator = self._kron(factors)
        with torch.no_grad():
            if noise:
                operator = operator.add_diagonal(torch.tensor(float(noise), dtype=operator.dtype,
                                                              device=operator.device))
            return float(operator.logdet())
