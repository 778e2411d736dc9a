"""The lens laws, named by their equations, with a checker that reports every violated equation.

For a monomorphic lens (``A = A'``, ``B = B'``) with states ``s`` and views ``v, v'``:

- **GetPut** ``put(s, get(s)) = s`` — writing back what you read changes nothing (lens library: set-view);
- **PutGet** ``get(put(s, v)) = v`` — you read back what you wrote (view-set);
- **PutPut** ``put(put(s, v), v') = put(s, v')`` — the last write wins (set-set).

The laws are meaningless for AD lenses (``put`` returns a gradient, not a new state); :func:`check_lens_laws`
refuses lenses that are not marked ``monomorphic`` with a ``TypeError``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from assay.reference.optics.equivalence import values_equal
from assay.reference.optics.lens import Lens

__all__ = ["LAWS", "LawCase", "LawReport", "LawViolation", "check_lens_laws"]

#: Law name → its equation.
LAWS: dict[str, str] = {
    "GetPut": "put(s, get(s)) = s",
    "PutGet": "get(put(s, v)) = v",
    "PutPut": "put(put(s, v), v') = put(s, v')",
}


@dataclass(frozen=True)
class LawCase:
    """A lens of some implementation with the finite domains to check it on.

    ``breaks`` lists the laws the implementation documents as *not* holding on these domains (e.g. a lens that
    writes a default into a dict breaks GetPut when the key is missing): a conformance test expects the checker
    to find exactly these. ``source``/``target`` label the state and view types for composition checks.
    """

    name: str
    get: Callable[[Any], Any]
    put: Callable[[Any, Any], Any]
    states: tuple[Any, ...]
    views: tuple[Any, ...]
    breaks: frozenset[str] = frozenset()
    source: Any = None
    target: Any = None
    note: str = ""

    def as_lens(self) -> Lens:
        """The case as a (monomorphic) :class:`~assay.reference.optics.lens.Lens`."""
        return Lens(self.get, self.put, self.name, self.source, self.target, True)


@dataclass(frozen=True)
class LawViolation:
    """One counterexample: the law, its equation, the arguments, and both sides of the equation."""

    law: str
    state: Any
    view: Any = None
    view2: Any = None
    left: Any = None
    right: Any = None

    @property
    def equation(self) -> str:
        return LAWS[self.law]

    def __str__(self) -> str:
        args = f"s={self.state!r}"
        if self.law != "GetPut":
            args += f", v={self.view!r}"
        if self.law == "PutPut":
            args += f", v'={self.view2!r}"
        return f"{self.law} [{self.equation}] fails at {args}: {self.left!r} != {self.right!r}"


@dataclass(frozen=True)
class LawReport:
    """Counterexamples per law (up to a cap) and how many instances of each law were checked."""

    lens: str
    checked: dict[str, int]
    violations: tuple[LawViolation, ...]

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def broken(self) -> frozenset[str]:
        """The names of the laws with at least one counterexample."""
        return frozenset(v.law for v in self.violations)

    def __str__(self) -> str:
        if self.ok:
            counts = ", ".join(f"{law} ×{n}" for law, n in self.checked.items())
            return f"{self.lens} satisfies {counts}"
        return f"{self.lens} breaks {', '.join(sorted(self.broken))}:\n  " + "\n  ".join(map(str, self.violations))


def check_lens_laws(
    lens: Lens,
    states: Iterable[Any],
    views: Iterable[Any],
    laws: Sequence[str] = ("GetPut", "PutGet", "PutPut"),
    equal: Callable[[Any, Any], bool] = values_equal,
    max_per_law: int = 3,
) -> LawReport:
    """Check ``laws`` on every state (GetPut), state × view (PutGet), state × view × view (PutPut)."""
    if not isinstance(lens, Lens):
        raise TypeError(f"lens must be a Lens, got {type(lens).__name__}")
    if not lens.monomorphic:
        raise TypeError(
            f"the lens laws apply only to monomorphic lenses (A = A', B = B'); {lens.name!r} is not (an AD lens's "
            "put returns a gradient, not a state)"
        )
    if isinstance(laws, str) or not isinstance(laws, Iterable):
        raise TypeError(f"laws must be a sequence of law names ({', '.join(LAWS)}), got {type(laws).__name__}")
    laws = tuple(laws)
    if not laws:
        raise ValueError(f"laws must name at least one of {', '.join(LAWS)}")
    unknown = [law for law in laws if not isinstance(law, str) or law not in LAWS]
    if unknown:
        raise ValueError(f"laws must be among {', '.join(LAWS)}; got {unknown}")
    if not callable(equal):
        raise TypeError(f"equal must be callable, got {type(equal).__name__}")
    if isinstance(max_per_law, bool) or not isinstance(max_per_law, int):
        raise TypeError(f"max_per_law must be an int, got {type(max_per_law).__name__}")
    if max_per_law < 1:
        raise ValueError(f"max_per_law must be >= 1, got {max_per_law}")
    for value, name in ((states, "states"), (views, "views")):
        if not isinstance(value, Iterable):
            raise TypeError(f"{name} must be an iterable, got {type(value).__name__}")
    states, views = list(states), list(views)
    if not states:
        raise ValueError("states must contain at least one state")
    if not views and any(law != "GetPut" for law in laws):
        raise ValueError("views must contain at least one view for PutGet and PutPut")
    get, put = lens.get, lens.put
    found: dict[str, list[LawViolation]] = {law: [] for law in laws}
    checked = dict.fromkeys(laws, 0)
    for s in states:
        if "GetPut" in found:
            checked["GetPut"] += 1
            left = put(s, get(s))
            if not equal(left, s):
                found["GetPut"].append(LawViolation("GetPut", s, left=left, right=s))
        for v in views:
            written = put(s, v) if ("PutGet" in found or "PutPut" in found) else None
            if "PutGet" in found:
                checked["PutGet"] += 1
                left = get(written)
                if not equal(left, v):
                    found["PutGet"].append(LawViolation("PutGet", s, v, left=left, right=v))
            if "PutPut" in found:
                for v2 in views:
                    checked["PutPut"] += 1
                    left, right = put(written, v2), put(s, v2)
                    if not equal(left, right):
                        found["PutPut"].append(LawViolation("PutPut", s, v, v2, left, right))
    violations = tuple(x for law in laws for x in found[law][:max_per_law])
    return LawReport(lens.name, checked, violations)
