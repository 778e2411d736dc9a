"""Measure torch's activation checkpointing with hooks and compare it with the lens/optic closed forms.

A chain of ``n`` layers runs forward then backward under one of three schemes:

- ``"autograd"``: plain autograd — every layer saves what its backward needs (the optic chain);
- ``"checkpoint"``: consecutive segments of ``k`` layers, each wrapped in
  ``torch.utils.checkpoint.checkpoint(…, use_reentrant=False)`` — the mixed composite ``F(s1) ; … ; F(sm)``;
- ``"checkpoint_sequential"``: ``torch.utils.checkpoint.checkpoint_sequential(layers, segments, x,
  use_reentrant=False)``, which checkpoints all segments but the last and runs the last one plainly — the same
  mixed composite with segment lengths :func:`checkpoint_sequential_segments` (the last segment split into single
  layers, each stored).

Counted with hooks: module forward hooks (post) count completed layer forwards in each pass, forward pre-hooks
count started ones, and ``torch.autograd.graph.saved_tensors_hooks`` counts the tensors (and bytes) packed for
backward — the residuals. Non-reentrant checkpointing stops a recomputation as soon as the last tensor it needs has
been re-saved (``torch.utils.checkpoint.set_checkpoint_early_stop``, on by default); the last layer of a segment
saves its input while it runs and is stopped there, so its forward starts but never completes: post-hooks then
count the closed form ``2n − m``, pre-hooks count ``2n``.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral

import torch
from torch.utils.checkpoint import checkpoint, checkpoint_sequential

from assay.reference.optics.chains import MAX_LENGTH, segment_lengths
from assay.reference.optics.cost import ChainCost, segmented_cost

__all__ = [
    "LAYERS",
    "SCHEMES",
    "TorchRunCounts",
    "checkpoint_sequential_segments",
    "closed_form_for",
    "measure_torch_chain",
    "model_segments",
]

#: The largest chain :func:`measure_torch_chain` builds (one module per layer) and the largest width; their
#: product is bounded by ``MAX_ELEMENTS`` (the activations of one run).
MAX_LAYERS = 100_000
MAX_WIDTH = 1 << 20
MAX_ELEMENTS = 1 << 26
#: Schemes :func:`measure_torch_chain` runs.
SCHEMES = ("autograd", "checkpoint", "checkpoint_sequential")
#: Elementwise layers whose backward saves exactly one tensor of the layer's width (sin saves its input, the others
#: their output), so torch's saved-tensor count is comparable with the residual count of the model.
LAYERS = {"sin": torch.sin, "tanh": torch.tanh, "exp": torch.exp, "sigmoid": torch.sigmoid}


class _Elementwise(torch.nn.Module):
    def __init__(self, function: str) -> None:
        super().__init__()
        self.function = LAYERS[function]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.function(x)


@dataclass(frozen=True)
class TorchRunCounts:
    """Hook counts of one forward-then-backward run of a torch chain."""

    scheme: str
    n: int
    k: int | None
    forward_completed: int
    recompute_completed: int
    recompute_started: int
    saved_tensors: int
    saved_bytes: int
    tensor_bytes: int

    @property
    def gets(self) -> int:
        """Completed layer forwards over both passes (forward hooks)."""
        return self.forward_completed + self.recompute_completed

    @property
    def started(self) -> int:
        """Started layer forwards over both passes (forward pre-hooks)."""
        return self.forward_completed + self.recompute_started

    def as_cost(self) -> tuple[int, int]:
        """``(gets, stored)`` in the model's units: stored = saved bytes / bytes of one activation."""
        return self.gets, self.saved_bytes // self.tensor_bytes


def _check_int(value: object, name: str) -> int:
    """A positive int (numpy integers accepted), else a ``TypeError``/``ValueError`` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")
    return int(value)


def _check_scheme(scheme: object) -> None:
    if not isinstance(scheme, str):
        raise TypeError(f"scheme must be a str, one of {', '.join(SCHEMES)}; got {type(scheme).__name__}")
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {', '.join(SCHEMES)}; got {scheme!r}")


def checkpoint_sequential_segments(n: int, segments: int) -> list[int]:
    """The segment lengths of the composite that ``checkpoint_sequential(layers, segments, x)`` runs.

    torch checkpoints ``segments − 1`` segments of ``⌊n / segments⌋`` layers and runs the rest plainly, i.e. as
    single stored layers: ``[s] * (segments − 1) + [1] * (n − s·(segments − 1))`` with ``s = ⌊n / segments⌋``.
    """
    n = _check_int(n, "n")
    if n > MAX_LENGTH:
        raise ValueError(f"n must be <= {MAX_LENGTH}, got {n}")
    if isinstance(segments, bool) or not isinstance(segments, Integral):
        raise TypeError(f"segments must be an int, got {type(segments).__name__}")
    if not 1 <= segments <= n:
        raise ValueError(f"segments must satisfy 1 <= segments <= n = {n}, got {segments}")
    size = n // segments
    return [size] * (segments - 1) + [1] * (n - size * (segments - 1))


def model_segments(scheme: str, n: int, k: int | None) -> list[int]:
    """The model segmentation of a torch scheme (``k`` = layers per segment, ``1 <= k <= n``; ``autograd`` takes
    no ``k``)."""
    _check_scheme(scheme)
    n = _check_int(n, "n")
    if n > MAX_LENGTH:
        raise ValueError(f"n must be <= {MAX_LENGTH}, got {n}")
    if scheme == "autograd":
        if k is not None:
            _check_int(k, "k")
        return [1] * n
    if k is None:
        raise ValueError(f"scheme {scheme!r} needs k, the number of layers per segment")
    k = _check_int(k, "k")
    if k > n:
        raise ValueError(f"k must satisfy 1 <= k <= n = {n}, got {k}")
    if scheme == "checkpoint":
        return segment_lengths(n, k)
    return checkpoint_sequential_segments(n, -(-n // k))


def measure_torch_chain(
    n: int,
    scheme: str,
    k: int | None = None,
    width: int = 8,
    layer: str = "sin",
    dtype: torch.dtype = torch.float64,
    early_stop: bool = True,
) -> TorchRunCounts:
    """Run ``n`` elementwise ``layer`` modules on a vector of ``width`` forward then backward, and count.

    ``k`` is the number of layers per segment (``checkpoint``: ``⌈n/k⌉`` segments; ``checkpoint_sequential``:
    ``segments = ⌈n/k⌉``). ``early_stop=False`` turns off non-reentrant early stopping for the run.
    """
    _check_scheme(scheme)
    if not isinstance(layer, str):
        raise TypeError(f"layer must be a str, one of {', '.join(LAYERS)}; got {type(layer).__name__}")
    if layer not in LAYERS:
        raise ValueError(f"layer must be one of {', '.join(LAYERS)}; got {layer!r}")
    n = _check_int(n, "n")
    if n > MAX_LAYERS:
        raise ValueError(f"n must be <= MAX_LAYERS = {MAX_LAYERS}, got {n}")
    width = _check_int(width, "width")
    if width > MAX_WIDTH or n * width > MAX_ELEMENTS:
        raise ValueError(f"width must be <= {MAX_WIDTH} with n * width <= {MAX_ELEMENTS}, got width = {width} "
                         f"and n = {n}")
    if not isinstance(dtype, torch.dtype):
        raise TypeError(f"dtype must be a torch.dtype, got {type(dtype).__name__}")
    if not dtype.is_floating_point:
        raise ValueError(f"dtype must be a floating dtype, got {dtype}")
    if not isinstance(early_stop, bool):
        raise TypeError(f"early_stop must be a bool, got {type(early_stop).__name__}")
    model_segments(scheme, n, k)  # validates k against n
    layers = torch.nn.ModuleList(_Elementwise(layer) for _ in range(n))
    started = [0]
    completed = [0]
    for module in layers:
        module.register_forward_pre_hook(lambda m, args: started.__setitem__(0, started[0] + 1))
        module.register_forward_hook(lambda m, args, out: completed.__setitem__(0, completed[0] + 1))
    saved = [0, 0]

    def pack(tensor: torch.Tensor) -> torch.Tensor:
        saved[0] += 1
        saved[1] += tensor.numel() * tensor.element_size()
        return tensor

    x = torch.linspace(-1, 1, width, dtype=dtype).requires_grad_(True)
    with (
        torch.utils.checkpoint.set_checkpoint_early_stop(early_stop),  # read when checkpoint() runs forward
        torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor),
    ):
        if scheme == "autograd":
            y = x
            for module in layers:
                y = module(y)
        elif scheme == "checkpoint":
            y = x
            for start in range(0, n, k):
                segment = torch.nn.Sequential(*layers[start : start + k])
                y = checkpoint(segment, y, use_reentrant=False)
        else:
            y = checkpoint_sequential(torch.nn.Sequential(*layers), -(-n // k), x, use_reentrant=False)
    forward_completed, forward_started = completed[0], started[0]
    torch.autograd.grad(y.sum(), x)
    return TorchRunCounts(
        scheme,
        n,
        k,
        forward_completed,
        completed[0] - forward_completed,
        started[0] - forward_started,
        saved[0],
        saved[1],
        width * torch.tensor([], dtype=dtype).element_size(),
    )


def closed_form_for(scheme: str, n: int, k: int | None) -> ChainCost:
    """The model's closed form (:func:`~assay.reference.optics.cost.segmented_cost`) for the segmentation torch
    runs under ``scheme``."""
    return segmented_cost(model_segments(scheme, n, k))
