"""Learners (Fong, Spivak, Tuyéras, "Backprop as functor") and a gradient step in Para(Lens).

A **parametrised lens** ``I: P × A → B`` is a :class:`~assay.reference.optics.lens.Lens` on pairs ``(p, a)`` whose
``put((p, a), b')`` returns ``(p', a')`` (the parameter and input cotangents). Para composition
(:func:`compose_para`) takes parameters ``(p, q)``: ``(I ; J)((p, q), a) = J(q, I(p, a))``.

A **learner** ``(P, I, U, r)`` has an implementation ``I(p, a)``, an update ``U(p, a, b)`` and a request
``r(p, a, b)``. Composition (:func:`compose_learners`), with ``b = I(p, a)``:
``I;J`` implements ``J(q, b)``, updates ``(U(p, a, r_J(q, b, c)), U_J(q, b, c))`` and requests
``r(p, a, r_J(q, b, c))``.

The functor ``L_ε`` for the quadratic error ``e(x, y) = ½(x − y)²`` (:func:`learner_from_para`) sends ``I`` to
``U(p, a, b) = p − ε ∇_p E(p, a, b)`` and ``r(p, a, b) = a − ∇_a E(p, a, b)``, ``E(p, a, b) = ½‖I(p, a) − b‖²``,
where both gradients are one ``put`` with cotangent ``I(p, a) − b``. Functoriality ``L(I ; J) = L(I) ; L(J)`` holds
exactly in exact arithmetic (``Fraction`` object arrays with :func:`para_affine` and ``relu``).

A **gradient step** as a composite lens (:func:`gradient_step_lens`): ``(update_ε ⊗ id_A) ; I ; loss_y`` where
``update_ε = (id_P, (p, g) ↦ p − ε g)`` and ``loss_y = (b ↦ ½‖b − y‖², (b, l') ↦ l'(b − y))``; its ``put`` at
``((p, a), 1)`` returns ``(p − ε ∇_p L, ∇_a L)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .ad import Primitive, primitive_lens_of
from .lens import Lens, compose_lenses, identity_lens, parallel_lenses

__all__ = [
    "Learner",
    "compose_learners",
    "compose_para",
    "gradient_step",
    "gradient_step_lens",
    "learner_from_para",
    "para_affine",
    "para_primitive",
    "squared_error_lens",
    "tree_axpy",
]


def tree_axpy(p: Any, g: Any, scale: Any) -> Any:
    """``p − scale · g`` on nested tuples of arrays (parameters of composite learners are nested pairs)."""
    if isinstance(p, tuple):
        if not isinstance(g, tuple) or len(g) != len(p):
            raise ValueError(f"parameter and gradient trees differ: {type(p).__name__} vs {type(g).__name__}")
        return tuple(tree_axpy(x, y, scale) for x, y in zip(p, g))
    return p - scale * g


@dataclass(frozen=True, eq=False)
class Learner:
    """A learner ``(P, I, U, r)``; ``implement(p, a)``, ``update(p, a, b)``, ``request(p, a, b)``."""

    implement: Callable[[Any, Any], Any]
    update: Callable[[Any, Any, Any], Any]
    request: Callable[[Any, Any, Any], Any]
    name: str = "learner"


def compose_learners(first: Learner, second: Learner) -> Learner:
    """Learner composition ``first ; second`` with parameters ``(p, q)``."""
    if not isinstance(first, Learner) or not isinstance(second, Learner):
        raise TypeError(f"first and second must be Learner, got {type(first).__name__}, {type(second).__name__}")

    def implement(pq: Any, a: Any) -> Any:
        p, q = pq
        return second.implement(q, first.implement(p, a))

    def update(pq: Any, a: Any, c: Any) -> Any:
        p, q = pq
        b = first.implement(p, a)
        return (first.update(p, a, second.request(q, b, c)), second.update(q, b, c))

    def request(pq: Any, a: Any, c: Any) -> Any:
        p, q = pq
        b = first.implement(p, a)
        return first.request(p, a, second.request(q, b, c))

    return Learner(implement, update, request, f"({first.name} ; {second.name})")


def compose_para(first: Lens, second: Lens) -> Lens:
    """Para composition of parametrised lenses: parameters ``(p, q)``, put returns ``((p', q'), a')``."""
    if not isinstance(first, Lens) or not isinstance(second, Lens):
        raise TypeError(f"first and second must be Lens, got {type(first).__name__}, {type(second).__name__}")

    def get(pqa: Any) -> Any:
        (p, q), a = pqa
        return second.get((q, first.get((p, a))))

    def put(pqa: Any, c: Any) -> Any:
        (p, q), a = pqa
        b = first.get((p, a))
        dq, db = second.put((q, b), c)
        dp, da = first.put((p, a), db)
        return ((dp, dq), da)

    return Lens(get, put, f"({first.name} ; {second.name})", monomorphic=False)


def para_affine(name: str = "affine") -> Lens:
    """The parametrised lens ``((W, b), x) ↦ W x + b`` with put ``(((y' xᵀ), y'), Wᵀ y')``."""

    def get(pa: Any) -> Any:
        (weight, bias), x = pa
        return weight @ x + bias

    def put(pa: Any, dy: Any) -> Any:
        (weight, _), x = pa
        return ((np.outer(dy, x), dy), weight.T @ dy)

    return Lens(get, put, name, monomorphic=False)


def para_primitive(primitive: Primitive) -> Lens:
    """A primitive without trainable parameters as a parametrised lens with ``P = ()``."""
    lens = primitive_lens_of(primitive)

    def get(pa: Any) -> Any:
        return lens.get(pa[1])

    def put(pa: Any, dy: Any) -> Any:
        return ((), lens.put(pa[1], dy))

    return Lens(get, put, primitive.name, monomorphic=False)


def learner_from_para(para: Lens, learning_rate: Any) -> Learner:
    """``L_ε(I)`` for the quadratic error: ``U = p − ε ∇_p E``, ``r = a − ∇_a E``, ``E = ½‖I(p, a) − b‖²``."""
    if not isinstance(para, Lens):
        raise TypeError(f"para must be a Lens on (p, a) pairs, got {type(para).__name__}")

    def gradients(p: Any, a: Any, b: Any) -> tuple[Any, Any]:
        return para.put((p, a), para.get((p, a)) - b)

    def update(p: Any, a: Any, b: Any) -> Any:
        return tree_axpy(p, gradients(p, a, b)[0], learning_rate)

    def request(p: Any, a: Any, b: Any) -> Any:
        return a - gradients(p, a, b)[1]

    return Learner(lambda p, a: para.get((p, a)), update, request, f"L({para.name})")


def squared_error_lens(target: Any) -> Lens:
    """``loss_y``: ``get(b) = ½ Σ (b − y)²``, ``put(b, l') = l' (b − y)``."""

    def get(b: Any) -> Any:
        r = b - target
        return np.sum(r * r) / 2

    def put(b: Any, dl: Any) -> Any:
        return dl * (b - target)

    return Lens(get, put, "½‖·−y‖²", monomorphic=False)


def gradient_step_lens(para: Lens, target: Any, learning_rate: Any) -> Lens:
    """The composite ``(update_ε ⊗ id_A) ; para ; loss_y`` whose put at ``((p, a), 1)`` is one gradient step."""

    def update_put(p: Any, g: Any) -> Any:
        return tree_axpy(p, g, learning_rate)

    update = Lens(lambda p: p, update_put, "update", monomorphic=False)
    return compose_lenses(compose_lenses(parallel_lenses(update, identity_lens()), para), squared_error_lens(target))


def gradient_step(para: Lens, p: Any, a: Any, target: Any, learning_rate: Any, one: Any = 1) -> Any:
    """``p − ε ∇_p ½‖para(p, a) − target‖²`` computed as ``put`` of :func:`gradient_step_lens`."""
    new_p, _ = gradient_step_lens(para, target, learning_rate).put((p, a), one)
    return new_p
