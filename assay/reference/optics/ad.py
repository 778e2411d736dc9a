"""AD lenses: differentiable primitives with their reverse derivatives, as lenses (numpy).

The reverse derivative ``R[f]: A × B' → A'``, ``R[f](x, y') = J_f(x)ᵀ y'``, makes ``f ↦ (f, R[f])`` a functor into
lenses: ``R[id] = π2`` and the chain rule ``R[f ; g](x, z') = R[f](x, R[g](f(x), z'))`` is lens composition. So a
chain of primitives is a lens composite (recompute forward values in the backward pass) and, through ``F``, an
optic composite (store them) — the same derivative, different costs.

A :class:`Primitive` is data (name, input shape, parameters); :func:`primitive_lens_of` turns it into a numpy lens,
and :mod:`assay.kernels.optics` turns the same data into a torch lens. Primitives (``x`` the input, ``y'`` the
output cotangent, products elementwise):

========== =================== ============================== ===================
name       get                 put (reverse derivative)        parameters
========== =================== ============================== ===================
affine     W x + b             Wᵀ y'                           W (m, d), b (m,)
tanh       tanh x              y' (1 − tanh² x)
sigmoid    σ(x) = 1/(1+e^−x)   y' σ(x)(1 − σ(x))
relu       max(x, 0)           y' · [x > 0]
exp        eˣ                  y' eˣ
sin        sin x               y' cos x
cos        cos x               −y' sin x
square     x²                  2 x y'
mul        c x                 c y'                            c (shape of x)
add        x + c               y'                              c (shape of x)
sum        Σ x                 y' · 1 (broadcast to x)
========== =================== ============================== ===================

``get`` works for complex inputs too (``relu`` tests the real part), so complex-step differentiation can check
every ``put`` independently. AD lenses are not monomorphic: never apply the lens laws to them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .lens import Lens, primitive_lens

__all__ = [
    "ELEMENTWISE",
    "PRIMITIVES",
    "Primitive",
    "chain_output_shape",
    "check_chain",
    "primitive_lens_of",
    "primitive_lenses",
]

#: Primitives that act elementwise without parameters.
ELEMENTWISE = ("tanh", "sigmoid", "relu", "exp", "sin", "cos", "square")
#: All primitive names.
PRIMITIVES = ("affine", *ELEMENTWISE, "mul", "add", "sum")


@dataclass(frozen=True, eq=False)
class Primitive:
    """One differentiable primitive: ``name``, the input ``shape`` and the parameters (numpy arrays)."""

    name: str
    shape: tuple[int, ...]
    params: tuple[Any, ...] = field(default=())

    def __post_init__(self) -> None:
        if not isinstance(self.name, str):
            raise TypeError(f"name must be a str, one of {', '.join(PRIMITIVES)}; got {type(self.name).__name__}")
        if self.name not in PRIMITIVES:
            raise ValueError(f"name must be one of {', '.join(PRIMITIVES)}; got {self.name!r}")
        if isinstance(self.shape, (str, bytes)) or not isinstance(self.shape, Iterable):
            raise TypeError(f"shape must be a tuple of positive ints, got {type(self.shape).__name__}")
        if isinstance(self.params, (str, bytes)) or not isinstance(self.params, Iterable):
            raise TypeError(f"params must be a tuple of arrays, got {type(self.params).__name__}")
        shape = tuple(self.shape)
        if any(isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 1 for s in shape):
            raise ValueError(f"shape must be a tuple of positive ints, got {self.shape!r}")
        object.__setattr__(self, "shape", tuple(int(s) for s in shape))
        params = tuple(np.asarray(p) for p in self.params)
        for index, param in enumerate(params):
            if param.dtype.kind not in "biufcO":  # object arrays carry exact numbers (Fractions)
                raise TypeError(f"params[{index}] must be a numeric array, got dtype {param.dtype}")
        object.__setattr__(self, "params", params)
        expected = {"affine": 2, "mul": 1, "add": 1}.get(self.name, 0)
        if len(params) != expected:
            raise ValueError(f"primitive {self.name!r} takes {expected} parameter arrays, got {len(params)}")
        if self.name == "affine":
            weight, bias = params
            if len(self.shape) != 1 or weight.ndim != 2 or weight.shape[1] != self.shape[0]:
                raise ValueError(
                    f"affine: W must have shape (m, {self.shape[0] if self.shape else '?'}) for input shape "
                    f"{self.shape}, got W with shape {weight.shape}"
                )
            if bias.shape != (weight.shape[0],):
                raise ValueError(f"affine: b must have shape ({weight.shape[0]},), got {bias.shape}")
        if self.name in ("mul", "add") and params[0].shape != self.shape:
            raise ValueError(f"{self.name}: c must have the input shape {self.shape}, got {params[0].shape}")

    @property
    def out_shape(self) -> tuple[int, ...]:
        """The output shape: ``(m,)`` for affine, ``()`` for sum, else the input shape."""
        if self.name == "affine":
            return (int(self.params[0].shape[0]),)
        if self.name == "sum":
            return ()
        return self.shape


def _sigmoid(x: Any) -> Any:
    return 1.0 / (1.0 + np.exp(-x))


def _get_put(primitive: Primitive) -> tuple[Any, Any]:
    name, params = primitive.name, primitive.params
    if name == "affine":
        weight, bias = params
        return (lambda x: weight @ x + bias), (lambda x, dy: weight.T @ dy)
    if name == "tanh":
        return np.tanh, (lambda x, dy: dy * (1.0 - np.tanh(x) ** 2))
    if name == "sigmoid":
        return _sigmoid, (lambda x, dy: dy * _sigmoid(x) * (1.0 - _sigmoid(x)))
    if name == "relu":
        return (lambda x: np.where(np.real(x) > 0, x, 0)), (lambda x, dy: np.where(np.real(x) > 0, dy, 0 * dy))
    if name == "exp":
        return np.exp, (lambda x, dy: dy * np.exp(x))
    if name == "sin":
        return np.sin, (lambda x, dy: dy * np.cos(x))
    if name == "cos":
        return np.cos, (lambda x, dy: -dy * np.sin(x))
    if name == "square":
        return (lambda x: x * x), (lambda x, dy: 2 * x * dy)
    if name == "mul":
        (scale,) = params
        return (lambda x: scale * x), (lambda x, dy: scale * dy)
    if name == "add":
        (shift,) = params
        return (lambda x: x + shift), (lambda x, dy: dy)
    shape = primitive.shape  # sum
    return (lambda x: np.sum(x)), (lambda x, dy: np.broadcast_to(dy, shape).copy())


def primitive_lens_of(primitive: Primitive) -> Lens:
    """The numpy lens ``(f, R[f])`` of ``primitive``; source/target are the input/output shapes."""
    if not isinstance(primitive, Primitive):
        raise TypeError(f"primitive must be a Primitive, got {type(primitive).__name__}")
    get, put = _get_put(primitive)
    return primitive_lens(
        get, put, name=primitive.name, source=primitive.shape, target=primitive.out_shape, monomorphic=False
    )


def check_chain(chain: Sequence[Primitive]) -> list[Primitive]:
    """``chain`` as a non-empty list of :class:`Primitive` (a ``TypeError``/``ValueError`` naming the entry)."""
    if isinstance(chain, (Primitive, str, bytes)) or not isinstance(chain, Iterable):
        raise TypeError(f"chain must be a sequence of Primitive, got {type(chain).__name__}")
    chain = list(chain)
    if not chain:
        raise ValueError("chain must contain at least one primitive")
    for index, primitive in enumerate(chain):
        if not isinstance(primitive, Primitive):
            raise TypeError(f"chain[{index}] must be a Primitive, got {type(primitive).__name__}")
    return chain


def primitive_lenses(chain: Sequence[Primitive]) -> list[Lens]:
    """The lenses of a chain of primitives (shapes are checked when the lenses are composed)."""
    return [primitive_lens_of(p) for p in check_chain(chain)]


def chain_output_shape(chain: Sequence[Primitive]) -> tuple[int, ...]:
    """The output shape of a chain, refusing consecutive primitives whose shapes do not match."""
    chain = check_chain(chain)
    for index, (before, after) in enumerate(itertools.pairwise(chain)):
        if before.out_shape != after.shape:
            raise ValueError(
                f"chain[{index}] ({before.name}) outputs shape {before.out_shape} but chain[{index + 1}] "
                f"({after.name}) takes shape {after.shape}"
            )
    return chain[-1].out_shape
