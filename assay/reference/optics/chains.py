"""Composites of a chain of lenses ``l1, …, ln``: bracketings, optic chains and checkpointed (mixed) chains.

All of these denote the same lens (lens composition is associative and ``U`` is an equivalence); they differ in
what the backward pass recomputes and what is stored between the passes (:mod:`assay.reference.optics.cost`).

- :func:`right_nested` ``l1 ; (l2 ; (… ; ln))``, :func:`left_nested` ``((l1 ; l2) ; …) ; ln``, :func:`bracketed`
  any binary tree over the leaves ``0 … n−1`` in order (a leaf is an ``int``, a node a pair ``(left, right)``);
- :func:`optic_chain` ``F(l1) ; … ; F(ln)``: every input is a residual;
- :func:`checkpointed` the mixed composite ``F(s1) ; … ; F(sm)`` where each segment ``sj`` is a right-nested lens
  composite of consecutive layers: only segment inputs are stored, segment interiors are recomputed.

Nothing here recurses: trees are walked and built with explicit stacks, and the composites they build evaluate
iteratively (:func:`assay.reference.optics.lens.composite_put`), so chains of thousands of lenses work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from numbers import Integral
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

#: The longest chain the list-building helpers (:func:`right_tree`, :func:`left_tree`, :func:`segment_lengths`)
#: accept: a bound on memory, far above any chain the references are run on.
MAX_LENGTH = 10_000_000


def _check_lenses(lenses: Sequence[Lens]) -> list[Lens]:
    if isinstance(lenses, (Lens, str, bytes)) or not isinstance(lenses, Iterable):
        raise TypeError(f"lenses must be a sequence of Lens, got {type(lenses).__name__}")
    lenses = list(lenses)
    if not lenses:
        raise ValueError("lenses must contain at least one lens")
    for index, lens in enumerate(lenses):
        if not isinstance(lens, Lens):
            raise TypeError(f"lenses[{index}] must be a Lens, got {type(lens).__name__}")
    return lenses


def _check_count(n: object, name: str = "n") -> int:
    if isinstance(n, bool) or not isinstance(n, Integral):
        raise TypeError(f"{name} must be an int, got {type(n).__name__}")
    if n < 1:
        raise ValueError(f"{name} must be >= 1, got {n}")
    return int(n)


def _check_length(n: object) -> int:
    n = _check_count(n)
    if n > MAX_LENGTH:
        raise ValueError(f"n must be <= MAX_LENGTH = {MAX_LENGTH}, got {n}")
    return n


def right_tree(n: int) -> Any:
    """The right-nested bracketing ``0 ; (1 ; (… ; n−1))`` as a tree (``1 <= n <= MAX_LENGTH``)."""
    n = _check_length(n)
    tree: Any = n - 1
    for index in range(n - 2, -1, -1):
        tree = (index, tree)
    return tree


def left_tree(n: int) -> Any:
    """The left-nested bracketing ``((0 ; 1) ; …) ; n−1`` as a tree (``1 <= n <= MAX_LENGTH``)."""
    n = _check_length(n)
    tree: Any = 0
    for index in range(1, n):
        tree = (tree, index)
    return tree


def tree_leaves(tree: Any) -> list[int]:
    """The leaves of a bracketing tree, left to right (a leaf is an ``int``, a node a pair ``(left, right)``).

    Walks the tree with an explicit stack, so trees of any depth (a right-nested chain of 10,000 leaves) work.
    """
    leaves: list[int] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, bool) or not isinstance(node, (Integral, tuple)):
            raise TypeError(f"a bracketing tree is an int leaf or a pair of trees, got {type(node).__name__}")
        if isinstance(node, Integral):
            leaves.append(int(node))
            continue
        if len(node) != 2:
            raise ValueError(f"a bracketing node must be a pair (left, right), got {len(node)} children")
        stack.append(node[1])
        stack.append(node[0])
    return leaves


def _fold_tree(tree: Any, leaf: Callable[[int], Any], node: Callable[[Any, Any], Any]) -> Any:
    """Evaluate ``tree`` bottom-up without recursion: ``leaf(i)`` at leaves, ``node(left, right)`` at pairs."""
    values: list[Any] = []
    stack: list[Any] = [(False, tree)]
    while stack:
        combine, item = stack.pop()
        if combine:
            right = values.pop()
            values.append(node(values.pop(), right))
        elif isinstance(item, tuple):
            stack.extend(((True, None), (False, item[1]), (False, item[0])))
        else:
            values.append(leaf(int(item)))
    return values[0]


def _check_tree(tree: Any, n: int) -> None:
    leaves = tree_leaves(tree)
    if leaves != list(range(n)):
        shown = leaves if len(leaves) <= 20 else f"{leaves[:10]} … {leaves[-10:]} ({len(leaves)} leaves)"
        raise ValueError(f"tree must have the leaves 0..{n - 1} in order, got {shown}")


def bracketed(lenses: Sequence[Lens], tree: Any) -> Lens:
    """The lens composite of ``lenses`` bracketed as ``tree`` (leaves ``0 … n−1`` in order)."""
    lenses = _check_lenses(lenses)
    _check_tree(tree, len(lenses))
    return _fold_tree(tree, lenses.__getitem__, compose_lenses)


def right_nested(lenses: Sequence[Lens]) -> Lens:
    """``l1 ; (l2 ; (… ; ln))``."""
    lenses = _check_lenses(lenses)
    result = lenses[-1]
    for lens in reversed(lenses[:-1]):
        result = compose_lenses(lens, result)
    return result


def left_nested(lenses: Sequence[Lens]) -> Lens:
    """``((l1 ; l2) ; …) ; ln``."""
    lenses = _check_lenses(lenses)
    result = lenses[0]
    for lens in lenses[1:]:
        result = compose_lenses(result, lens)
    return result


def optic_chain(lenses: Sequence[Lens], tree: Any = None) -> Optic:
    """``F(l1) ; … ; F(ln)`` bracketed as ``tree`` (default right-nested)."""
    lenses = _check_lenses(lenses)
    optics = [embed(lens) for lens in lenses]
    if tree is None:
        result = optics[-1]
        for optic in reversed(optics[:-1]):
            result = compose_optics(optic, result)
        return result
    _check_tree(tree, len(optics))
    return _fold_tree(tree, optics.__getitem__, compose_optics)


def segment_lengths(n: int, k: int) -> list[int]:
    """Split ``n`` layers into consecutive segments of ``k`` layers (the last one shorter when ``k ∤ n``).

    ``1 <= k <= n <= MAX_LENGTH`` (the list has ``⌈n/k⌉`` entries).
    """
    n = _check_count(n, "n")
    k = _check_count(k, "k")
    if n > MAX_LENGTH:
        raise ValueError(f"n must be <= MAX_LENGTH = {MAX_LENGTH}, got {n}")
    if k > n:
        raise ValueError(f"k must satisfy 1 <= k <= n = {n}, got {k}")
    return [min(k, n - start) for start in range(0, n, k)]


def _check_segments(segments: object, n: int) -> list[int]:
    """The segment lengths of ``segments`` (a length ``k`` or a list of lengths summing to ``n``)."""
    if isinstance(segments, Integral) and not isinstance(segments, bool):
        return segment_lengths(n, int(segments))
    if isinstance(segments, (str, bytes)) or not isinstance(segments, Iterable):
        raise TypeError(f"segments must be an int k or a sequence of segment lengths, got {type(segments).__name__}")
    lengths = list(segments)
    for index, length in enumerate(lengths):
        if isinstance(length, bool) or not isinstance(length, Integral):
            raise TypeError(f"segments[{index}] must be an int, got {type(length).__name__}")
        if length < 1:
            raise ValueError(f"segments[{index}] must be >= 1, got {length}")
    if sum(lengths) != n:
        raise ValueError(f"segment lengths must sum to n = {n}, got {lengths} (sum {sum(lengths)})")
    return [int(length) for length in lengths]


def checkpointed(lenses: Sequence[Lens], segments: int | Sequence[int]) -> Optic:
    """The checkpointed chain ``F(s1) ; … ; F(sm)`` with right-nested lens segments.

    ``segments`` is the segment length ``k`` (see :func:`segment_lengths`) or the list of segment lengths, which
    must be positive and sum to ``n``. ``k = 1`` gives :func:`optic_chain`, ``k = n`` gives ``F(right_nested)``.
    """
    lenses = _check_lenses(lenses)
    n = len(lenses)
    lengths = _check_segments(segments, n)
    optics: list[Optic] = []
    start = 0
    for length in lengths:
        optics.append(embed(right_nested(lenses[start : start + length])))
        start += length
    result = optics[-1]
    for optic in reversed(optics[:-1]):
        result = compose_optics(optic, result)
    return result
