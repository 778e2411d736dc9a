"""asv benchmarks for optics: counts of recomputation and memory (track_), AD chains against torch.autograd (time_).

- ``ChainCounts.track_*``: gets, stored and peak of an instrumented forward+backward run of a chain of ``n`` lenses
  for each scheme (``checkpoint`` with ``k = √n``); they equal the closed forms, so a change is a behaviour change.
- ``TorchCheckpointCounts.track_*``: torch.utils.checkpoint measured with forward hooks and saved_tensors_hooks.
- ``ADChain.time_*``: one VJP of a chain of ``n`` affine+tanh layers of width ``w`` (float64, CPU) as an optic
  (stored residuals), as a lens (recomputation), checkpointed (``k = √n``), with torch.autograd.grad and with
  torch.func.vjp; ``peakmem_*`` the peak memory of the same calls; ``track_max_relative_error_*`` the agreement with
  torch.autograd (relative to the largest entry).

The optics kernels' complexity is tracked by the counts above (gets = forward evaluations, stored residuals, peak),
not FLOPs: their layers are matrix-vector products, which torch's FLOP counter does not count.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np


def _counter_lenses(n):
    from assay.reference.optics import primitive_lens

    return [primitive_lens(lambda x, i=i: x + i, lambda x, c: 3 * c + x, name=f"l{i}") for i in range(n)]


class ChainCounts:
    """Instrumented counts of a chain of n lenses under each composition scheme."""

    params: ClassVar = (["lens-right", "lens-left", "optic", "checkpoint-sqrt"], [16, 64])
    param_names: ClassVar = ["scheme", "n"]

    def setup(self, scheme, n):
        from assay.reference.optics import checkpointed, left_nested, measure_run, optic_chain, right_nested

        lenses = _counter_lenses(n)
        composite = {
            "lens-right": right_nested,
            "lens-left": left_nested,
            "optic": optic_chain,
            "checkpoint-sqrt": lambda ls: checkpointed(ls, math.isqrt(n)),
        }[scheme](lenses)
        self.counts = measure_run(composite, 0, 1).counts()

    def track_gets(self, scheme, n):
        return self.counts.gets

    def track_stored(self, scheme, n):
        return self.counts.stored

    def track_peak(self, scheme, n):
        return self.counts.peak


class TorchCheckpointCounts:
    """torch.utils.checkpoint on 64 sin layers with k layers per segment, counted with hooks."""

    params: ClassVar = (["autograd", "checkpoint", "checkpoint_sequential"], [2, 8, 32])
    param_names: ClassVar = ["scheme", "k"]

    def setup(self, scheme, k):
        from assay.kernels.optics import measure_torch_chain

        self.counts = measure_torch_chain(64, scheme, k)

    def track_gets(self, scheme, k):
        return self.counts.gets

    def track_saved_tensors(self, scheme, k):
        return self.counts.saved_tensors

    def track_saved_bytes(self, scheme, k):
        return self.counts.saved_bytes


class ADChain:
    """One VJP of n (affine, tanh) pairs of width w, as optic / lens / checkpointed composites and with torch."""

    params: ClassVar = ([8, 32], [64, 256])
    param_names: ClassVar = ["n", "width"]
    timeout = 120

    def setup(self, n, width):
        import torch

        from assay.reference.optics import Primitive

        rng = np.random.default_rng(0)
        chain = []
        for _ in range(n):
            weight = rng.uniform(-1, 1, (width, width)) / math.sqrt(width)
            chain += [Primitive("affine", (width,), (weight, rng.uniform(-1, 1, width))), Primitive("tanh", (width,))]
        self.chain = chain
        self.x = torch.as_tensor(rng.uniform(-1, 1, width))
        self.cotangent = torch.as_tensor(rng.uniform(-1, 1, width))
        self.k = max(1, math.isqrt(len(chain)))
        from assay.kernels.optics import chain_function

        self.function = chain_function(chain)

    def time_optic(self, n, width):
        from assay.kernels.optics import vjp_as_optic

        vjp_as_optic(self.chain, self.x, self.cotangent)

    def time_lens(self, n, width):
        from assay.kernels.optics import vjp_as_lens

        vjp_as_lens(self.chain, self.x, self.cotangent)

    def time_checkpointed(self, n, width):
        from assay.kernels.optics import vjp_as_checkpointed

        vjp_as_checkpointed(self.chain, self.x, self.cotangent, self.k)

    def time_torch_autograd(self, n, width):
        import torch

        leaf = self.x.clone().requires_grad_(True)
        torch.autograd.grad(self.function(leaf), leaf, self.cotangent)

    def time_torch_func_vjp(self, n, width):
        import torch

        _, vjp = torch.func.vjp(self.function, self.x)
        vjp(self.cotangent)

    def _error(self, run):
        import torch

        leaf = self.x.clone().requires_grad_(True)
        (expected,) = torch.autograd.grad(self.function(leaf), leaf, self.cotangent)
        _, actual = run(self.chain, self.x, self.cotangent)
        expected_np = expected.numpy()
        from assay.core.errors import relative_error

        return float(np.max(relative_error(actual.numpy(), expected_np, scale=np.max(np.abs(expected_np)))))

    def peakmem_optic(self, n, width):
        self.time_optic(n, width)

    def peakmem_lens(self, n, width):
        self.time_lens(n, width)

    def peakmem_checkpointed(self, n, width):
        self.time_checkpointed(n, width)

    def peakmem_torch_autograd(self, n, width):
        self.time_torch_autograd(n, width)

    def track_max_relative_error_optic(self, n, width):
        from assay.kernels.optics import vjp_as_optic

        return self._error(vjp_as_optic)

    def track_max_relative_error_lens(self, n, width):
        from assay.kernels.optics import vjp_as_lens

        return self._error(vjp_as_lens)
