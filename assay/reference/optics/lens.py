"""Cartesian lenses: a pair ``(get: A → B, put: A × B' → A')`` and their composition.

Notation: ``;`` is diagrammatic composition (``f ; g = g ∘ f``).

- composition ``(get1, put1) ; (get2, put2) = (get1 ; get2, (a, c') ↦ put1(a, put2(get1(a), c')))`` — the backward
  pass *recomputes* ``get1(a)``: the only state a lens keeps between its passes is its input ``A``;
- identity ``(id, π2)``: ``get(a) = a``, ``put(a, a') = a'``;
- parallel (monoidal) product ``(get1 × get2, ((a1, a2), (b1', b2')) ↦ (put1(a1, b1'), put2(a2, b2')))`` on pairs.

A :class:`Lens` remembers how it was built (``parts``), so :mod:`assay.reference.optics.cost` can run any composite
step by step and count the calls. ``source`` and ``target`` are optional labels of the boundaries ``(A, A')`` and
``(B, B')`` (a shape tuple for AD lenses, a type name for record lenses); when both sides of a composition carry
labels they must be equal, otherwise composition raises a ``ValueError`` naming both lenses and both labels.
``monomorphic`` says ``A = A'`` and ``B = B'`` as sets with the same meaning, the only case where the lens laws
(GetPut, PutGet, PutPut) are meaningful; AD lenses are not monomorphic (``put`` returns a gradient).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Lens", "check_composable", "compose_lenses", "identity_lens", "parallel_lenses", "primitive_lens"]


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


def check_composable(first_name: str, first_target: Any, second_name: str, second_source: Any, what: str) -> None:
    """Refuse ``first ; second`` when both boundary labels are known and differ (a ``ValueError`` naming both)."""
    if first_target is not None and second_source is not None and first_target != second_source:
        raise ValueError(
            f"cannot compose {what} {first_name!r} with {what} {second_name!r}: the target of {first_name!r} is "
            f"{first_target!r} but the source of {second_name!r} is {second_source!r} (they must be equal)"
        )


def compose_lenses(first: Lens, second: Lens) -> Lens:
    """``first ; second``: ``get = get1 ; get2``, ``put(a, c') = put1(a, put2(get1(a), c'))``."""
    first = _require_lens(first, "first")
    second = _require_lens(second, "second")
    check_composable(first.name, first.target, second.name, second.source, "lens")
    get1, put1, get2, put2 = first.get, first.put, second.get, second.put

    def get(a: Any) -> Any:
        return get2(get1(a))

    def put(a: Any, c: Any) -> Any:
        return put1(a, put2(get1(a), c))

    return Lens(
        get,
        put,
        f"({first.name} ; {second.name})",
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
        f"({first.name} ⊗ {second.name})",
        pair(first.source, second.source),
        pair(first.target, second.target),
        first.monomorphic and second.monomorphic,
        ("parallel", first, second),
    )
