"""assay's own optics under test: its lenses (reference), its instrumented interpreter, its torch AD lenses.

- ``optics.make_lens`` / ``optics.compose``: lens construction and composition from :mod:`assay.reference.optics`.
- ``optics.checkpoint_counts``: the counts of assay's instrumented lens/optic interpreter (the model the closed forms
  describe) on the checkpointed composite of ``n`` primitive lenses.
- ``optics.checkpointed_vjp``: the torch AD lenses of :mod:`assay.kernels.optics`.
- ``optics.lens_laws`` is not provided: assay has no zoo of lens kinds to vouch for.

Options: ``dtype`` (float64, float32), ``device``.
"""

from __future__ import annotations

import numpy as np

from assay.conformance.adapters._torch import check_dtype, to_numpy, to_tensor
from assay.conformance.adapters.protocol import Adapter, capability

__all__ = ["OpticsBuiltin"]


class OpticsBuiltin(Adapter):
    """assay's optics (see the module docstring)."""

    name = "builtin-optics"

    def __init__(self, dtype: str = "float64", device: str = "cpu") -> None:
        import torch

        self.dtype = check_dtype(dtype)
        self.device = str(torch.device(device))
        self.conventions = {}

    @capability("optics.make_lens")
    def make_lens(self, get, put):
        from assay.reference.optics.lens import primitive_lens

        lens = primitive_lens(get, put, name="builtin")
        return lens.get, lens.put

    @capability("optics.compose")
    def compose(self, first, second):
        from assay.reference.optics.lens import compose_lenses, primitive_lens

        lens = compose_lenses(primitive_lens(first.get, first.put, first.name),
                              primitive_lens(second.get, second.put, second.name))
        return lens.get, lens.put

    @capability("optics.checkpoint_counts", note="assay's instrumented lens/optic interpreter")
    def checkpoint_counts(self, n: int, scheme: str, k: int) -> dict:
        """Counts of assay's instrumented interpreter on the checkpointed composite of ``n`` primitive lenses."""
        from assay.kernels.optics.checkpoint import model_segments
        from assay.reference.optics.ad import Primitive, primitive_lenses
        from assay.reference.optics.chains import checkpointed
        from assay.reference.optics.cost import measure_run

        segments = model_segments(scheme, n, k)
        lenses = primitive_lenses([Primitive("sin", (2,))] * n)
        cost = measure_run(checkpointed(lenses, segments), np.linspace(0.1, 0.2, 2), np.ones(2)).counts()
        return {"segments": segments, "gets": cost.gets, "stored": cost.stored, "peak": cost.peak}

    @capability("optics.checkpointed_vjp")
    def checkpointed_vjp(self, chain, x, cotangent, k: int):
        from assay.kernels.optics.ad import vjp_as_checkpointed

        _, gradient = vjp_as_checkpointed(chain, to_tensor(x, self.dtype, self.device),
                                          to_tensor(cotangent, self.dtype, self.device), k)
        return to_numpy(gradient)
