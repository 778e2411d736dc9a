"""asv benchmarks for bridges: Light SB fit time and quality (track_), kernel times, the closed-form error, Sinkhorn.

- ``LightSBFit.time_fit``: 1000 Adam steps (K = 50, batch 128, float32) on assay's mixture benchmark;
  ``track_cbw2_uvp``: cBW2²-UVP (%) after a full 10 000-step fit with the table's settings (exact model moments,
  1000 test points) — the quality number the docs table reports, tracked per commit (smaller is better);
- ``LightSBKernels.time_*``: conditional sampling, the drift and a 100-step SDE for 10 000 points at D = 64;
- ``GaussianClosedForm``: the torch closed form against the mpmath reference — time and ``track_max_error_eps``;
- ``Sinkhorn``: assay's log-domain Sinkhorn and POT's ``ot.sinkhorn(method="sinkhorn_log")`` on the same 1000 points.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

_LR = {0.1: 3e-2, 1.0: 1e-2, 10.0: 6e-2}
_BATCH = {0.1: 2048, 1.0: 128, 10.0: 128}


def _pools(dim, eps, size=2**15):
    import torch

    from assay.reference.bridges import mixture_benchmark

    bench = mixture_benchmark(dim, eps, seed=0)
    return (bench, torch.tensor(bench.sample_p0(size, 1), dtype=torch.float32),
            torch.tensor(bench.sample_p1(size, 2), dtype=torch.float32))


class LightSBFit:
    params: ClassVar = ([2, 16, 64], [1.0])
    param_names: ClassVar = ["dim", "epsilon"]
    timeout = 900

    def setup(self, dim, eps):
        self.bench, self.x0, self.x1 = _pools(dim, eps)

    def time_fit(self, dim, eps):
        from assay.kernels.bridges import LightSB

        LightSB(dim, 50, eps, dtype=self.x0.dtype).fit(self.x0, self.x1, steps=1000, lr=_LR[eps], progress=False)

    def peakmem_fit(self, dim, eps):
        self.time_fit(dim, eps)

    def track_cbw2_uvp(self, dim, eps):
        import torch

        from assay.kernels.bridges import LightSB
        from assay.reference.bridges import cbw2_uvp

        model = LightSB(dim, 50, eps, dtype=torch.float32)
        model.fit(self.x0, self.x1, steps=10_000, batch_size=_BATCH[eps], lr=_LR[eps], schedule="cosine",
                  progress=False)
        x = self.bench.sample_p0(1000, 7)
        true_means, true_covs = self.bench.conditional_moments(x)
        with torch.no_grad():
            means, covs = model.double().conditional_moments(torch.tensor(x))
        return cbw2_uvp(means.numpy(), covs.numpy(), true_means, true_covs, self.bench.target_moments(100_000, 11)[1])


class LightSBKernels:
    params: ClassVar = ([64],)
    param_names: ClassVar = ["dim"]

    def setup(self, dim):
        import torch

        from assay.kernels.bridges import LightSB
        from assay.reference.bridges import mixture_benchmark

        bench = mixture_benchmark(dim, 1.0, seed=0)
        log_alpha, r, S = bench.light_sb_parameters()
        self.model = LightSB.from_parameters(log_alpha, r, np.diagonal(S, axis1=1, axis2=2), 1.0,
                                             dtype=torch.float32)
        self.x = torch.tensor(bench.sample_p0(10_000, 3), dtype=torch.float32)

    def time_conditional_sample(self, dim):
        self.model.sample(self.x, 0)

    def time_drift(self, dim):
        import torch

        with torch.no_grad():
            self.model.drift(self.x, 0.5)

    def time_sde_100_steps(self, dim):
        self.model.sde_sample(self.x, 100, 0)


class GaussianClosedForm:
    params: ClassVar = ([2, 8], [0.1, 1.0, 10.0])
    param_names: ClassVar = ["dim", "epsilon"]

    def setup(self, dim, eps):
        import torch

        rng = np.random.default_rng(dim)
        x, y = rng.standard_normal((dim, dim)), rng.standard_normal((dim, dim))
        self.A, self.B = x @ x.T + np.eye(dim), y @ y.T + np.eye(dim)
        self.tA, self.tB = torch.tensor(self.A), torch.tensor(self.B)

    def time_entropic_cross_covariance(self, dim, eps):
        from assay.kernels.bridges import entropic_cross_covariance

        entropic_cross_covariance(self.tA, self.tB, eps)

    def track_max_error_eps(self, dim, eps):
        from assay.kernels.bridges import entropic_cross_covariance
        from assay.reference.bridges import gaussian_bridge
        from assay.reference.bridges._mp import to_float_array

        got = entropic_cross_covariance(self.tA, self.tB, eps).numpy()
        ref = to_float_array(gaussian_bridge(np.zeros(dim), self.A, np.zeros(dim), self.B, eps, dps=30).C)
        return float(np.max(np.abs(got - ref)) / np.max(np.abs(ref)) / 2.0**-52)


class Sinkhorn:
    params: ClassVar = ([1.0],)
    param_names: ClassVar = ["epsilon"]

    def setup(self, eps):
        import torch

        rng = np.random.default_rng(0)
        self.x, self.y = rng.standard_normal((1000, 2)), rng.standard_normal((1000, 2)) + 1
        self.tx, self.ty = torch.tensor(self.x), torch.tensor(self.y)

    def time_assay_sinkhorn(self, eps):
        from assay.kernels.bridges import sinkhorn_plan

        sinkhorn_plan(self.tx, self.ty, eps, tol=1e-9)

    def time_pot_sinkhorn(self, eps):
        import ot

        ot.sinkhorn(ot.unif(1000), ot.unif(1000), ot.dist(self.x, self.y), reg=2 * eps, method="sinkhorn_log",
                    stopThr=1e-9)
