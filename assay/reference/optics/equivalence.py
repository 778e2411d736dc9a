"""The decidable equality of cartesian deterministic optics: ``o1 ~ o2`` iff ``U(o1)`` and ``U(o2)`` agree.

Optics are triples up to sliding a map between residuals, so two optics with different residuals can be equal; for
cartesian, deterministic categories the erasure ``U`` is an equivalence, so comparing the erased lenses
extensionally (``get`` on every input, ``put`` on every input × cotangent pair) decides optic equality on the
samples given. :func:`values_equal` is exact structural equality (numpy arrays elementwise, tuples, lists, dicts);
pass ``equal=`` for another notion.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .functors import erase
from .lens import Lens
from .optic import Optic

__all__ = ["Disagreement", "EquivalenceCheck", "lenses_agree", "optics_equivalent", "values_equal"]


def _is_tensor(value: Any) -> bool:
    """A torch tensor (recognised without importing torch): a shape, ``tolist`` and ``detach``."""
    return hasattr(value, "shape") and hasattr(value, "tolist") and hasattr(value, "detach")


def values_equal(x: Any, y: Any) -> bool:
    """Exact structural equality: arrays and tensors by shape and elements (a tensor equals only a tensor), tuples,
    lists and dicts recursively, anything else by ``==``.

    A comparison whose ``==`` gives no truth value (an object that returns an array-like from ``==``) is a
    ``TypeError`` naming both types, never a guess.
    """
    if _is_tensor(x) or _is_tensor(y):
        if not (_is_tensor(x) and _is_tensor(y)):
            return False
        if tuple(x.shape) != tuple(y.shape) or x.dtype.is_complex != y.dtype.is_complex:
            return False
        return bool((x.detach().cpu() == y.detach().cpu()).all())
    if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
        x_array, y_array = np.asarray(x), np.asarray(y)
        if x_array.shape != y_array.shape:
            return False
        try:
            return bool(np.all(x_array == y_array))
        except (TypeError, ValueError):  # elementwise == between incomparable dtypes
            return False
    if isinstance(x, (tuple, list)) and isinstance(y, (tuple, list)):
        return type(x) is type(y) and len(x) == len(y) and all(values_equal(a, b) for a, b in zip(x, y))
    if isinstance(x, dict) and isinstance(y, dict):
        return x.keys() == y.keys() and all(values_equal(x[k], y[k]) for k in x)
    result = x == y
    if isinstance(result, (bool, np.bool_)):
        return bool(result)
    try:
        return bool(result)
    except (TypeError, ValueError, RuntimeError):
        raise TypeError(
            f"cannot compare {type(x).__name__} with {type(y).__name__}: == gave a {type(result).__name__} "
            "without a truth value (pass equal= for these values)"
        ) from None


@dataclass(frozen=True)
class Disagreement:
    """Where two lenses differ: ``part`` is ``"get"`` or ``"put"``, ``at`` the input (or input, cotangent)."""

    part: str
    at: Any
    first: Any
    second: Any

    def __str__(self) -> str:
        return f"{self.part} differs at {self.at!r}: {self.first!r} != {self.second!r}"


@dataclass(frozen=True)
class EquivalenceCheck:
    """The outcome of comparing two lenses (or the erasures of two optics) on samples."""

    first: str
    second: str
    checked: int
    disagreements: tuple[Disagreement, ...]

    @property
    def ok(self) -> bool:
        return not self.disagreements

    def __str__(self) -> str:
        if self.ok:
            return f"{self.first} ~ {self.second} on {self.checked} samples"
        return f"{self.first} !~ {self.second}: " + "; ".join(str(d) for d in self.disagreements[:3])


def _samples(values: Iterable[Any], name: str) -> list[Any]:
    if not isinstance(values, Iterable):
        raise TypeError(f"{name} must be an iterable of samples, got {type(values).__name__}")
    values = list(values)
    if not values:
        what = "put would never be compared" if name == "cotangents" else "nothing would be compared"
        raise ValueError(f"{name} must contain at least one sample ({what})")
    return values


def lenses_agree(
    first: Lens,
    second: Lens,
    inputs: Iterable[Any],
    cotangents: Iterable[Any],
    equal: Callable[[Any, Any], bool] = values_equal,
    max_reported: int = 5,
) -> EquivalenceCheck:
    """Compare ``get`` on every input and ``put`` on every (input, cotangent) pair.

    Both ``inputs`` and ``cotangents`` must be non-empty: with no cotangent ``put`` would never be compared and two
    lenses with different backward passes would be reported equivalent. ``max_reported`` (an int ``>= 1``) bounds
    the disagreements kept; ``checked`` counts every comparison made.
    """
    if not isinstance(first, Lens) or not isinstance(second, Lens):
        raise TypeError(f"first and second must be Lens, got {type(first).__name__} and {type(second).__name__}")
    inputs = _samples(inputs, "inputs")
    cotangents = _samples(cotangents, "cotangents")
    if not callable(equal):
        raise TypeError(f"equal must be callable, got {type(equal).__name__}")
    if isinstance(max_reported, bool) or not isinstance(max_reported, int):
        raise TypeError(f"max_reported must be an int, got {type(max_reported).__name__}")
    if max_reported < 1:
        raise ValueError(f"max_reported must be >= 1, got {max_reported}")
    found: list[Disagreement] = []
    checked = 0
    for a in inputs:
        checked += 1
        x, y = first.get(a), second.get(a)
        if not equal(x, y):
            found.append(Disagreement("get", a, x, y))
        for c in cotangents:
            checked += 1
            x, y = first.put(a, c), second.put(a, c)
            if not equal(x, y):
                found.append(Disagreement("put", (a, c), x, y))
    return EquivalenceCheck(first.name, second.name, checked, tuple(found[:max_reported]))


def optics_equivalent(
    first: Optic,
    second: Optic,
    inputs: Iterable[Any],
    cotangents: Iterable[Any],
    equal: Callable[[Any, Any], bool] = values_equal,
) -> EquivalenceCheck:
    """``first ~ second`` decided by comparing ``U(first)`` and ``U(second)`` extensionally on the samples."""
    if not isinstance(first, Optic) or not isinstance(second, Optic):
        raise TypeError(f"first and second must be Optic, got {type(first).__name__} and {type(second).__name__}")
    return lenses_agree(erase(first), erase(second), inputs, cotangents, equal)
