"""Cartesian lenses: a pair ``(get: A → B, put: A × B' → A')`` and their composition.

Notation: ``;`` is diagrammatic composition (``f ; g = g ∘ f``).

- composition ``(get1, put1) ; (get2, put2) = (get1 ; get2, (a, c') ↦ put1(a, put2(get1(a), c')))`` — the backward
  pass *recomputes* ``get1(a)``: the only state a lens keeps between its passes is its input ``A``;
- identity ``(id, π2)``: ``get(a) = a``, ``put(a, a') = a'``;
- parallel (monoidal) product ``(get1 × get2, ((a1, a2), (b1', b2')) ↦ (put1(a1, b1'), put2(a2, b2')))`` on pairs.

A :class:`Lens` remembers how it was built (``parts``), so :mod:`assay.reference.optics.cost` can run any composite
step by step and count the calls. ``source`` and ``target`` are optional labels of the boundaries ``(A, A')`` and
``(B, B')`` (a shape tuple for AD lenses, a type name for record lenses); when both sides of a composition carry
labels they must be equal (:func:`same_label`: arrays and tensors compare by shape and elements), otherwise
composition raises a ``ValueError`` naming both lenses and both labels.
``monomorphic`` says ``A = A'`` and ``B = B'`` as sets with the same meaning, the only case where the lens laws
(GetPut, PutGet, PutPut) are meaningful; AD lenses are not monomorphic (``put`` returns a gradient).

Composites of any depth run without recursion: the ``get`` and ``put`` of a composite walk its composition tree with
an explicit stack (:func:`composite_get`, :func:`composite_put`), calling the same primitives on the same values in
the same order as the recursive definitions above, so a chain of 10,000 lenses evaluates like a chain of two. Names
of composites are shortened past :data:`MAX_NAME` characters (the middle is elided), so building a chain of ``n``
lenses costs ``O(n)``, not ``O(n²)``, in names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "MAX_NAME",
    "Lens",
    "check_composable",
    "compose_lenses",
    "composite_get",
    "composite_put",
    "identity_lens",
    "joined_name",
    "parallel_lenses",
    "primitive_lens",
    "same_label",
]

#: Longest name a composite keeps; longer ones keep their two ends around an ellipsis.
MAX_NAME = 120


@dataclass(frozen=True, eq=False)
class Lens:
    """A cartesian lens ``(A, A') → (B, B')`` with ``get: A → B`` and ``put: A × B' → A'``.

    ``parts`` records the construction: ``()`` for a primitive, ``("identity",)``, ``("compose", l1, l2)``,
    ``("parallel", l1, l2)`` or ``("erase", optic)`` (see :func:`assay.reference.optics.functors.erase`).
    """

    get: Callable[[Any], Any]
    put: Callable[[Any, Any], Any]
    name: str = "lens"
    source: Any = None
    target: Any = None
    monomorphic: bool = True
    parts: tuple = ()

    @property
    def kind(self) -> str:
        """``"primitive"``, ``"identity"``, ``"compose"``, ``"parallel"`` or ``"erase"``."""
        return self.parts[0] if self.parts else "primitive"

    def then(self, other: Lens) -> Lens:
        """``self ; other`` (diagrammatic order)."""
        return compose_lenses(self, other)

    def __repr__(self) -> str:
        return f"Lens({self.name})"


def primitive_lens(
    get: Callable[[Any], Any],
    put: Callable[[Any, Any], Any],
    name: str = "lens",
    source: Any = None,
    target: Any = None,
    monomorphic: bool = True,
) -> Lens:
    """A primitive lens from two callables; refuses non-callables with a ``TypeError``."""
    if not callable(get):
        raise TypeError(f"get must be callable, got {type(get).__name__}")
    if not callable(put):
        raise TypeError(f"put must be callable, got {type(put).__name__}")
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__}")
    return Lens(get, put, name, source, target, bool(monomorphic))


def _require_lens(value: object, argument: str) -> Lens:
    if not isinstance(value, Lens):
        hint = " (embed a lens into optics with embed(), or erase an optic to a lens with erase())"
        raise TypeError(f"{argument} must be a Lens, got {type(value).__name__}{hint}")
    return value


def _is_array(value: Any) -> bool:
    """A numpy array or an array-like with a shape and elements (a torch tensor), not a tuple of ints."""
    return hasattr(value, "shape") and hasattr(value, "dtype")


def same_label(first: Any, second: Any) -> bool:
    """Whether two boundary labels name the same object.

    Arrays and tensors (anything with ``shape`` and ``dtype``) are equal when their shapes and elements are; a
    tuple label equals an array label with the same elements (``(3,)`` and ``np.array([3])``); everything else is
    compared with ``==``, and a comparison that raises or does not give a truth value counts as "different".
    """
    if first is second:
        return True
    if _is_array(first) or _is_array(second):
        try:
            x, y = np.asarray(first), np.asarray(second)
            return x.shape == y.shape and bool(np.all(x == y))
        except (TypeError, ValueError):
            return False
    try:
        return bool(first == second)
    except (TypeError, ValueError):
        return False


def joined_name(first: str, operator: str, second: str) -> str:
    """``"(first op second)"``, with the middle elided to keep it within :data:`MAX_NAME` characters."""
    name = f"({first} {operator} {second})"
    if len(name) <= MAX_NAME:
        return name
    keep = (MAX_NAME - 3) // 2
    return f"{name[:keep]}…{name[-keep:]}"


def check_composable(first_name: str, first_target: Any, second_name: str, second_source: Any, what: str) -> None:
    """Refuse ``first ; second`` when both boundary labels are known and differ (a ``ValueError`` naming both)."""
    if first_target is not None and second_source is not None and not same_label(first_target, second_source):
        raise ValueError(
            f"cannot compose {what} {first_name!r} with {what} {second_name!r}: the target of {first_name!r} is "
            f"{first_target!r} but the source of {second_name!r} is {second_source!r} (they must be equal)"
        )


def compose_lenses(first: Lens, second: Lens) -> Lens:
    """``first ; second``: ``get = get1 ; get2``, ``put(a, c') = put1(a, put2(get1(a), c'))``."""
    first = _require_lens(first, "first")
    second = _require_lens(second, "second")
    check_composable(first.name, first.target, second.name, second.source, "lens")

    def get(a: Any) -> Any:
        return composite_get(second, composite_get(first, a))

    def put(a: Any, c: Any) -> Any:
        return composite_put(second, composite_get(first, a), c, then=((first, a),))

    return Lens(
        get,
        put,
        joined_name(first.name, ";", second.name),
        first.source,
        second.target,
        first.monomorphic and second.monomorphic,
        ("compose", first, second),
    )


def identity_lens(obj: Any = None) -> Lens:
    """The identity lens ``(id, π2)`` on the object labelled ``obj``."""

    def put(a: Any, a_prime: Any) -> Any:
        return a_prime

    return Lens(lambda a: a, put, "id", obj, obj, True, ("identity",))


def parallel_lenses(first: Lens, second: Lens) -> Lens:
    """The monoidal product ``first ⊗ second`` acting on pairs ``(a1, a2)``."""
    first = _require_lens(first, "first")
    second = _require_lens(second, "second")
    get1, put1, get2, put2 = first.get, first.put, second.get, second.put

    def get(a: Any) -> Any:
        a1, a2 = a
        return (get1(a1), get2(a2))

    def put(a: Any, b: Any) -> Any:
        (a1, a2), (b1, b2) = a, b
        return (put1(a1, b1), put2(a2, b2))

    def pair(x: Any, y: Any) -> Any:
        return None if x is None or y is None else (x, y)

    return Lens(
        get,
        put,
        joined_name(first.name, "⊗", second.name),
        pair(first.source, second.source),
        pair(first.target, second.target),
        first.monomorphic and second.monomorphic,
        ("parallel", first, second),
    )


def _leaves(lens: Lens) -> list[Lens]:
    """The non-``compose`` parts of ``lens`` in diagrammatic order (the lens itself when it is not a composite)."""
    out: list[Lens] = []
    stack = [lens]
    while stack:
        node = stack.pop()
        if node.kind == "compose":
            stack.append(node.parts[2])
            stack.append(node.parts[1])
        else:
            out.append(node)
    return out


def composite_get(lens: Lens, a: Any) -> Any:
    """``get`` of ``lens`` without recursion: ``get(l1 ; l2) = get2 ∘ get1`` folded over the composition tree."""
    if lens.kind != "compose":
        return lens.get(a)
    for leaf in _leaves(lens):
        a = leaf.get(a)
    return a


def composite_put(lens: Lens, a: Any, c: Any, then: tuple[tuple[Lens, Any], ...] = ()) -> Any:
    """``put`` of ``lens`` at ``(a, c')`` without recursion, then the puts of ``then`` (``(lens, input)`` pairs, the
    last one applied first).

    ``put(l1 ; l2)(a, c') = put1(a, put2(get1(a), c'))`` is run with an explicit stack of the pending ``put1(a, ·)``:
    descend into ``l2`` after recomputing ``get1(a)``, apply the primitive put at the bottom, then pop. The primitive
    calls are those of the recursive definition, in the same order.
    """
    pending: list[tuple[Lens, Any]] = list(then)
    node, x = lens, a
    while True:
        while node.kind == "compose":
            first, second = node.parts[1], node.parts[2]
            pending.append((first, x))
            x = composite_get(first, x)
            node = second
        c = node.put(x, c)
        if not pending:
            return c
        node, x = pending.pop()
