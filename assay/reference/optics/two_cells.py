"""2-cells between optics and a checker that names the equation that fails.

A 2-cell ``(M, f, f#) ⇒ (N, g, g#)`` is a map ``r: M → N`` between residuals with

- the **forward** equation ``g = f ; (r × B)``: ``g(a) = (r(m), b)`` where ``(m, b) = f(a)``, for every ``a``;
- the **backward** equation ``f# = (r × B') ; g#``: ``f#(m, b') = g#(r(m), b')`` for every residual ``m ∈ M`` —
  every element of ``M``, not only residuals that ``f`` reaches, which is why :func:`check_two_cell` takes
  residual samples of its own.

Standard cells: :func:`comparison_cell` (``⟨id_A, get1⟩: F(l1 ; l2) ⇒ F(l1) ; F(l2)``, the oplax structure of ``F``),
:func:`projection_cell` (``π1: F(l1) ; F(l2) ⇒ F(l1 ; l2)`` — satisfies the forward equation but **not** the
backward one whenever ``put2`` depends on its residual; the negative control) and :func:`counit_cell`
(``f ; π_M: F(U(o)) ⇒ o``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .equivalence import values_equal
from .functors import embed, erase
from .lens import Lens, compose_lenses
from .optic import Optic, compose_optics

__all__ = [
    "BACKWARD_EQUATION",
    "FORWARD_EQUATION",
    "CellFailure",
    "TwoCell",
    "TwoCellCheck",
    "check_two_cell",
    "comparison_cell",
    "counit_cell",
    "projection_cell",
]

FORWARD_EQUATION = "forward: g = f ; (r × B)"
BACKWARD_EQUATION = "backward: f# = (r × B') ; g#"


@dataclass(frozen=True)
class TwoCell:
    """A candidate 2-cell ``r: source ⇒ target`` (``r`` maps residuals of ``source`` to residuals of ``target``)."""

    source: Optic
    target: Optic
    r: Callable[[Any], Any]
    name: str = "r"


@dataclass(frozen=True)
class CellFailure:
    """One counterexample: the equation, where it was evaluated, and its two sides."""

    equation: str
    at: Any
    left: Any
    right: Any

    def __str__(self) -> str:
        return f"{self.equation} fails at {self.at!r}: {self.left!r} != {self.right!r}"


@dataclass(frozen=True)
class TwoCellCheck:
    """The outcome of :func:`check_two_cell`: counts per equation and the first counterexamples."""

    name: str
    forward_checked: int
    backward_checked: int
    failures: tuple[CellFailure, ...]

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def failed_equations(self) -> frozenset[str]:
        """The equations (``FORWARD_EQUATION``/``BACKWARD_EQUATION``) with at least one counterexample."""
        return frozenset(f.equation for f in self.failures)

    def __str__(self) -> str:
        if self.ok:
            return f"{self.name} is a 2-cell on {self.forward_checked} inputs and {self.backward_checked} residuals"
        return f"{self.name} is not a 2-cell: " + "; ".join(str(f) for f in self.failures)


def check_two_cell(
    cell: TwoCell,
    inputs: Iterable[Any],
    residuals: Iterable[Any],
    cotangents: Iterable[Any],
    equal: Callable[[Any, Any], bool] = values_equal,
    max_per_equation: int = 2,
) -> TwoCellCheck:
    """Check both equations of ``cell`` on samples; the residuals ``f`` reaches from ``inputs`` are added to
    ``residuals``. Returns up to ``max_per_equation`` counterexamples per failing equation."""
    if not isinstance(cell, TwoCell):
        raise TypeError(f"cell must be a TwoCell, got {type(cell).__name__}")
    for side in ("source", "target"):
        if not isinstance(getattr(cell, side), Optic):
            raise TypeError(f"cell.{side} must be an Optic, got {type(getattr(cell, side)).__name__}")
    if not callable(cell.r):
        raise TypeError(f"cell.r must be callable, got {type(cell.r).__name__}")
    if not callable(equal):
        raise TypeError(f"equal must be callable, got {type(equal).__name__}")
    if isinstance(max_per_equation, bool) or not isinstance(max_per_equation, int):
        raise TypeError(f"max_per_equation must be an int, got {type(max_per_equation).__name__}")
    if max_per_equation < 1:
        raise ValueError(f"max_per_equation must be >= 1, got {max_per_equation}")
    for value, name in ((inputs, "inputs"), (residuals, "residuals"), (cotangents, "cotangents")):
        if not isinstance(value, Iterable):
            raise TypeError(f"{name} must be an iterable of samples, got {type(value).__name__}")
    f, f_sharp = cell.source.forward, cell.source.backward
    g, g_sharp = cell.target.forward, cell.target.backward
    inputs, residuals, cotangents = list(inputs), list(residuals), list(cotangents)
    if not inputs or not cotangents:
        raise ValueError("inputs and cotangents must each contain at least one sample")
    failures: dict[str, list[CellFailure]] = {FORWARD_EQUATION: [], BACKWARD_EQUATION: []}
    reached: list[Any] = []
    for a in inputs:
        m, b = f(a)
        reached.append(m)
        left, right = g(a), (cell.r(m), b)
        if not equal(left, right):
            failures[FORWARD_EQUATION].append(CellFailure(FORWARD_EQUATION, a, left, right))
    all_residuals = [*reached, *residuals]
    for m in all_residuals:
        for c in cotangents:
            left, right = f_sharp(m, c), g_sharp(cell.r(m), c)
            if not equal(left, right):
                failures[BACKWARD_EQUATION].append(CellFailure(BACKWARD_EQUATION, (m, c), left, right))
    reported = tuple(x for found in failures.values() for x in found[:max_per_equation])
    return TwoCellCheck(cell.name, len(inputs), len(all_residuals) * len(cotangents), reported)


def _require_lenses(first: object, second: object) -> None:
    for value, name in ((first, "first"), (second, "second")):
        if not isinstance(value, Lens):
            raise TypeError(f"{name} must be a Lens, got {type(value).__name__}")


def comparison_cell(first: Lens, second: Lens) -> TwoCell:
    """The oplax comparison ``r = ⟨id_A, get1⟩: F(first ; second) ⇒ F(first) ; F(second)``."""
    _require_lenses(first, second)
    get1 = first.get
    return TwoCell(
        embed(compose_lenses(first, second)),
        compose_optics(embed(first), embed(second)),
        lambda a: (a, get1(a)),
        f"⟨id, get⟩: F({first.name} ; {second.name}) ⇒ F({first.name}) ; F({second.name})",
    )


def projection_cell(first: Lens, second: Lens) -> TwoCell:
    """The projection ``r = π1: F(first) ; F(second) ⇒ F(first ; second)`` — not a 2-cell in general."""
    _require_lenses(first, second)
    return TwoCell(
        compose_optics(embed(first), embed(second)),
        embed(compose_lenses(first, second)),
        lambda residual: residual[0],
        f"π1: F({first.name}) ; F({second.name}) ⇒ F({first.name} ; {second.name})",
    )


def counit_cell(optic: Optic) -> TwoCell:
    """``r = f ; π_M: F(U(optic)) ⇒ optic`` — a 2-cell for every optic."""
    if not isinstance(optic, Optic):
        raise TypeError(f"optic must be an Optic, got {type(optic).__name__}")
    forward = optic.forward
    return TwoCell(embed(erase(optic)), optic, lambda a: forward(a)[0], f"f;π_M: F(U({optic.name})) ⇒ {optic.name}")
