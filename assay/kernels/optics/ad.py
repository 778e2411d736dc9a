"""AD chains on torch tensors, run as optics (stored residuals) and as lenses (recomputation).

The primitives are those of :mod:`assay.reference.optics.ad` (same names, same parameters, same reverse derivative
formulas), evaluated with torch ops on any dtype and device. The composites come from the reference combinators,
which are generic in the values they carry: :func:`vjp_as_optic` runs ``F(l1) ; … ; F(ln)`` and :func:`vjp_as_lens`
the right-nested lens ``l1 ; (… ; ln)``; both return ``(output, input cotangent)`` and must agree with
``torch.autograd.grad`` and ``torch.func.vjp`` of the plain composite :func:`chain_function`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch

from assay.reference.optics.ad import Primitive
from assay.reference.optics.chains import checkpointed, optic_chain, right_nested
from assay.reference.optics.lens import Lens, primitive_lens

__all__ = [
    "chain_function",
    "torch_chain_lenses",
    "torch_primitive_lens",
    "vjp_as_checkpointed",
    "vjp_as_lens",
    "vjp_as_optic",
]


def _tensor(value: Any, dtype: torch.dtype, device: Any) -> torch.Tensor:
    return torch.as_tensor(value, dtype=dtype, device=device)


def _get_put(primitive: Primitive, dtype: torch.dtype, device: Any) -> tuple[Callable, Callable]:
    name = primitive.name
    params = [_tensor(p, dtype, device) for p in primitive.params]
    if name == "affine":
        weight, bias = params
        return (lambda x: weight @ x + bias), (lambda x, dy: weight.T @ dy)
    if name == "tanh":
        return torch.tanh, (lambda x, dy: dy * (1 - torch.tanh(x) ** 2))
    if name == "sigmoid":
        return torch.sigmoid, (lambda x, dy: dy * torch.sigmoid(x) * (1 - torch.sigmoid(x)))
    if name == "relu":
        return torch.relu, (lambda x, dy: torch.where(x > 0, dy, torch.zeros_like(dy)))
    if name == "exp":
        return torch.exp, (lambda x, dy: dy * torch.exp(x))
    if name == "sin":
        return torch.sin, (lambda x, dy: dy * torch.cos(x))
    if name == "cos":
        return torch.cos, (lambda x, dy: -dy * torch.sin(x))
    if name == "square":
        return (lambda x: x * x), (lambda x, dy: 2 * x * dy)
    if name == "mul":
        (scale,) = params
        return (lambda x: scale * x), (lambda x, dy: scale * dy)
    if name == "add":
        (shift,) = params
        return (lambda x: x + shift), (lambda x, dy: dy)
    shape = primitive.shape  # sum
    return (lambda x: x.sum()), (lambda x, dy: dy.expand(shape).clone())


def torch_primitive_lens(primitive: Primitive, dtype: torch.dtype = torch.float64, device: Any = "cpu") -> Lens:
    """The torch lens ``(f, R[f])`` of ``primitive`` (a reference :class:`Primitive`)."""
    if not isinstance(primitive, Primitive):
        raise TypeError(f"primitive must be a Primitive, got {type(primitive).__name__}")
    get, put = _get_put(primitive, dtype, device)
    return primitive_lens(get, put, primitive.name, primitive.shape, primitive.out_shape, monomorphic=False)


def torch_chain_lenses(
    chain: Sequence[Primitive], dtype: torch.dtype = torch.float64, device: Any = "cpu"
) -> list[Lens]:
    """The torch lenses of a chain of primitives."""
    chain = list(chain)
    if not chain:
        raise ValueError("chain must contain at least one primitive")
    return [torch_primitive_lens(p, dtype, device) for p in chain]


def chain_function(
    chain: Sequence[Primitive], dtype: torch.dtype = torch.float64, device: Any = "cpu"
) -> Callable[[torch.Tensor], torch.Tensor]:
    """The plain forward composite ``x ↦ fn(…f1(x))`` (for ``torch.autograd`` and ``torch.func``)."""
    gets = [lens.get for lens in torch_chain_lenses(chain, dtype, device)]

    def forward(x: torch.Tensor) -> torch.Tensor:
        for get in gets:
            x = get(x)
        return x

    return forward


def vjp_as_optic(
    chain: Sequence[Primitive], x: torch.Tensor, cotangent: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """``(output, input cotangent)`` from the optic chain ``F(l1) ; … ; F(ln)`` (residuals stored)."""
    optic = optic_chain(torch_chain_lenses(chain, x.dtype, x.device))
    residual, output = optic.forward(x)
    return output, optic.backward(residual, cotangent)


def vjp_as_lens(
    chain: Sequence[Primitive], x: torch.Tensor, cotangent: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """``(output, input cotangent)`` from the right-nested lens ``l1 ; (… ; ln)`` (forward values recomputed)."""
    lens = right_nested(torch_chain_lenses(chain, x.dtype, x.device))
    return lens.get(x), lens.put(x, cotangent)


def vjp_as_checkpointed(
    chain: Sequence[Primitive], x: torch.Tensor, cotangent: torch.Tensor, segments: int | Sequence[int]
) -> tuple[torch.Tensor, torch.Tensor]:
    """``(output, input cotangent)`` from the checkpointed composite with the given segments."""
    optic = checkpointed(torch_chain_lenses(chain, x.dtype, x.device), segments)
    residual, output = optic.forward(x)
    return output, optic.backward(residual, cotangent)
