"""The embedding ``F: Lens → Optic`` and the erasure ``U: Optic → Lens``.

- ``F(get, put) = (A, Δ ; (A × get), put)``: the residual is the whole input, ``forward(a) = (a, get(a))``,
  ``backward(a, b') = put(a, b')``.
- ``U(M, f, f#) = (f ; π_B, ((f ; π_M) × B') ; f#)``: ``get(a) = f(a)[1]``, ``put(a, b') = f#(f(a)[0], b')`` — the
  erased lens recomputes the residual in its backward pass.

``U ∘ F = id`` (``U(F(l))`` has the get and put of ``l``, checked extensionally by the properties); ``F ∘ U``
is only related to the identity by the 2-cell ``r = f ; π_M: F(U(o)) ⇒ o``
(:func:`assay.reference.optics.two_cells.counit_cell`). For cartesian categories the two categories are
equivalent, yet composites cost differently (:mod:`assay.reference.optics.cost`).
"""

from __future__ import annotations

from typing import Any

from .lens import Lens
from .optic import Optic

__all__ = ["embed", "erase"]


def embed(lens: Lens) -> Optic:
    """``F(lens)``: the optic with residual ``A`` (the input), ``forward(a) = (a, get(a))``."""
    if not isinstance(lens, Lens):
        raise TypeError(f"lens must be a Lens, got {type(lens).__name__}")
    get, put = lens.get, lens.put

    def forward(a: Any) -> tuple[Any, Any]:
        return a, get(a)

    def backward(a: Any, b: Any) -> Any:
        return put(a, b)

    return Optic(forward, backward, f"F({lens.name})", lens.source, lens.target, lens.source, ("embed", lens))


def erase(optic: Optic) -> Lens:
    """``U(optic)``: ``get(a) = forward(a)[1]``, ``put(a, b') = backward(forward(a)[0], b')``."""
    if not isinstance(optic, Optic):
        raise TypeError(f"optic must be an Optic, got {type(optic).__name__}")
    forward, backward = optic.forward, optic.backward

    def get(a: Any) -> Any:
        return forward(a)[1]

    def put(a: Any, b: Any) -> Any:
        return backward(forward(a)[0], b)

    # the laws make sense for U(F(l)) exactly when they do for l; other optics carry no such promise
    monomorphic = optic.kind == "embed" and optic.parts[1].monomorphic
    return Lens(get, put, f"U({optic.name})", optic.source, optic.target, monomorphic, ("erase", optic))
