"""Composites of a chain of lenses ``l1, …, ln``: bracketings, optic chains and checkpointed (mixed) chains.

All of these denote the same lens (lens composition is associative and ``U`` is an equivalence); they differ in
what the backward pass recomputes and what is stored between the passes (:mod:`assay.reference.optics.cost`).

- :func:`right_nested` ``l1 ; (l2 ; (… ; ln))``, :func:`left_nested` ``((l1 ; l2) ; …) ; ln``, :func:`bracketed`
  any binary tree over the leaves ``0 … n−1`` in order (a leaf is an ``int``, a node a pair ``(left, right)``);
- :func:`optic_chain` ``F(l1) ; … ; F(ln)``: every input is a residual;
- :func:`checkpointed` the mixed composite ``F(s1) ; … ; F(sm)`` where each segment ``sj`` is a right-nested lens
  composite of consecutive layers: only segment inputs are stored, segment interiors are recomputed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .functors import embed
from .lens import Lens, compose_lenses
from .optic import Optic, compose_optics

__all__ = [
    "bracketed",
    "checkpointed",
    "left_nested",
    "left_tree",
    "optic_chain",
    "right_nested",
    "right_tree",
    "segment_lengths",
    "tree_leaves",
]


def _check_lenses(lenses: Sequence[Lens]) -> list[Lens]:
    lenses = list(lenses)
    if not lenses:
        raise ValueError("lenses must contain at least one lens")
    for index, lens in enumerate(lenses):
        if not isinstance(lens, Lens):
            raise TypeError(f"lenses[{index}] must be a Lens, got {type(lens).__name__}")
    return lenses


def right_tree(n: int) -> Any:
    """The right-nested bracketing ``0 ; (1 ; (… ; n−1))`` as a tree."""
    tree: Any = n - 1
    for index in range(n - 2, -1, -1):
        tree = (index, tree)
    return tree


def left_tree(n: int) -> Any:
    """The left-nested bracketing ``((0 ; 1) ; …) ; n−1`` as a tree."""
    tree: Any = 0
    for index in range(1, n):
        tree = (tree, index)
    return tree


def tree_leaves(tree: Any) -> list[int]:
    """The leaves of a bracketing tree, left to right."""
    if isinstance(tree, bool) or not isinstance(tree, (int, tuple)):
        raise TypeError(f"a bracketing tree is an int leaf or a pair of trees, got {type(tree).__name__}")
    if isinstance(tree, int):
        return [tree]
    if len(tree) != 2:
        raise ValueError(f"a bracketing node must be a pair (left, right), got {len(tree)} children")
    return tree_leaves(tree[0]) + tree_leaves(tree[1])


def bracketed(lenses: Sequence[Lens], tree: Any) -> Lens:
    """The lens composite of ``lenses`` bracketed as ``tree`` (leaves ``0 … n−1`` in order)."""
    lenses = _check_lenses(lenses)
    leaves = tree_leaves(tree)
    if leaves != list(range(len(lenses))):
        raise ValueError(f"tree must have the leaves 0..{len(lenses) - 1} in order, got {leaves}")

    def build(node: Any) -> Lens:
        if isinstance(node, int):
            return lenses[node]
        return compose_lenses(build(node[0]), build(node[1]))

    return build(tree)


def right_nested(lenses: Sequence[Lens]) -> Lens:
    """``l1 ; (l2 ; (… ; ln))``."""
    lenses = _check_lenses(lenses)
    return bracketed(lenses, right_tree(len(lenses)))


def left_nested(lenses: Sequence[Lens]) -> Lens:
    """``((l1 ; l2) ; …) ; ln``."""
    lenses = _check_lenses(lenses)
    return bracketed(lenses, left_tree(len(lenses)))


def optic_chain(lenses: Sequence[Lens], tree: Any = None) -> Optic:
    """``F(l1) ; … ; F(ln)`` bracketed as ``tree`` (default right-nested)."""
    lenses = _check_lenses(lenses)
    optics = [embed(lens) for lens in lenses]
    tree = right_tree(len(optics)) if tree is None else tree
    if tree_leaves(tree) != list(range(len(optics))):
        raise ValueError(f"tree must have the leaves 0..{len(optics) - 1} in order")

    def build(node: Any) -> Optic:
        if isinstance(node, int):
            return optics[node]
        return compose_optics(build(node[0]), build(node[1]))

    return build(tree)


def segment_lengths(n: int, k: int) -> list[int]:
    """Split ``n`` layers into consecutive segments of ``k`` layers (the last one shorter when ``k ∤ n``)."""
    for value, name in ((n, "n"), (k, "k")):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    if not 1 <= k <= n:
        raise ValueError(f"k must satisfy 1 <= k <= n = {n}, got {k}")
    return [min(k, n - start) for start in range(0, n, k)]


def checkpointed(lenses: Sequence[Lens], segments: int | Sequence[int]) -> Optic:
    """The checkpointed chain ``F(s1) ; … ; F(sm)`` with right-nested lens segments.

    ``segments`` is the segment length ``k`` (see :func:`segment_lengths`) or the list of segment lengths, which
    must be positive and sum to ``n``. ``k = 1`` gives :func:`optic_chain`, ``k = n`` gives ``F(right_nested)``.
    """
    lenses = _check_lenses(lenses)
    n = len(lenses)
    lengths = segment_lengths(n, segments) if isinstance(segments, int) else list(segments)
    if any(isinstance(x, bool) or not isinstance(x, int) or x < 1 for x in lengths):
        raise ValueError(f"segments must be positive ints, got {lengths}")
    if sum(lengths) != n:
        raise ValueError(f"segment lengths must sum to n = {n}, got {lengths} (sum {sum(lengths)})")
    optics: list[Optic] = []
    start = 0
    for length in lengths:
        optics.append(embed(right_nested(lenses[start : start + length])))
        start += length
    result = optics[-1]
    for optic in reversed(optics[:-1]):
        result = compose_optics(optic, result)
    return result
