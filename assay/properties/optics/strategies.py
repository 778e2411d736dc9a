"""Hypothesis strategies for lenses, bracketings, AD chains and segmentations.

- :func:`lawful_finite_lenses`: a lens on ``S = {0 … |C||V|−1}`` built from a random bijection ``S ≅ C × V``
  (complement × view) — it satisfies GetPut, PutGet and PutPut (a "very well-behaved" lens);
- :func:`broken_finite_lenses`: a lawful lens with one designed defect, tagged with the law it breaks;
- :func:`table_lenses`: ``get``/``put`` from random tables — law-breaking or not, as chance has it;
- :func:`record_lenses`: field lenses on records (tuples of small ints), lawful;
- :func:`bracketings`: random binary trees over the leaves ``0 … n−1``;
- :func:`segmentations`: random compositions of ``n`` (segment lengths in order);
- :func:`ad_chains`: random chains of :class:`~assay.reference.optics.ad.Primitive` with matching shapes and
  bounded values (``exp`` and ``square`` only follow a bounded primitive, so nothing overflows).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import strategies as st

from assay.reference.optics.ad import Primitive
from assay.reference.optics.lens import Lens, primitive_lens

__all__ = [
    "FiniteLens",
    "ad_chains",
    "bracketings",
    "broken_finite_lenses",
    "lawful_finite_lenses",
    "record_lenses",
    "segmentations",
    "table_lenses",
]


@dataclass(frozen=True)
class FiniteLens:
    """A lens with its finite domains: every state and every view. ``breaks`` names the designed defect."""

    lens: Lens
    states: tuple[Any, ...]
    views: tuple[Any, ...]
    breaks: str | None = None


def _check_size(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")
    return value


def _iso_lens(permutation: list[int], n_views: int, name: str) -> tuple[Any, Any]:
    inverse = [0] * len(permutation)
    for s, t in enumerate(permutation):
        inverse[t] = s

    def get(s: int) -> int:
        return permutation[s] % n_views

    def put(s: int, v: int) -> int:
        return inverse[(permutation[s] // n_views) * n_views + v]

    return get, put


@st.composite
def lawful_finite_lenses(
    draw: st.DrawFn, max_complement: int = 3, max_views: int = 4, n_views: int | None = None
) -> FiniteLens:
    """A lawful lens from a random bijection ``S ≅ C × V`` (``|V| = n_views`` when given)."""
    _check_size(max_complement, "max_complement")
    _check_size(max_views, "max_views")
    if n_views is not None:
        _check_size(n_views, "n_views")
    n_complement = draw(st.integers(1, max_complement))
    n_views = draw(st.integers(1, max_views)) if n_views is None else n_views
    permutation = draw(st.permutations(range(n_complement * n_views)))
    get, put = _iso_lens(list(permutation), n_views, "iso")
    lens = primitive_lens(get, put, name=f"iso{n_complement}x{n_views}")
    return FiniteLens(lens, tuple(range(n_complement * n_views)), tuple(range(n_views)))


@st.composite
def broken_finite_lenses(draw: st.DrawFn) -> FiniteLens:
    """A lens with one designed defect; ``breaks`` is the law the defect must violate.

    - ``GetPut``: ``put(s0, get(s0))`` returns another state ``t ≠ s0`` with the same view;
    - ``PutGet``: ``put(s, v) = s`` (the write is ignored) — ``|V| ≥ 2``;
    - ``PutPut``: states ``V × Z/3``; ``put((v0, c), v) = (v, c)`` if ``v = v0`` else ``(v, c + 1)`` — GetPut and
      PutGet hold, but two writes bump the counter twice.
    """
    law = draw(st.sampled_from(["GetPut", "PutGet", "PutPut"]))
    n_views = draw(st.integers(2, 4))
    if law == "PutPut":
        states = tuple((v, c) for v in range(n_views) for c in range(3))

        def get(s: tuple[int, int]) -> int:
            return s[0]

        def put(s: tuple[int, int], v: int) -> tuple[int, int]:
            return (v, s[1]) if v == s[0] else (v, (s[1] + 1) % 3)

        return FiniteLens(primitive_lens(get, put, name="counting"), states, tuple(range(n_views)), law)
    if law == "PutGet":

        def put_ignoring(s: int, v: int) -> int:
            return s

        lens = primitive_lens(lambda s: s % n_views, put_ignoring, name="read-only")
        return FiniteLens(lens, tuple(range(2 * n_views)), tuple(range(n_views)), law)
    base = draw(lawful_finite_lenses(max_complement=3, max_views=n_views))
    states = base.states
    same_view = [(s, t) for s in states for t in states if s != t and base.lens.get(s) == base.lens.get(t)]
    if not same_view:  # a bijection with |C| = 1: add a second complement to have a state to jump to
        base = FiniteLens(primitive_lens(lambda s: s % n_views, lambda s, v: (s // n_views) * n_views + v),
                          tuple(range(2 * n_views)), tuple(range(n_views)))
        states = base.states
        same_view = [(s, t) for s in states for t in states if s != t and base.lens.get(s) == base.lens.get(t)]
    s0, t0 = draw(st.sampled_from(same_view))
    base_get, base_put = base.lens.get, base.lens.put

    def put_jumping(s: int, v: int) -> int:
        return t0 if (s == s0 and v == base_get(s0)) else base_put(s, v)

    return FiniteLens(primitive_lens(base_get, put_jumping, name="jumping"), states, base.views, law)


@st.composite
def table_lenses(draw: st.DrawFn, max_states: int = 5, max_views: int = 3) -> FiniteLens:
    """``get: S → V`` and ``put: S × V → S`` from random tables (often law-breaking)."""
    _check_size(max_states, "max_states")
    _check_size(max_views, "max_views")
    n_states = draw(st.integers(1, max_states))
    n_views = draw(st.integers(1, max_views))
    get_table = draw(st.lists(st.integers(0, n_views - 1), min_size=n_states, max_size=n_states))
    put_table = draw(
        st.lists(st.integers(0, n_states - 1), min_size=n_states * n_views, max_size=n_states * n_views)
    )
    lens = primitive_lens(lambda s: get_table[s], lambda s, v: put_table[s * n_views + v], name="table")
    return FiniteLens(lens, tuple(range(n_states)), tuple(range(n_views)))


@st.composite
def record_lenses(draw: st.DrawFn, max_fields: int = 3, max_values: int = 3) -> FiniteLens:
    """The lens on field ``i`` of records ``(x_0, …, x_{f−1})`` with ``x_j ∈ {0 … d_j − 1}``."""
    _check_size(max_fields, "max_fields")
    _check_size(max_values, "max_values")
    sizes = draw(st.lists(st.integers(1, max_values), min_size=1, max_size=max_fields))
    field = draw(st.integers(0, len(sizes) - 1))
    states = tuple(np.ndindex(*sizes))

    def put(s: tuple[int, ...], v: int) -> tuple[int, ...]:
        return (*s[:field], v, *s[field + 1 :])

    lens = primitive_lens(lambda s: s[field], put, name=f"field{field}", source=f"record{tuple(sizes)}",
                          target=f"int<{sizes[field]}")
    return FiniteLens(lens, states, tuple(range(sizes[field])))


@st.composite
def bracketings(draw: st.DrawFn, n: int) -> Any:
    """A random binary bracketing tree with leaves ``0 … n−1`` in order (built without recursion)."""
    _check_size(n, "n")
    # each pending interval [lo, hi) is split at a drawn point; finished subtrees are combined bottom-up
    values: list[Any] = []
    stack: list[tuple[bool, int, int]] = [(False, 0, n)]
    while stack:
        combine, lo, hi = stack.pop()
        if combine:
            right = values.pop()
            values.append((values.pop(), right))
        elif hi - lo == 1:
            values.append(lo)
        else:
            split = draw(st.integers(lo + 1, hi - 1))
            stack.extend(((True, 0, 0), (False, split, hi), (False, lo, split)))
    return values[0]


@st.composite
def segmentations(draw: st.DrawFn, n: int) -> list[int]:
    """A random composition of ``n``: positive segment lengths, in order, summing to ``n``."""
    _check_size(n, "n")
    cuts = draw(st.sets(st.integers(1, n - 1), max_size=n - 1)) if n > 1 else set()
    bounds = [0, *sorted(cuts), n]
    return [b - a for a, b in itertools.pairwise(bounds)]


_BOUNDED = ("tanh", "sigmoid", "sin", "cos")


@st.composite
def ad_chains(
    draw: st.DrawFn, min_length: int = 1, max_length: int = 6, max_dim: int = 4, end_with_sum: bool = False
) -> list[Primitive]:
    """A random chain of primitives on vectors (affine changes the dimension); parameters from a numpy seed."""
    _check_size(min_length, "min_length")
    _check_size(max_length, "max_length")
    _check_size(max_dim, "max_dim")
    if max_length < min_length:
        raise ValueError(f"max_length must be >= min_length = {min_length}, got {max_length}")
    length = draw(st.integers(min_length, max_length))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    dim = draw(st.integers(1, max_dim))
    chain: list[Primitive] = []
    previous_bounded = True  # inputs are drawn from [-1, 1]
    for _ in range(length):
        choices = ["affine", "relu", "mul", "add", *_BOUNDED]
        if previous_bounded:
            choices += ["exp", "square"]
        name = draw(st.sampled_from(choices))
        if name == "affine":
            out = draw(st.integers(1, max_dim))
            params = (rng.uniform(-1, 1, (out, dim)) / np.sqrt(dim), rng.uniform(-1, 1, out))
            chain.append(Primitive(name, (dim,), params))
            dim = out
        elif name in ("mul", "add"):
            chain.append(Primitive(name, (dim,), (rng.uniform(-1, 1, dim),)))
        else:  # one of ELEMENTWISE
            chain.append(Primitive(name, (dim,)))
        previous_bounded = name in _BOUNDED
    if end_with_sum:
        chain.append(Primitive("sum", (dim,)))
    return chain
