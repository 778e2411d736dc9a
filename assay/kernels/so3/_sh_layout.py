"""Flattened layouts of multi-channel spherical-harmonic features, shared by the SO(3) product kernels.

A feature with ``C`` channels and degrees ``0..L`` has ``C·(L+1)²`` numbers. Two flattenings are supported (the
names are e3nn's):

- ``"mul_ir"`` (default, e3nn's default): degree blocks one after another; inside the block of degree l the C
  channels one after another, each holding its ``2l+1`` orders m = −l..l. Flat index ``C·l² + c·(2l+1) + (m+l)``.
  This is e3nn's ``Irreps("C x 0e + C x 1o + C x 2e + …")``.
- ``"ir_mul"``: the same degree blocks, but inside a block the orders are outer and channels inner. Flat index
  ``C·l² + (m+l)·C + c``.

The kernels work on the *stacked* view ``(…, C, (L+1)²)`` with the component index ``l² + l + m``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import torch

__all__ = [
    "LAYOUTS",
    "ProductInputs",
    "channels_of",
    "check_layout",
    "check_product",
    "component_index",
    "degree_of_component",
    "finish_product",
    "flat_positions",
    "flat_weights",
    "prepare_product",
    "stack",
    "unstack",
]

LAYOUTS = ("mul_ir", "ir_mul")


def check_layout(layout: str) -> str:
    if not isinstance(layout, str):
        raise TypeError(f"layout must be a str, got {type(layout).__name__}")
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(repr(name) for name in LAYOUTS)}; got {layout!r}")
    return layout


def component_index(l: int, m: int) -> int:
    """Position of ``(l, m)`` in a single-channel vector of all degrees (see ``harmonic_index``)."""
    from assay.reference.so3.basis import harmonic_index

    return harmonic_index(l, m)


@cache
def _degree_list(lmax: int) -> tuple[int, ...]:
    return tuple(l for l in range(lmax + 1) for _ in range(2 * l + 1))


def degree_of_component(lmax: int, device: torch.device | str = "cpu") -> torch.Tensor:
    """``l`` of each of the ``(L+1)²`` components (int64)."""
    return torch.tensor(_degree_list(lmax), dtype=torch.long, device=device)


@cache
def _flat_positions(lmax: int, channels: int, layout: str) -> tuple[int, ...]:
    """For each stacked position (c, l² + l + m), in row-major order, its index in the flat layout."""
    positions = []
    for c in range(channels):
        for l in range(lmax + 1):
            for m in range(-l, l + 1):
                if layout == "mul_ir":
                    positions.append(channels * l * l + c * (2 * l + 1) + (m + l))
                else:
                    positions.append(channels * l * l + (m + l) * channels + c)
    return tuple(positions)


def flat_positions(lmax: int, channels: int, layout: str) -> tuple[int, ...]:
    """For each stacked position ``(c, l² + l + m)``, in row-major order, its index in the flat ``layout``."""
    return _flat_positions(lmax, channels, layout)


@cache
def _inverse_positions(lmax: int, channels: int, layout: str) -> tuple[int, ...]:
    forward = _flat_positions(lmax, channels, layout)
    inverse = [0] * len(forward)
    for stacked, flat in enumerate(forward):
        inverse[flat] = stacked
    return tuple(inverse)


def _index(values: tuple[int, ...], device: torch.device) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.long, device=device)


def channels_of(x: torch.Tensor, lmax: int, name: str) -> int:
    size = (lmax + 1) ** 2
    if x.dim() == 0 or x.shape[-1] % size or x.shape[-1] == 0:
        raise ValueError(
            f"{name} must have a last dimension that is a positive multiple of (lmax+1)² = {size}, "
            f"got shape {tuple(x.shape)}"
        )
    return x.shape[-1] // size


def stack(x: torch.Tensor, lmax: int, channels: int, layout: str) -> torch.Tensor:
    """Flat ``(…, C·(L+1)²)`` in ``layout`` → stacked ``(…, C, (L+1)²)``."""
    if channels == 1:
        return x.unsqueeze(-2)
    index = _index(_flat_positions(lmax, channels, layout), x.device)
    return x[..., index].reshape(*x.shape[:-1], channels, (lmax + 1) ** 2)


def unstack(z: torch.Tensor, lmax: int, layout: str) -> torch.Tensor:
    """Stacked ``(…, C, (L+1)²)`` → flat ``(…, C·(L+1)²)`` in ``layout``."""
    channels = z.shape[-2]
    flat = z.reshape(*z.shape[:-2], channels * (lmax + 1) ** 2)
    if channels == 1:
        return flat
    return flat[..., _index(_inverse_positions(lmax, channels, layout), z.device)]


@dataclass(frozen=True)
class ProductInputs:
    """Validated operands of a product of two SH features, stacked to ``(N, C, (L+1)²)``."""

    x: torch.Tensor
    y: torch.Tensor
    lmax1: int
    lmax2: int
    lmax_out: int
    channels: int
    batch_shape: tuple[int, ...]
    layout: str


def _check_degree(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return value


def _expand_weights(weights: torch.Tensor | None, lmax: int, channels: int, like: torch.Tensor, name: str):
    """Per-degree weights ``(L+1,)`` or ``(C, L+1)`` → per-component ``(C or 1, (L+1)²)``."""
    if weights is None:
        return None
    if not isinstance(weights, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(weights).__name__}")
    if weights.shape not in ((lmax + 1,), (channels, lmax + 1)):
        raise ValueError(
            f"{name} must have shape ({lmax + 1},) or ({channels}, {lmax + 1}), got {tuple(weights.shape)}"
        )
    weights = weights.to(device=like.device, dtype=like.dtype)
    per_component = weights[..., degree_of_component(lmax, like.device)]
    return per_component if per_component.dim() == 2 else per_component.unsqueeze(0)


def check_product(
    x: torch.Tensor, y: torch.Tensor, lmax1: int, lmax2: int, lmax_out: int | None, layout: str
) -> tuple[int, int, int, str, int, tuple[int, ...]]:
    """Check two flat SH features: ``(lmax1, lmax2, lmax_out, layout, channels, batch_shape)``."""
    for value, name in ((x, "x"), (y, "y")):
        if not isinstance(value, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
        if value.dtype not in (torch.float32, torch.float64):
            raise TypeError(f"{name} must be float32 or float64, got {value.dtype}")
    if x.dtype != y.dtype or x.device != y.device:
        raise ValueError(f"x and y must share dtype and device, got {x.dtype}/{x.device} and {y.dtype}/{y.device}")
    lmax1, lmax2 = _check_degree(lmax1, "lmax1"), _check_degree(lmax2, "lmax2")
    lmax_out = lmax1 + lmax2 if lmax_out is None else _check_degree(lmax_out, "lmax_out")
    if lmax_out > lmax1 + lmax2:
        raise ValueError(
            f"lmax_out must be <= lmax1 + lmax2 = {lmax1 + lmax2} (higher degrees are zero), got {lmax_out}"
        )
    layout = check_layout(layout)
    channels = channels_of(x, lmax1, "x")
    if channels_of(y, lmax2, "y") != channels:
        raise ValueError(
            f"x has {channels} channels of degree <= {lmax1} but y has {channels_of(y, lmax2, 'y')} "
            f"of degree <= {lmax2}"
        )
    batch_shape = tuple(torch.broadcast_shapes(x.shape[:-1], y.shape[:-1]))
    return lmax1, lmax2, lmax_out, layout, channels, batch_shape


def flat_weights(weights: torch.Tensor | None, lmax: int, channels: int, layout: str, like: torch.Tensor,
                 name: str) -> torch.Tensor | None:
    """Per-degree weights ``(L+1,)`` or ``(C, L+1)`` → one factor per flat position ``(C·(L+1)²,)`` in ``layout``."""
    per_component = _expand_weights(weights, lmax, channels, like, name)
    if per_component is None:
        return None
    return unstack(per_component.expand(channels, (lmax + 1) ** 2), lmax, layout)


def prepare_product(
    x: torch.Tensor,
    y: torch.Tensor,
    lmax1: int,
    lmax2: int,
    lmax_out: int | None,
    layout: str,
    weights1: torch.Tensor | None = None,
    weights2: torch.Tensor | None = None,
) -> ProductInputs:
    """Check and stack two flat SH features; apply the per-degree input weights."""
    lmax1, lmax2, lmax_out, layout, channels, batch_shape = check_product(x, y, lmax1, lmax2, lmax_out, layout)
    x3 = stack(x, lmax1, channels, layout).expand(*batch_shape, channels, (lmax1 + 1) ** 2)
    y3 = stack(y, lmax2, channels, layout).expand(*batch_shape, channels, (lmax2 + 1) ** 2)
    x3 = x3.reshape(-1, channels, (lmax1 + 1) ** 2)
    y3 = y3.reshape(-1, channels, (lmax2 + 1) ** 2)
    w1 = _expand_weights(weights1, lmax1, channels, x3, "weights1")
    w2 = _expand_weights(weights2, lmax2, channels, y3, "weights2")
    if w1 is not None:
        x3 = x3 * w1
    if w2 is not None:
        y3 = y3 * w2
    return ProductInputs(x3, y3, lmax1, lmax2, lmax_out, channels, tuple(batch_shape), layout)


def finish_product(z3: torch.Tensor, inputs: ProductInputs, weights_out: torch.Tensor | None = None) -> torch.Tensor:
    """Apply the output weights and flatten ``(N, C, (Lout+1)²)`` back to ``(*batch, C·(Lout+1)²)``."""
    w3 = _expand_weights(weights_out, inputs.lmax_out, inputs.channels, z3, "weights_out")
    if w3 is not None:
        z3 = z3 * w3
    z3 = z3.reshape(*inputs.batch_shape, inputs.channels, (inputs.lmax_out + 1) ** 2)
    return unstack(z3, inputs.lmax_out, inputs.layout)
