"""Adapter for torch's activation checkpointing (``torch.utils.checkpoint``) as a lens/optic mixture.

Load it with ``pytest --pyargs assay.conformance
--assay-impl assay.conformance.adapters.optics_torch_checkpoint:TorchCheckpointAdapter``.

Capabilities (signatures in :mod:`assay.conformance.optics.domain`):

- ``optics.checkpoint_counts`` — ``f(n, scheme, k) -> dict`` with ``segments`` (the segmentation torch runs, as
  segment lengths), ``gets`` (completed layer forwards over both passes, from forward hooks) and ``stored``
  (tensors packed for backward, from ``saved_tensors_hooks``, in units of one activation); ``scheme`` is
  ``"checkpoint"`` (every segment of ``k`` layers wrapped in ``checkpoint(use_reentrant=False)``) or
  ``"checkpoint_sequential"`` (``checkpoint_sequential(layers, ⌈n/k⌉, x, use_reentrant=False)``);
- ``optics.checkpointed_vjp`` — ``f(chain, x, cotangent, k) -> gradient``: the vector–Jacobian product of a chain of
  :class:`~assay.reference.optics.ad.Primitive` computed by ``torch.autograd.grad`` through
  ``checkpoint_sequential`` (float64 numpy in and out);

torch is imported when the adapter is built.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assay.conformance.adapters.protocol import Adapter, AdapterUnavailable, capability

__all__ = ["TorchCheckpointAdapter"]


class TorchCheckpointAdapter(Adapter):
    """``torch.utils.checkpoint`` under test (CPU, float64)."""

    name = "torch-checkpoint"
    device = "cpu"
    dtype = "float64"

    def __init__(self, width: str | int = 8, layer: str = "sin") -> None:
        try:
            import torch
        except ImportError as error:  # pragma: no cover - torch is a core dependency
            raise AdapterUnavailable(f"torch is not installed ({error})") from error
        self.version = torch.__version__
        self.width = int(width)
        self.layer = layer

    @capability("optics.checkpoint_counts", note="forward hooks and saved_tensors_hooks")
    def checkpoint_counts(self, n: int, scheme: str, k: int) -> dict[str, Any]:
        from assay.kernels.optics.checkpoint import measure_torch_chain, model_segments

        counts = measure_torch_chain(n, scheme, k, width=self.width, layer=self.layer)
        gets, stored = counts.as_cost()
        return {
            "segments": model_segments(scheme, n, k),
            "gets": gets,
            "stored": stored,
            "started": counts.started,
            "saved_tensors": counts.saved_tensors,
            "saved_bytes": counts.saved_bytes,
        }

    @capability("optics.checkpointed_vjp", note="torch.autograd.grad through checkpoint_sequential")
    def checkpointed_vjp(self, chain: Sequence[Any], x: Any, cotangent: Any, k: int) -> Any:
        import torch
        from torch.utils.checkpoint import checkpoint_sequential

        from assay.kernels.optics.ad import torch_chain_lenses

        class _Layer(torch.nn.Module):
            def __init__(self, get: Any) -> None:
                super().__init__()
                self.get = get

            def forward(self, value: torch.Tensor) -> torch.Tensor:
                return self.get(value)

        layers = torch.nn.Sequential(*(_Layer(lens.get) for lens in torch_chain_lenses(chain)))
        leaf = torch.as_tensor(x, dtype=torch.float64).clone().requires_grad_(True)
        segments = max(1, -(-len(layers) // k))
        output = checkpoint_sequential(layers, segments, leaf, use_reentrant=False)
        (gradient,) = torch.autograd.grad(output, leaf, torch.as_tensor(cotangent, dtype=torch.float64))
        return gradient.numpy()
