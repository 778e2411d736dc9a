"""asv benchmarks: the Gaunt tensor product by every route (time, peak memory), its error and its FLOP counts.

Cases: float32 on the CPU, batch 4096, C channels, degrees ``L1 = L2 = Lout = L`` in e3nn's ``mul_ir`` layout —
the setting of ``benchmarks/gaunt_table.py`` (which prints all routes side by side with ratios). Peers: e3nn's
``o3.TensorProduct`` with every Gaunt path (``"uuu"``, path weights making it the Gaunt product) and e3nn's S² grid
(``ToS2Grid`` → product → ``FromS2Grid``); they are skipped (``NotImplementedError`` in setup, asv's convention)
when e3nn is missing. ``track_error`` reports ``max |z − z_ref| / (‖x‖‖y‖)`` against the sparse CG route in
float64; ``track_flops`` the FLOPs per channel-row (FlopCounterMode with FFTs; the CG route's exact count).
"""

from __future__ import annotations

from typing import ClassVar

try:  # asv imports the benchmark directory as a package; plain ``python`` may not
    from . import gaunt_table  # the benchmark script holds the route builders
except ImportError:  # pragma: no cover
    import os
    import sys

    sys.path.insert(0, os.path.dirname(__file__))
    import gaunt_table

BATCH = 4096


class GauntTensorProduct:
    """assay's three routes and e3nn's two, float32, batch 4096."""

    params: ClassVar = [["assay fourier", "assay s2grid", "assay cg", "e3nn tp", "e3nn s2grid"], [2, 4, 8], [1, 32]]
    param_names: ClassVar = ["route", "lmax", "channels"]
    timeout = 300

    def setup(self, route, lmax, channels):
        import torch

        if route.startswith("e3nn"):
            try:
                import e3nn  # noqa: F401
            except ImportError as error:  # pragma: no cover - depends on the environment
                raise NotImplementedError("e3nn is not installed") from error
        if route in ("assay cg", "e3nn tp") and lmax == 8 and channels == 32:
            raise NotImplementedError("too slow for an asv run (see gaunt_table.py)")
        self.x, self.y = gaunt_table._inputs(lmax, channels, BATCH, torch.float32, "cpu")
        self.call, self.to_flat = gaunt_table.build_route(route, lmax, channels, self.x, self.y)
        torch.set_grad_enabled(False)
        self.output = self.call()

    def teardown(self, route, lmax, channels):
        import torch

        torch.set_grad_enabled(True)

    def time_product(self, route, lmax, channels):
        self.call()

    def peakmem_product(self, route, lmax, channels):
        self.call()

    def track_error(self, route, lmax, channels):
        return gaunt_table._error(self.to_flat(self.output), self.x, self.y, lmax, channels)

    track_error.unit = "relative to ‖x‖‖y‖"


class GauntFlops:
    """FLOPs per channel-row of each route (counts, not time)."""

    params: ClassVar = [["assay fourier", "assay s2grid", "assay cg", "e3nn tp", "e3nn s2grid"], [2, 4, 8, 16]]
    param_names: ClassVar = ["route", "lmax"]

    def setup(self, route, lmax):
        if route.startswith("e3nn"):
            try:
                import e3nn  # noqa: F401
            except ImportError as error:  # pragma: no cover
                raise NotImplementedError("e3nn is not installed") from error
            if lmax > 8:
                raise NotImplementedError("e3nn's tensor product takes minutes to build beyond L = 8")

    def track_flops(self, route, lmax):
        return gaunt_table.flops_per_row(route, lmax)

    track_flops.unit = "FLOPs"
