"""Helpers of the graph-frames chapter: deterministic graphs, features and relabellings, reference values, snippets.

Graphs (0/1 adjacency, exact): Erdős–Rényi graphs on 5–8 nodes (generic: several small blocks), cycles (2-regular
and vertex-transitive: one block of all nodes), the cube graph Q3 (3-regular, 8! orderings), the Petersen graph
(strongly regular (10, 3, 0, 1), 10! orderings) and the Paley graph of order 9 (strongly regular (9, 4, 1, 2),
9! orderings). Reference values come from :mod:`assay.reference.frames.graphs` at 30 digits: the frame's blocks and
orderings, the closed-form invariant average of the pairwise probe (any frame size) and the enumerated equivariant
average (small frames).
"""

from __future__ import annotations

import math
from functools import lru_cache

import mpmath
import numpy as np

from assay.conformance.support import array_literal
from assay.properties.frames.graph_probes import GraphProbe, GraphVectorProbe
from assay.properties.frames.strategies import _cycle, _paley9, _petersen, _random_graph

__all__ = [
    "GRAPH_PHI",
    "GRAPH_PSI",
    "features_for",
    "frame_size",
    "graph_cases",
    "reference_blocks",
    "reference_equivariant",
    "reference_invariant",
    "reference_orderings",
    "reference_spread",
    "relabellings",
    "snippet",
    "strongly_regular_cases",
]

GRAPH_PHI = GraphProbe(seed=0)
GRAPH_PSI = GraphVectorProbe(seed=1)
DPS = 30


def _cube() -> np.ndarray:
    A = np.zeros((8, 8), dtype=np.int64)
    for u in range(8):
        for bit in (1, 2, 4):
            A[u, u ^ bit] = 1
    return A


@lru_cache(maxsize=8)
def _random_cases(count: int, seed: int) -> tuple:
    rng = np.random.default_rng(seed)
    out = []
    for k in range(count):
        n = int(rng.integers(5, 9))
        out.append((f"random graph {k} (n = {n}, p = 0.5, seed {seed + k})", _random_graph(seed + k, n, 0.5)))
    return tuple(out)


def graph_cases(random: int, max_frames: int, seed: int = 20261130) -> list[tuple[str, np.ndarray]]:
    """``(name, adjacency)``: ``random`` Erdős–Rényi graphs, then the cycles C5, C6, the cube graph Q3, the Paley
    graph of order 9 and the Petersen graph — those whose frame has at most ``max_frames`` orderings."""
    cases = list(_random_cases(random, seed))
    cases += [("cycle C5", _cycle(5)), ("cycle C6", _cycle(6)), ("cube graph Q3", _cube()),
              ("Paley graph of order 9", _paley9()), ("Petersen graph", _petersen())]
    return [(name, A) for name, A in cases if frame_size(A) <= max_frames]


def strongly_regular_cases() -> list[tuple[str, np.ndarray]]:
    """The Petersen graph and the Paley graph of order 9 (every node ties: the frame is all of S_n)."""
    return [("Petersen graph", _petersen()), ("Paley graph of order 9", _paley9())]


def features_for(adjacency: np.ndarray, seed: int = 3) -> np.ndarray:
    """Node features ``N(0, 1)`` rounded to 3 decimals (exact binary values), fixed per node count and seed."""
    n = len(adjacency)
    return np.round(np.random.default_rng([seed, n, int(adjacency.sum())]).standard_normal(n), 3)


def relabellings(n: int, count: int, seed: int = 11) -> list[np.ndarray]:
    """``count`` random permutations of ``range(n)`` (the first one reverses the nodes)."""
    rng = np.random.default_rng([seed, n])
    return [np.arange(n)[::-1].copy()] + [rng.permutation(n) for _ in range(count - 1)]


def _key(array: np.ndarray) -> tuple:
    return tuple(np.asarray(array).reshape(-1).tolist()), np.asarray(array).shape


@lru_cache(maxsize=64)
def _frame(key: tuple):
    from assay.reference.frames import graph_frame

    values, shape = key
    return graph_frame(np.array(values, dtype=np.int64).reshape(shape), DPS)


def reference_blocks(adjacency: np.ndarray) -> tuple:
    """The reference frame's blocks (node tuples in signature order), ties decided at 30 digits."""
    return _frame(_key(adjacency)).blocks


def frame_size(adjacency: np.ndarray) -> int:
    """``Π |b|!`` over the reference blocks."""
    return math.prod(math.factorial(len(b)) for b in reference_blocks(adjacency))


def reference_orderings(adjacency: np.ndarray) -> set[tuple[int, ...]]:
    """Every ordering of the reference frame (small frames only)."""
    orderings, exhaustive = _frame(_key(adjacency)).orderings(max_frames=10**6)
    assert exhaustive
    return set(orderings)


@lru_cache(maxsize=128)
def _invariant(adjacency_key: tuple, features_key: tuple) -> float:
    from assay.reference.frames import pairwise_frame_average

    values, shape = adjacency_key
    A = np.array(values, dtype=np.int64).reshape(shape)
    a, b, C = GRAPH_PHI.coefficients(len(A))
    return float(pairwise_frame_average(a, b, C, A, np.array(features_key[0]), DPS))


def reference_invariant(adjacency: np.ndarray, features: np.ndarray) -> float:
    """The exact frame average of :data:`GRAPH_PHI` (closed form, any frame size)."""
    return _invariant(_key(adjacency), _key(features))


@lru_cache(maxsize=64)
def _equivariant(adjacency_key: tuple, features_key: tuple) -> np.ndarray:
    from assay.reference.frames import graph_equivariant_average

    values, shape = adjacency_key
    A = np.array(values, dtype=np.int64).reshape(shape)
    with mpmath.workdps(DPS):
        x = np.array([mpmath.mpf(v) for v in features_key[0]], dtype=object)
        value, exhaustive = graph_equivariant_average(GRAPH_PSI, A, x, dps=DPS, max_frames=10**6)
    assert exhaustive
    return np.array([float(v) for v in value])


def reference_equivariant(adjacency: np.ndarray, features: np.ndarray) -> np.ndarray:
    """The frame average of :data:`GRAPH_PSI` by enumeration at 30 digits (small frames)."""
    return _equivariant(_key(adjacency), _key(features))


@lru_cache(maxsize=16)
def _spread(adjacency_key: tuple, features_key: tuple, draws: int) -> float:
    values, shape = adjacency_key
    A = np.array(values, dtype=np.float64).reshape(shape)
    x = np.array(features_key[0])
    orderings, _ = _frame(_key(A.astype(np.int64))).orderings(max_frames=0, samples=draws, seed=17)
    sigma = np.array(orderings)
    samples = GRAPH_PHI(A[sigma[:, :, None], sigma[:, None, :]], x[sigma])
    return float(np.std(samples, ddof=1))


def reference_spread(adjacency: np.ndarray, features: np.ndarray, draws: int = 20000) -> float:
    """σ of :data:`GRAPH_PHI` over the frame (uniform orderings within blocks), from ``draws`` reference draws
    (relative error ≈ 1/√(2·draws), 0.5 % at 20000)."""
    return _spread(_key(adjacency), _key(features), draws)


def snippet(spec: str, capability: str, adjacency: np.ndarray, call: str, check: str) -> str:
    """A fresh-Python snippet that loads the adapter, rebuilds the graph and prints the offending quantity."""
    return (
        "import numpy as np\n"
        "from assay.conformance.adapters import load_adapter\n"
        "from assay.conformance.frames.graph_support import GRAPH_PHI, GRAPH_PSI, features_for\n"
        f"adapter = load_adapter({spec!r})\n"
        f"f = adapter.get({capability!r})\n"
        f"A = {array_literal(adjacency)}\n"
        "x = features_for(A)\n"
        f"{call}\n"
        f"{check}\n"
    )
