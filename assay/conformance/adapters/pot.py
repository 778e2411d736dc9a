"""POT (Python Optimal Transport, ``ot``) under the bridges chapters.

- ``bridges.entropic_plan``: ``ot.sinkhorn(a, b, M, reg, method="sinkhorn_log")`` with M the squared Euclidean
  distances (``ot.dist``) — POT's convention is ``full_cost`` (cost ‖x − y‖², entropy weight reg = 2ε);
- ``bridges.gaussian_eot`` (dimension 1): POT has no entropic-Gaussian function, so the plan is computed the way a
  POT user would — ``ot.sinkhorn`` between the two Gaussians discretized on 400-point grids over ±9σ — and its
  cross-covariance returned;
- ``bridges.monge_map``: ``ot.gaussian.bures_wasserstein_mapping`` (the linear part; POT applies it to row vectors).

Options: ``stop_thr`` (Sinkhorn's stopping threshold, default 1e-12), ``method`` (``sinkhorn_log``; ``sinkhorn``
is POT's default and underflows at small reg).
"""

from __future__ import annotations

import numpy as np

from assay.conformance.adapters.protocol import Adapter, AdapterUnavailable, capability

__all__ = ["PotAdapter"]


class PotAdapter(Adapter):
    """POT's entropic OT and Gaussian maps (see the module docstring)."""

    name = "pot"

    def __init__(self, stop_thr: float = 1e-12, method: str = "sinkhorn_log") -> None:
        try:
            import ot
        except ImportError as error:  # pragma: no cover - depends on the environment
            raise AdapterUnavailable(f"POT is not installed ({error}); pip install pot") from None
        self._ot = ot
        self.version = ot.__version__
        self.dtype = "float64"
        self.device = "cpu"
        self.conventions = {"bridges.epsilon": "full_cost"}
        self.stop_thr = float(stop_thr)
        self.method = str(method)

    def _sinkhorn(self, a, b, cost, reg):
        return self._ot.sinkhorn(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64), cost, reg=reg,
                                 method=self.method, stopThr=self.stop_thr, numItermax=200_000)

    @capability("bridges.entropic_plan", note="ot.sinkhorn on ot.dist (squared Euclidean), reg = 2ε")
    def entropic_plan(self, x, y, epsilon, a, b):
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        return self._sinkhorn(a, b, self._ot.dist(x, y), float(epsilon))

    @capability("bridges.gaussian_eot", max_dimension=1, note="ot.sinkhorn on 400-point grids (POT has no closed form)")
    def gaussian_eot(self, a, A, b, B, epsilon):
        a, b = float(np.ravel(a)[0]), float(np.ravel(b)[0])
        sa, sb = float(np.sqrt(np.ravel(A)[0])), float(np.sqrt(np.ravel(B)[0]))
        x = np.linspace(a - 9 * sa, a + 9 * sa, 400)
        y = np.linspace(b - 9 * sb, b + 9 * sb, 400)
        p = np.exp(-0.5 * ((x - a) / sa) ** 2)
        q = np.exp(-0.5 * ((y - b) / sb) ** 2)
        p, q = p / p.sum(), q / q.sum()
        plan = self._sinkhorn(p, q, (x[:, None] - y[None, :]) ** 2, float(epsilon))
        return np.array([[np.sum(plan * np.outer(x - p @ x, y - q @ y))]])

    @capability("bridges.monge_map", note="ot.gaussian.bures_wasserstein_mapping")
    def monge_map(self, a, A, b, B):
        linear, _ = self._ot.gaussian.bures_wasserstein_mapping(np.asarray(a, dtype=np.float64),
                                                                 np.asarray(b, dtype=np.float64),
                                                                 np.asarray(A, dtype=np.float64),
                                                                 np.asarray(B, dtype=np.float64))
        return np.asarray(linear).T  # POT maps row vectors: x @ linear
