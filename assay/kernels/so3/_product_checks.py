"""Argument checks shared by the SO(3) product kernels (Gaunt routes and the sparse coupling product).

Each check raises ``TypeError`` (wrong kind) or ``ValueError`` (a broken rule) naming the argument, before anything
is allocated. The size limits of the routes live here, next to the estimates they come from:

- :data:`GRID_MAX_DEGREE` = 32 bounds ``L1`` and ``L2`` of the Fourier and S²-grid routes (so ``Lout ≤ 64``). Their
  plans are built from exact rational tables in ``O(L³)`` big-integer operations and hold ``O(L³)`` (Fourier) or
  ``O(L²)``–``O(L⁴)`` (S² grid) numbers: at ``L1 = L2 = 32, Lout = 64`` the Fourier plan takes 23 s to build and
  about 70 MB above the process's baseline (measured, 2 loaded CPU cores), the S²-grid plan 7 s and about 50 MB.
- :data:`CG_MAX_DEGREE` = 24 bounds ``max(L1, L2, Lout)`` of the sparse coupling: it stores ``Θ(L⁵)`` coefficients
  built from the 3j (or CG) table of degree ``max(L1, L2, Lout)``; at ``(12, 12, 24)`` the Gaunt coupling has 0.29 M
  coefficients and building it peaks about 170 MB above the process's baseline (the full CG coupling: 1.07 M
  coefficients, 260 MB).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import torch

from assay.core.validation import as_device, as_float_tensor, as_int, as_real

__all__ = [
    "CG_MAX_DEGREE",
    "GRID_MAX_DEGREE",
    "check_degrees",
    "check_operands",
    "check_path_weights",
    "check_weights",
    "empty_product",
    "plan_dtype_device",
]

GRID_MAX_DEGREE = 32
CG_MAX_DEGREE = 24

_GRID_REASON = "the Fourier and S² grid plans are built from exact tables in O(L³) big-integer operations"
_CG_REASON = "the sparse coupling stores Θ(L⁵) coefficients built from the coupling table of this degree"


def check_degrees(lmax1: object, lmax2: object, lmax_out: object, route: str) -> tuple[int, int, int]:
    """``(L1, L2, Lout)`` as Python ints: ``L1, L2 ≥ 0``, ``Lout = L1 + L2`` when ``None``, ``0 ≤ Lout ≤ L1 + L2``,
    within the limit of ``route`` (``"grid"``: ``L1, L2 ≤`` :data:`GRID_MAX_DEGREE`; ``"cg"``: every degree ``≤``
    :data:`CG_MAX_DEGREE`; ``"none"``: no limit, for functions that allocate nothing)."""
    limit, reason = {"grid": (GRID_MAX_DEGREE, _GRID_REASON), "cg": (CG_MAX_DEGREE, _CG_REASON),
                     "none": (None, "")}[route]
    lmax1 = as_int(lmax1, "lmax1", minimum=0, maximum=limit, reason=reason)
    lmax2 = as_int(lmax2, "lmax2", minimum=0, maximum=limit, reason=reason)
    if lmax_out is None:
        lmax_out = lmax1 + lmax2
    else:
        lmax_out = as_int(lmax_out, "lmax_out", minimum=0)
    if lmax_out > lmax1 + lmax2:
        raise ValueError(
            f"lmax_out must be <= lmax1 + lmax2 = {lmax1 + lmax2} (higher degrees are zero), got {lmax_out}"
        )
    if route == "cg":
        as_int(lmax_out, "lmax_out", maximum=CG_MAX_DEGREE, reason=_CG_REASON)
    return lmax1, lmax2, lmax_out


def _channels_of(x: torch.Tensor, lmax: int, name: str) -> int:
    size = (lmax + 1) ** 2
    width = x.shape[-1]
    if width == 0 or width % size:
        raise ValueError(f"{name} must have a last dimension that is a positive multiple of (lmax+1)² = {size} "
                         f"for its degree {lmax}, got shape {tuple(x.shape)}")
    return width // size


def check_operands(x: object, y: object, lmax1: object, lmax2: object, lmax_out: object, channels: object,
                   route: str) -> tuple[int, int, int, int]:
    """Check the two flat SH features and their degrees; return ``(L1, L2, Lout, channels)``.

    ``x`` and ``y`` are float32/float64 tensors with at least one dimension, on one device and of one dtype. With
    ``channels`` given, their last dimensions must be ``channels·(L+1)²``. Without it the channel count is inferred
    and must agree between ``x`` and ``y``; an inferred count ``C > 1`` that is a perfect square is refused as
    ambiguous, since ``C·(L+1)²`` numbers are then also one vector of degree ``√C·(L+1) − 1`` (e.g. 9 numbers with
    ``lmax1 = 0``: nine scalars, or one vector of degree 2?).
    """
    x = as_float_tensor(x, "x")
    y = as_float_tensor(y, "y", like=x, like_name="x")
    lmax1, lmax2, lmax_out = check_degrees(lmax1, lmax2, lmax_out, route)
    for value, name in ((x, "x"), (y, "y")):
        if value.dim() == 0:
            raise ValueError(f"{name} must have at least one dimension (the SH components), got a 0-d tensor")
    if channels is not None:
        channels = as_int(channels, "channels", minimum=1)
        for value, name, lmax, degree_name in ((x, "x", lmax1, "lmax1"), (y, "y", lmax2, "lmax2")):
            expected = channels * (lmax + 1) ** 2
            if value.shape[-1] != expected:
                raise ValueError(f"{name} must have a last dimension of channels·({degree_name}+1)² = {expected}, "
                                 f"got shape {tuple(value.shape)}")
    else:
        channels = _channels_of(x, lmax1, "x")
        channels_y = _channels_of(y, lmax2, "y")
        if channels != channels_y:
            raise ValueError(f"x has {channels} channels of degree <= {lmax1} but y has {channels_y} of degree "
                             f"<= {lmax2}")
        root = math.isqrt(channels)
        if channels > 1 and root * root == channels:
            alternative = root * (lmax1 + 1) - 1
            raise ValueError(
                f"x has {x.shape[-1]} = {channels}·(lmax1+1)² numbers: {channels} channels of degree <= {lmax1}, or "
                f"one vector of degree <= {alternative}; pass channels={channels} if it holds channels (or the "
                f"degrees of a single vector as lmax1 and lmax2)"
            )
    try:
        torch.broadcast_shapes(x.shape[:-1], y.shape[:-1])
    except RuntimeError:
        raise ValueError(f"the batch dimensions of x and y must broadcast together, got {tuple(x.shape[:-1])} and "
                         f"{tuple(y.shape[:-1])}") from None
    return lmax1, lmax2, lmax_out, channels


def check_weights(weights: object, name: str, like: torch.Tensor) -> None:
    """Per-degree weights: ``None`` or a real (floating or integer) tensor, not on ``meta`` unless ``like`` is. The
    shape (``(L+1,)`` or ``(C, L+1)``) is checked where the weights are expanded."""
    if weights is None:
        return
    if not isinstance(weights, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(weights).__name__}")
    if weights.is_complex() or weights.dtype == torch.bool:
        raise TypeError(f"{name} must be real (floating or integer), got {weights.dtype}")
    if weights.device.type == "meta" and like.device.type != "meta":
        raise ValueError(f"{name} is a meta tensor (no data) but x is on {like.device}")


def check_path_weights(path_weights: object, lmax1: int, lmax2: int, lmax_out: int,
                       coupling: str) -> dict[tuple[int, int, int], float] | None:
    """``{(l1, l2, l3): w}`` with every key a path of the product and every ``w`` a finite real number.

    A path has ``0 ≤ l1 ≤ L1``, ``0 ≤ l2 ≤ L2``, ``|l1 − l2| ≤ l3 ≤ min(l1 + l2, Lout)`` and, for the ``gaunt``
    coupling, ``l1 + l2 + l3`` even (the odd paths of the Gaunt coupling are zero). Unknown keys are refused rather
    than silently weighting nothing.
    """
    if path_weights is None:
        return None
    if not isinstance(path_weights, Mapping):
        raise TypeError(f"path_weights must be a mapping {{(l1, l2, l3): weight}}, got {type(path_weights).__name__}")
    checked: dict[tuple[int, int, int], float] = {}
    for key, value in path_weights.items():
        if not isinstance(key, (tuple, list)) or len(key) != 3:
            raise TypeError(f"path_weights keys must be (l1, l2, l3) triples, got {key!r}")
        l1, l2, l3 = (as_int(v, f"path_weights key {tuple(key)!r}: {n}", minimum=0)
                      for v, n in zip(key, ("l1", "l2", "l3")))
        rules = []
        if l1 > lmax1:
            rules.append(f"l1 <= lmax1 = {lmax1}")
        if l2 > lmax2:
            rules.append(f"l2 <= lmax2 = {lmax2}")
        if not abs(l1 - l2) <= l3 <= min(l1 + l2, lmax_out):
            rules.append(f"|l1 - l2| <= l3 <= min(l1 + l2, lmax_out = {lmax_out})")
        if coupling == "gaunt" and (l1 + l2 + l3) % 2:
            rules.append("l1 + l2 + l3 even (the Gaunt coupling has no odd paths)")
        if rules:
            raise ValueError(f"path_weights key {(l1, l2, l3)} is not a path of this product: it needs "
                             + " and ".join(rules))
        checked[(l1, l2, l3)] = as_real(value, f"path_weights[{(l1, l2, l3)}]")
    return checked


def plan_dtype_device(dtype: object, device: object) -> tuple[torch.dtype, torch.device]:
    """A plan's dtype (float32 or float64) and device (a ``torch.device`` or a string naming one)."""
    if dtype not in (torch.float32, torch.float64):
        raise TypeError(f"dtype must be torch.float32 or torch.float64, got {dtype!r}")
    return dtype, as_device(device)


def empty_product(x: torch.Tensor, y: torch.Tensor, batch_shape: tuple[int, ...], width: int,
                  weights: tuple) -> torch.Tensor:
    """The result of a product over an empty batch: zeros of shape ``(*batch_shape, width)`` that stay connected
    to the autograd graph of the inputs (so ``backward`` works and gives empty gradients)."""
    z = x.new_zeros((*batch_shape, width))
    sources = [t for t in (x, y, *weights) if isinstance(t, torch.Tensor) and t.requires_grad]
    for source in sources:
        z = z + source.sum().to(z.dtype) * 0
    return z
