"""asv benchmarks for the spectral domain: kernel evaluation, Kronecker algebra, their accuracy and FLOP counts.

- ``Kernels.time_*``: the spectral mixture and Student-t mixture kernels (order 0 and 2) on 10⁵ lags, Q = 30
  components (float64, CPU); ``track_max_error_eps_*``: their largest error against the mpmath closed form on 200
  lags, in units of ε relative to ``|k^(n)(0)|``.
- ``Kronecker.time_solve_logdet`` / ``peakmem_solve_logdet``: Saatçi solve + log det on ``n × n`` grids;
  ``track_dense_rel_error_*``: agreement with a dense Cholesky at 60 × 50; ``track_matvec_flops``: FLOPs of one
  matvec on an ``n × n`` grid (``4 n³`` = ``2 N Σ n_d``, asserted in tests/spectral/test_spectral_kernels.py);
  ``track_solve_flops``: the same for a whole solve.
- ``Kernels.peakmem_*``: peak memory of the kernel evaluations. The kernels have no FLOP track: they are elementwise
  (exponentials and cosines of the lags), which torch's counter does not count.
- ``PDESolve``: the GP-HM style solver on ``poisson1d-sin100`` at 256 points, 2 rounds of 20 kernel steps — time and
  the final relative L2 error (the full table is ``benchmarks/spectral_pde.py``). Minutes on a loaded machine, so
  it is not part of the recorded history (``benchmarks/record_history.py``).
"""

from __future__ import annotations

from typing import ClassVar


def _factor(n: int, jitter: float = 0.0):
    import torch

    from assay.kernels.spectral import spectral_mixture_kernel

    x = torch.linspace(0, 1, n, dtype=torch.float64)
    return spectral_mixture_kernel(x[:, None] - x[None, :], [1.0], [2.0], [0.5]) + jitter * torch.eye(
        n, dtype=torch.float64)


class Kernels:
    """Spectral mixture and Student-t kernels on 10⁵ lags, Q = 30."""

    params: ClassVar = ([0, 2],)
    param_names: ClassVar = ["order"]

    def setup(self, order):
        import torch

        generator = torch.Generator().manual_seed(0)
        self.tau = torch.rand(100_000, dtype=torch.float64, generator=generator) * 4 - 2
        self.w = torch.rand(30, dtype=torch.float64, generator=generator) + 0.1
        self.mu = torch.rand(30, dtype=torch.float64, generator=generator) * 4
        self.s = torch.rand(30, dtype=torch.float64, generator=generator) + 0.1

    def time_spectral_mixture(self, order):
        from assay.kernels.spectral import spectral_mixture_kernel

        spectral_mixture_kernel(self.tau, self.w, self.mu, self.s, order=order)

    def time_student_t_mixture(self, order):
        from assay.kernels.spectral import student_t_mixture_kernel

        student_t_mixture_kernel(self.tau, self.w, self.mu, self.s, nu=5, order=order)

    def peakmem_spectral_mixture(self, order):
        self.time_spectral_mixture(order)

    def peakmem_student_t_mixture(self, order):
        self.time_student_t_mixture(order)

    def _error(self, kind, order):
        import numpy as np
        import torch

        from assay.kernels.spectral import spectral_mixture_kernel, student_t_mixture_kernel
        from assay.reference.spectral import GaussianMixture, StudentTMixture, covariance_derivative

        w, mu, s = [0.5, 1.5], [1.0, 3.0], [0.3, 0.7]
        tau = np.linspace(-2, 2, 200)
        if kind == "gaussian":
            mixture = GaussianMixture(w, mu, s)
            got = spectral_mixture_kernel(torch.tensor(tau), w, mu, s, order=order).numpy()
        else:
            mixture = StudentTMixture(w, mu, s, 5)
            got = student_t_mixture_kernel(torch.tensor(tau), w, mu, s, nu=5, order=order).numpy()
        expected = np.array([float(covariance_derivative(mixture, t, order, dps=20)) for t in tau])
        scale = abs(float(covariance_derivative(mixture, 0, order + order % 2)))
        return float(np.max(np.abs(got - expected)) / scale / np.finfo(np.float64).eps)

    def track_max_error_eps_spectral_mixture(self, order):
        return self._error("gaussian", order)

    def track_max_error_eps_student_t(self, order):
        return self._error("student_t", order)


class Kronecker:
    """Saatçi solve + log det of K1 ⊗ K2 + 1e-2 I on n × n grids."""

    params: ClassVar = ([100, 300],)
    param_names: ClassVar = ["n"]
    timeout = 300

    def setup(self, n):
        import torch

        self.factors = [_factor(n), _factor(n)]
        self.y = torch.randn(n * n, dtype=torch.float64, generator=torch.Generator().manual_seed(0))

    def time_solve_logdet(self, n):
        from assay.kernels.spectral import kron_eigh, kron_logdet, kron_solve

        eigen = kron_eigh(self.factors)
        kron_solve(eigen, self.y, 1e-2)
        kron_logdet(eigen, 1e-2)

    def peakmem_solve_logdet(self, n):
        self.time_solve_logdet(n)

    def track_matvec_flops(self, n):
        from assay.core.flops import count_flops
        from assay.kernels.spectral import kron_matvec

        return count_flops(kron_matvec, self.factors, self.y)

    track_matvec_flops.unit = "FLOPs"

    def track_solve_flops(self, n):
        """FLOPs of the solve from the factors' eigendecompositions (the products with the eigenvectors; the
        ``eigh`` itself is not a counted operator)."""
        from assay.core.flops import count_flops
        from assay.kernels.spectral import kron_solve

        return count_flops(kron_solve, self.factors, self.y, 1e-2)

    track_solve_flops.unit = "FLOPs"


class KroneckerAccuracy:
    """Agreement of the Kronecker solve and log det with a dense Cholesky on a 60 × 50 grid."""

    def setup(self):
        import torch

        self.factors = [_factor(60), _factor(50)]
        self.y = torch.randn(3000, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
        dense = torch.kron(*self.factors) + 1e-2 * torch.eye(3000, dtype=torch.float64)
        lower = torch.linalg.cholesky(dense)
        self.x = torch.cholesky_solve(self.y[:, None], lower).squeeze(-1)
        self.logdet = float(2 * torch.log(torch.diagonal(lower)).sum())

    def track_dense_rel_error_solve(self):
        from assay.kernels.spectral import kron_solve

        x = kron_solve(self.factors, self.y, 1e-2)
        return float((x - self.x).abs().max() / self.x.abs().max())

    def track_dense_rel_error_logdet(self):
        from assay.kernels.spectral import kron_logdet

        return abs(float(kron_logdet(self.factors, 1e-2)) - self.logdet) / abs(self.logdet)


class PDESolve:
    """A short GP-HM style solve: ``poisson1d-sin100`` on 256 points, 2 rounds × 20 kernel steps, Student-t."""

    timeout = 600

    def _solve(self):
        from assay.kernels.spectral.pde import solve_pde

        return solve_pde("poisson1d-sin100", 256, rounds=2, kernel_steps=20, init_steps=50)

    def time_solve(self):
        self._solve()

    def track_relative_l2(self):
        return float(self._solve().relative_l2)

    track_relative_l2.unit = "relative L2"
