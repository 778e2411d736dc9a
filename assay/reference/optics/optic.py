"""Cartesian optics with an explicit residual: ``(M, f: A → M × B, f#: M × B' → A')``.

- composition ``(M, f, f#) ; (N, g, g#) = (M × N, f ; (M × g), (M × g#) ; f#)``: the forward pass returns the pair of
  residuals ``(m, n)`` and the backward pass consumes them, ``f#(m, g#(n, c'))`` — residuals compose in parallel and
  nothing is recomputed;
- identity ``(1, λ⁻¹, λ)``: residual ``()`` (the unit), ``forward(a) = ((), a)``, ``backward((), a') = a'``;
- parallel product: residual ``(m1, m2)``, acting on pairs.

``forward`` returns the pair ``(residual, output)``; ``backward`` takes ``(residual, cotangent)``. Optics are defined
up to sliding a map between the residual slots; :mod:`assay.reference.optics.equivalence` decides that equivalence
for cartesian, deterministic optics by comparing erasures. ``residual`` is an optional label of ``M``.

Composites of any depth run without recursion (:func:`composite_forward`, :func:`composite_backward` walk the
composition tree with an explicit stack and call the primitives in the order of the recursive definitions).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .lens import check_composable, joined_name

__all__ = [
    "Optic",
    "compose_optics",
    "composite_backward",
    "composite_forward",
    "identity_optic",
    "parallel_optics",
    "primitive_optic",
]


@dataclass(frozen=True, eq=False)
class Optic:
    """An optic ``(A, A') → (B, B')`` with residual ``M``: ``forward: A → (M, B)``, ``backward: (M, B') → A'``.

    ``parts`` records the construction: ``()`` primitive, ``("identity",)``, ``("compose", o1, o2)``,
    ``("parallel", o1, o2)`` or ``("embed", lens)`` (see :func:`assay.reference.optics.functors.embed`).
    """

    forward: Callable[[Any], tuple[Any, Any]]
    backward: Callable[[Any, Any], Any]
    name: str = "optic"
    source: Any = None
    target: Any = None
    residual: Any = None
    parts: tuple = ()

    @property
    def kind(self) -> str:
        """``"primitive"``, ``"identity"``, ``"compose"``, ``"parallel"`` or ``"embed"``."""
        return self.parts[0] if self.parts else "primitive"

    def then(self, other: Optic) -> Optic:
        """``self ; other`` (diagrammatic order)."""
        return compose_optics(self, other)

    def __repr__(self) -> str:
        return f"Optic({self.name})"


def primitive_optic(
    forward: Callable[[Any], tuple[Any, Any]],
    backward: Callable[[Any, Any], Any],
    name: str = "optic",
    source: Any = None,
    target: Any = None,
    residual: Any = None,
) -> Optic:
    """A primitive optic from two callables; refuses non-callables with a ``TypeError``."""
    if not callable(forward):
        raise TypeError(f"forward must be callable, got {type(forward).__name__}")
    if not callable(backward):
        raise TypeError(f"backward must be callable, got {type(backward).__name__}")
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__}")
    return Optic(forward, backward, name, source, target, residual)


def _require_optic(value: object, argument: str) -> Optic:
    if not isinstance(value, Optic):
        hint = " (embed a lens into optics with embed())"
        raise TypeError(f"{argument} must be an Optic, got {type(value).__name__}{hint}")
    return value


def compose_optics(first: Optic, second: Optic) -> Optic:
    """``first ; second`` with residual ``(m, n)``: ``backward((m, n), c') = f#(m, g#(n, c'))``."""
    first = _require_optic(first, "first")
    second = _require_optic(second, "second")
    check_composable(first.name, first.target, second.name, second.source, "optic")

    def forward(a: Any) -> tuple[Any, Any]:
        m, b = composite_forward(first, a)
        n, c = composite_forward(second, b)
        return (m, n), c

    def backward(residual: Any, c: Any) -> Any:
        m, n = _pair(residual)
        return composite_backward(first, m, composite_backward(second, n, c))

    residual = None if first.residual is None or second.residual is None else (first.residual, second.residual)
    return Optic(
        forward,
        backward,
        joined_name(first.name, ";", second.name),
        first.source,
        second.target,
        residual,
        ("compose", first, second),
    )


def identity_optic(obj: Any = None) -> Optic:
    """The identity optic ``(1, λ⁻¹, λ)``: residual ``()``."""

    def backward(unit: Any, a_prime: Any) -> Any:
        return a_prime

    return Optic(lambda a: ((), a), backward, "id", obj, obj, (), ("identity",))


def parallel_optics(first: Optic, second: Optic) -> Optic:
    """The monoidal product ``first ⊗ second`` on pairs, residual ``(m1, m2)``."""
    first = _require_optic(first, "first")
    second = _require_optic(second, "second")
    f, f_sharp, g, g_sharp = first.forward, first.backward, second.forward, second.backward

    def forward(a: Any) -> tuple[Any, Any]:
        a1, a2 = a
        m1, b1 = f(a1)
        m2, b2 = g(a2)
        return (m1, m2), (b1, b2)

    def backward(residual: Any, b: Any) -> Any:
        (m1, m2), (b1, b2) = residual, b
        return (f_sharp(m1, b1), g_sharp(m2, b2))

    def pair(x: Any, y: Any) -> Any:
        return None if x is None or y is None else (x, y)

    return Optic(
        forward,
        backward,
        joined_name(first.name, "⊗", second.name),
        pair(first.source, second.source),
        pair(first.target, second.target),
        pair(first.residual, second.residual),
        ("parallel", first, second),
    )


def _pair(residual: Any) -> tuple[Any, Any]:
    """The two halves ``(m, n)`` of a composite's residual; a ``ValueError`` when it is not a pair."""
    try:
        m, n = residual
    except (TypeError, ValueError):
        raise ValueError(
            f"the residual of a composite optic must be a pair (m, n) as its forward returned it, got "
            f"{type(residual).__name__}"
        ) from None
    return m, n


def composite_forward(optic: Optic, a: Any) -> tuple[Any, Any]:
    """``forward`` of ``optic`` without recursion: ``(m, b) = f(a)``, ``(n, c) = g(b)``, residual ``(m, n)``, for
    every ``compose`` node, in a post-order walk that pairs the residuals as the bracketing does."""
    if optic.kind != "compose":
        return optic.forward(a)
    residuals: list[Any] = []
    stack: list[Optic | None] = [optic]  # None: pair the last two residuals
    while stack:
        node = stack.pop()
        if node is None:
            n = residuals.pop()
            residuals.append((residuals.pop(), n))
        elif node.kind == "compose":
            stack.extend((None, node.parts[2], node.parts[1]))
        else:
            m, a = node.forward(a)
            residuals.append(m)
    return residuals[0], a


def composite_backward(optic: Optic, residual: Any, c: Any) -> Any:
    """``backward`` of ``optic`` without recursion: ``backward((m, n), c') = f#(m, g#(n, c'))`` for every
    ``compose`` node — the second half first, then the first."""
    if optic.kind != "compose":
        return optic.backward(residual, c)
    stack: list[tuple[Optic, Any]] = [(optic, residual)]
    while stack:
        node, r = stack.pop()
        if node.kind == "compose":
            m, n = _pair(r)
            stack.append((node.parts[1], m))
            stack.append((node.parts[2], n))
        else:
            c = node.backward(r, c)
    return c
