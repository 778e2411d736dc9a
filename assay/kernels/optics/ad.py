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

from assay.core.validation import as_device, as_floating_dtype
from assay.reference.optics.ad import Primitive, chain_output_shape, check_chain
from assay.reference.optics.chains import checkpointed, optic_chain, right_nested
from assay.reference.optics.lens import Lens, primitive_lens

__all__ = [
    "chain_function",
    "check_dtype_device",
    "torch_chain_lenses",
    "torch_primitive_lens",
    "vjp_as_checkpointed",
    "vjp_as_lens",
    "vjp_as_optic",
]


def _tensor(value: Any, dtype: torch.dtype, device: Any) -> torch.Tensor:
    return torch.as_tensor(value, dtype=dtype, device=device)


def check_dtype_device(dtype: Any, device: Any) -> tuple[torch.dtype, torch.device]:
    """``dtype`` (a floating ``torch.dtype``) and ``device`` (anything ``torch.device`` accepts)."""
    return as_floating_dtype(dtype), as_device(device)


def _check_tensor(value: Any, name: str, shape: tuple[int, ...], like: torch.Tensor | None = None) -> torch.Tensor:
    """A finite floating tensor of ``shape`` (on the dtype and device of ``like`` when given)."""
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    if not value.dtype.is_floating_point:
        raise TypeError(f"{name} must be a floating tensor, got dtype {value.dtype}")
    if tuple(value.shape) != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got {tuple(value.shape)}")
    if like is not None and (value.dtype != like.dtype or value.device != like.device):
        raise ValueError(f"{name} must have the dtype and device of x ({like.dtype}, {like.device}), got "
                         f"{value.dtype}, {value.device}")
    if not bool(torch.isfinite(value).all()):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return value


def _check_vjp_arguments(chain: Sequence[Primitive], x: Any, cotangent: Any) -> list[Primitive]:
    chain = check_chain(chain)
    _check_tensor(x, "x", chain[0].shape)
    _check_tensor(cotangent, "cotangent", chain_output_shape(chain), like=x)
    return chain


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
    dtype, device = check_dtype_device(dtype, device)
    get, put = _get_put(primitive, dtype, device)
    return primitive_lens(get, put, primitive.name, primitive.shape, primitive.out_shape, monomorphic=False)


def torch_chain_lenses(
    chain: Sequence[Primitive], dtype: torch.dtype = torch.float64, device: Any = "cpu"
) -> list[Lens]:
    """The torch lenses of a chain of primitives."""
    chain = check_chain(chain)
    check_dtype_device(dtype, device)
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
    """``(output, input cotangent)`` from the optic chain ``F(l1) ; … ; F(ln)`` (residuals stored).

    ``x`` has the chain's input shape, ``cotangent`` its output shape, the same floating dtype and device; both
    finite. Chains of any length run (the composite is evaluated without recursion)."""
    chain = _check_vjp_arguments(chain, x, cotangent)
    optic = optic_chain(torch_chain_lenses(chain, x.dtype, x.device))
    residual, output = optic.forward(x)
    return output, optic.backward(residual, cotangent)


def vjp_as_lens(
    chain: Sequence[Primitive], x: torch.Tensor, cotangent: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """``(output, input cotangent)`` from the right-nested lens ``l1 ; (… ; ln)`` (forward values recomputed);
    arguments as for :func:`vjp_as_optic`."""
    chain = _check_vjp_arguments(chain, x, cotangent)
    lens = right_nested(torch_chain_lenses(chain, x.dtype, x.device))
    return lens.get(x), lens.put(x, cotangent)


def vjp_as_checkpointed(
    chain: Sequence[Primitive], x: torch.Tensor, cotangent: torch.Tensor, segments: int | Sequence[int]
) -> tuple[torch.Tensor, torch.Tensor]:
    """``(output, input cotangent)`` from the checkpointed composite with the given segments; arguments as for
    :func:`vjp_as_optic`."""
    chain = _check_vjp_arguments(chain, x, cotangent)
    optic = checkpointed(torch_chain_lenses(chain, x.dtype, x.device), segments)
    residual, output = optic.forward(x)
    return output, optic.backward(residual, cotangent)
