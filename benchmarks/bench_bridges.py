"""asv benchmarks for bridges: Light SB fit time and quality (track_), kernel times, the closed-form error, Sinkhorn.

- ``LightSBFit.time_fit``: 1000 Adam steps (K = 50, batch 128, float32) on assay's mixture benchmark;
  ``track_cbw2_uvp``: cBW2²-UVP (%) after a full 10 000-step fit with the table's settings (exact model moments,
  1000 test points) — the quality number the docs table reports, tracked per commit (smaller is better);
- ``LightSBKernels.time_*``: conditional sampling, the drift and a 100-step SDE for 10 000 points at D = 64;
- ``GaussianClosedForm``: the torch closed form against the mpmath reference — time and ``track_max_error_eps``;
- ``Sinkhorn``: assay's log-domain Sinkhorn and POT's ``ot.sinkhorn(method="sinkhorn_log")`` on the same 1000 points.
- ``peakmem_*`` of every kernel above, ``track_flops*`` (``assay.core.flops.count_flops``: matrix products) of the
  drift, the conditional sampler, the closed form and the Monge map; ``MongeMap.track_max_error_eps`` against the
  mpmath reference; ``BrownianBridge``: bridge sampling of 10 000 pairs (time, peak memory). Sinkhorn has no FLOP
  track: its log-sum-exp iterations are elementwise, which torch's counter does not count.
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
    timeout = 240  # the 100-step SDE of 10 000 points takes tens of seconds on a loaded two-core machine

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

    def peakmem_conditional_sample(self, dim):
        self.model.sample(self.x, 0)

    def peakmem_drift(self, dim):
        self.time_drift(dim)

    def track_flops_drift(self, dim):
        import torch

        from assay.core.flops import count_flops

        with torch.no_grad():
            return count_flops(self.model.drift, self.x, 0.5)

    track_flops_drift.unit = "FLOPs"

    def track_flops_conditional_sample(self, dim):
        import torch

        from assay.core.flops import count_flops

        with torch.no_grad():
            return count_flops(self.model.sample, self.x, 0)

    track_flops_conditional_sample.unit = "FLOPs"


class BrownianBridge:
    """:func:`~assay.kernels.bridges.brownian_bridge_sample` of 10 000 pairs at D = 64 (float64)."""

    def setup(self):
        import torch

        generator = torch.Generator().manual_seed(5)
        self.x0 = torch.randn(10_000, 64, dtype=torch.float64, generator=generator)
        self.x1 = torch.randn(10_000, 64, dtype=torch.float64, generator=generator)

    def time_brownian_bridge_sample(self):
        import torch

        from assay.kernels.bridges import brownian_bridge_sample

        brownian_bridge_sample(self.x0, self.x1, 0.3, 1.0, generator=torch.Generator().manual_seed(0))

    def peakmem_brownian_bridge_sample(self):
        self.time_brownian_bridge_sample()


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

    def peakmem_entropic_cross_covariance(self, dim, eps):
        self.time_entropic_cross_covariance(dim, eps)

    def track_flops(self, dim, eps):
        from assay.core.flops import count_flops
        from assay.kernels.bridges import entropic_cross_covariance

        return count_flops(entropic_cross_covariance, self.tA, self.tB, eps)

    track_flops.unit = "FLOPs"

    def track_max_error_eps(self, dim, eps):
        from assay.kernels.bridges import entropic_cross_covariance
        from assay.reference.bridges import gaussian_bridge
        from assay.reference.bridges._mp import to_float_array

        got = entropic_cross_covariance(self.tA, self.tB, eps).numpy()
        ref = to_float_array(gaussian_bridge(np.zeros(dim), self.A, np.zeros(dim), self.B, eps, dps=30).C)
        return float(np.max(np.abs(got - ref)) / np.max(np.abs(ref)) / 2.0**-52)


class MongeMap:
    """The Gaussian OT map's matrix ``A^{−½}(A^{½} B A^{½})^{½} A^{−½}`` (torch) against the mpmath reference."""

    params: ClassVar = ([2, 8],)
    param_names: ClassVar = ["dim"]

    def setup(self, dim):
        import torch

        rng = np.random.default_rng(100 + dim)
        x, y = rng.standard_normal((dim, dim)), rng.standard_normal((dim, dim))
        self.A, self.B = x @ x.T + np.eye(dim), y @ y.T + np.eye(dim)
        self.tA, self.tB = torch.tensor(self.A), torch.tensor(self.B)

    def time_monge_map_matrix(self, dim):
        from assay.kernels.bridges import monge_map_matrix

        monge_map_matrix(self.tA, self.tB)

    def peakmem_monge_map_matrix(self, dim):
        self.time_monge_map_matrix(dim)

    def track_flops(self, dim):
        from assay.core.flops import count_flops
        from assay.kernels.bridges import monge_map_matrix

        return count_flops(monge_map_matrix, self.tA, self.tB)

    track_flops.unit = "FLOPs"

    def track_max_error_eps(self, dim):
        """``max |M − M_ref| / max |M_ref|`` in ε (float64), the reference at 30 digits."""
        from assay.kernels.bridges import monge_map_matrix
        from assay.reference.bridges import monge_map
        from assay.reference.bridges._mp import to_float_array

        got = monge_map_matrix(self.tA, self.tB).numpy()
        ref = to_float_array(monge_map(np.zeros(len(self.A)), self.A, np.zeros(len(self.B)), self.B, dps=30)[0])
        return float(np.max(np.abs(got - ref)) / np.max(np.abs(ref)) / 2.0**-52)

    track_max_error_eps.unit = "eps"


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

    def peakmem_assay_sinkhorn(self, eps):
        self.time_assay_sinkhorn(eps)

    def time_pot_sinkhorn(self, eps):
        import ot

        ot.sinkhorn(ot.unif(1000), ot.unif(1000), ot.dist(self.x, self.y), reg=2 * eps, method="sinkhorn_log",
                    stopThr=1e-9)
