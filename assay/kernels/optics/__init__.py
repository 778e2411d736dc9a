"""Torch kernels for the optics domain: AD chains as optics/lenses and measured activation checkpointing.

- :mod:`.ad`: :func:`torch_primitive_lens`, :func:`torch_chain_lenses`, :func:`chain_function`,
  :func:`vjp_as_optic`, :func:`vjp_as_lens`, :func:`vjp_as_checkpointed`;
- :mod:`.checkpoint`: :func:`measure_torch_chain` (hook counts of ``torch.utils.checkpoint``),
  :func:`checkpoint_sequential_segments`, :func:`model_segments`, :func:`closed_form_for`.
"""

from .ad import (
    chain_function,
    torch_chain_lenses,
    torch_primitive_lens,
    vjp_as_checkpointed,
    vjp_as_lens,
    vjp_as_optic,
)
from .checkpoint import (
    SCHEMES,
    TorchRunCounts,
    checkpoint_sequential_segments,
    closed_form_for,
    measure_torch_chain,
    model_segments,
)

__all__ = [
    "SCHEMES",
    "TorchRunCounts",
    "chain_function",
    "checkpoint_sequential_segments",
    "closed_form_for",
    "measure_torch_chain",
    "model_segments",
    "torch_chain_lenses",
    "torch_primitive_lens",
    "vjp_as_checkpointed",
    "vjp_as_lens",
    "vjp_as_optic",
]
