"""Graph frames: node orderings from Laplacian eigenvectors, invariant to the choice of eigenbasis.

For a graph with symmetric adjacency ``A`` (n × n, non-negative) the combinatorial Laplacian ``L = D − A`` has
eigenvalues ``μ_1 ≤ … ≤ μ_n`` (grouped into distinct values ``μ`` with multiplicity, ties decided at high
precision as in :mod:`assay.reference.frames.spectrum`). The projector ``P_μ = U_μ U_μᵀ`` onto an eigenspace does
not depend on the orthonormal basis ``U_μ`` chosen, so the node signature

    sig(i) = (P_μ1[i, i], P_μ2[i, i], …)      (μ ascending; = u_i² for a simple eigenvalue)

is invariant to the eigenbasis and permutes with the nodes: ``sig_{πG}(π(i)) = sig_G(i)``. Sorting the nodes by
signature (lexicographically, after rounding to ``dps // 2`` digits so that ties are exact) gives blocks of tied
nodes; the frame is every ordering that lists the blocks in sorted order and the nodes of each block in any order,
so ``|F| = Π_b |b|!`` and ``F(πG) = F(G) π⁻¹`` as sets.

An ordering ``σ`` (a tuple: ``σ[k]`` is the node placed at position k) acts by ``A ↦ A[σ][:, σ]`` and
``x ↦ x[σ]``. Averages:

    invariant    ⟨φ⟩(G) = mean_σ φ(A[σ][:, σ], x[σ])
    equivariant  ⟨Φ⟩(G)[σ] = mean_σ Φ(A[σ][:, σ], x[σ])     (the output is un-permuted row-wise)

The frame is enumerated when ``|F| ≤ max_frames`` and otherwise sampled uniformly (``samples`` orderings from a
seeded numpy generator) — a Monte-Carlo estimate whose error falls as ``1/√samples``, reported as such.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np

from assay.core.validation import check_dps
from assay.reference.frames._mp import as_mp_matrix

__all__ = ["GraphFrame", "graph_equivariant_average", "graph_frame", "graph_invariant_average", "laplacian",
           "pairwise_frame_average"]


def laplacian(adjacency: Any, dps: int = 50) -> np.ndarray:
    """``L = D − A`` for a symmetric, non-negative adjacency matrix (validated)."""
    with mpmath.workdps(check_dps(dps)):
        A = as_mp_matrix(adjacency, "adjacency")
        n = A.shape[0]
        for i in range(n):
            for j in range(n):
                if A[i, j] != A[j, i]:
                    raise ValueError(f"adjacency must be symmetric; adjacency[{i}, {j}] != adjacency[{j}, {i}]")
                if A[i, j] < 0:
                    raise ValueError(f"adjacency must be non-negative; adjacency[{i}, {j}] = {A[i, j]}")
        L = -A
        for i in range(n):
            L[i, i] = mpmath.fsum(A[i, :]) - A[i, i]
        return L


#: The most orderings an average enumerates (``max_frames``) or draws (``samples``).
MAX_FRAMES = 1_000_000


@dataclass(frozen=True)
class GraphFrame:
    """Signatures, tie blocks (lists of nodes, in sorted order) and the frame size ``Π |b|!``."""

    signatures: tuple  # per node: tuple of ints (rounded projector diagonals)
    blocks: tuple  # tuple of tuples of nodes
    eigenvalue_multiplicities: tuple
    size: int

    def orderings(self, max_frames: int = 40320, samples: int = 2000, seed: int = 0) -> tuple[list, bool]:
        """``(orderings, exhaustive)``: all of them when ``size ≤ max_frames``, else ``samples`` uniform draws."""
        if self.size <= max_frames:
            choices = [itertools.permutations(block) for block in self.blocks]
            return [tuple(itertools.chain.from_iterable(c)) for c in itertools.product(*choices)], True
        rng = np.random.default_rng(seed)
        out = []
        for _ in range(samples):
            out.append(tuple(itertools.chain.from_iterable(
                tuple(block[k] for k in rng.permutation(len(block))) for block in self.blocks)))
        return out, False


def graph_frame(adjacency: Any, dps: int = 50) -> GraphFrame:
    """The Laplacian-signature frame of a graph (see the module docstring)."""
    dps = check_dps(dps)
    with mpmath.workdps(dps + 10):
        L = laplacian(adjacency, dps + 10)
        n = L.shape[0]
        values, vectors = mpmath.eigsy(mpmath.matrix(L.tolist()))
        order = sorted(range(n), key=lambda i: values[i])
        scale = max(abs(values[i]) for i in range(n)) or mpmath.mpf(1)
        tol = mpmath.mpf(10) ** (-(dps // 2))
        groups: list[list[int]] = []
        for index in order:
            if groups and (values[index] - values[groups[-1][-1]]) / scale <= tol:
                groups[-1].append(index)
            else:
                groups.append([index])
        digits = mpmath.mpf(10) ** (dps // 2)
        signatures = []
        for node in range(n):
            signature = []
            for group in groups:
                diagonal = mpmath.fsum(vectors[node, k] ** 2 for k in group)
                signature.append(int(mpmath.nint(diagonal * digits)))
            signatures.append(tuple(signature))
    nodes = sorted(range(n), key=lambda i: (signatures[i], i))
    blocks: list[list[int]] = []
    for node in nodes:
        if blocks and signatures[blocks[-1][0]] == signatures[node]:
            blocks[-1].append(node)
        else:
            blocks.append([node])
    size = math.prod(math.factorial(len(b)) for b in blocks)
    return GraphFrame(tuple(signatures), tuple(tuple(b) for b in blocks), tuple(len(g) for g in groups), size)


def _check_count(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if not low <= value <= high:
        raise ValueError(f"{name} must satisfy {low} <= {name} <= {high}, got {value}")
    return int(value)


def _average(phi: Callable[..., Any], adjacency: Any, features: Any, dps: int, max_frames: int, samples: int,
             seed: int, equivariant: bool) -> tuple[Any, bool]:
    if not callable(phi):
        raise TypeError(f"phi must be callable, got {type(phi).__name__}")
    max_frames = _check_count(max_frames, "max_frames", 1, MAX_FRAMES)
    samples = _check_count(samples, "samples", 1, MAX_FRAMES)
    seed = _check_count(seed, "seed", 0, 2**63 - 1)
    with mpmath.workdps(check_dps(dps)):
        A = as_mp_matrix(adjacency, "adjacency")
        x = None if features is None else np.asarray(features, dtype=object)
        if x is not None and x.shape[:1] != (A.shape[0],):
            raise ValueError(f"features must have one row per node ({A.shape[0]}), got shape {x.shape}")
        frame = graph_frame(A, dps)
        orderings, exhaustive = frame.orderings(max_frames, samples, seed)
        total = None
        for sigma in orderings:
            index = list(sigma)
            value = np.asarray(phi(A[np.ix_(index, index)], None if x is None else x[index]), dtype=object)
            if equivariant:
                unpermuted = np.empty_like(value)
                unpermuted[index] = value
                value = unpermuted
            total = value if total is None else total + value
        total = np.asarray(total, dtype=object) / len(orderings)
        if isinstance(total, np.ndarray) and total.ndim == 0:
            total = total.item()
        return total, exhaustive


def graph_invariant_average(phi: Callable[..., Any], adjacency: Any, features: Any = None, dps: int = 30,
                            max_frames: int = 40320, samples: int = 2000, seed: int = 0) -> tuple[Any, bool]:
    """``(mean_σ φ(A[σ][:, σ], x[σ]), exhaustive)`` over the graph frame (sampled when it is larger than
    ``max_frames``)."""
    return _average(phi, adjacency, features, dps, max_frames, samples, seed, equivariant=False)


def graph_equivariant_average(phi: Callable[..., Any], adjacency: Any, features: Any = None, dps: int = 30,
                              max_frames: int = 40320, samples: int = 2000, seed: int = 0) -> tuple[Any, bool]:
    """``(mean_σ Φ(A[σ][:, σ], x[σ]) un-permuted, exhaustive)``; Φ returns one row per node."""
    return _average(phi, adjacency, features, dps, max_frames, samples, seed, equivariant=True)


def pairwise_frame_average(linear: Any, square: Any, pair: Any, adjacency: Any, features: Any,
                           dps: int = 30) -> mpmath.mpf:
    """Exact invariant frame average of a *pairwise* graph function, in closed form (no enumeration).

    For ``φ(A, x) = Σ_k a_k x_k + Σ_k b_k x_k² + Σ_{k,l} C_kl A_kl x_k x_l`` (``linear`` = a, ``square`` = b,
    ``pair`` = C; positions k, l) and scalar node features x, the average over the frame (uniform on the
    orderings within blocks, blocks at fixed positions) is, with ``B(k)`` the block at position k and ``m = |B|``:

        E[x_σk] = mean_{i ∈ B(k)} x_i,   E[x_σk²] = mean_{i ∈ B(k)} x_i²,   E[A_σkσk x_σk²] = mean_{i ∈ B(k)} A_ii x_i²
        E[A_σkσl x_σk x_σl] = mean_{i ≠ j ∈ B}  A_ij x_i x_j          (k ≠ l, both in block B)
                            = mean_{i ∈ B(k), j ∈ B(l)} A_ij x_i x_j    (different blocks: independent draws)

    exact at ``dps`` digits for any frame size (a Petersen graph's 10! orderings included).
    """
    with mpmath.workdps(check_dps(dps)):
        A = as_mp_matrix(adjacency, "adjacency")
        n = A.shape[0]
        x = np.asarray(features, dtype=object).reshape(-1)
        if x.shape != (n,):
            raise ValueError(f"features must hold one number per node ({n}), got shape {np.shape(features)}")
        x = np.array([mpmath.mpf(float(v)) if not isinstance(v, mpmath.mpf) else v for v in x], dtype=object)
        a = np.asarray(linear, dtype=np.float64).reshape(-1)
        b = np.asarray(square, dtype=np.float64).reshape(-1)
        C = np.asarray(pair, dtype=np.float64)
        if a.shape != (n,) or b.shape != (n,) or C.shape != (n, n):
            raise ValueError(f"linear, square must have shape ({n},) and pair ({n}, {n}); got {a.shape}, {b.shape}, "
                             f"{C.shape}")
        blocks = graph_frame(A, dps).blocks
        block_at = [index for index, block in enumerate(blocks) for _ in block]
        first = [mpmath.fsum(x[i] for i in block) / len(block) for block in blocks]
        second = [mpmath.fsum(x[i] ** 2 for i in block) / len(block) for block in blocks]
        diagonal = [mpmath.fsum(A[i, i] * x[i] ** 2 for i in block) / len(block) for block in blocks]

        def cross(p: int, q: int) -> mpmath.mpf:
            if p == q:
                block = blocks[p]
                if len(block) < 2:
                    return mpmath.mpf(0)
                total = mpmath.fsum(A[i, j] * x[i] * x[j] for i in block for j in block if i != j)
                return total / (len(block) * (len(block) - 1))
            total = mpmath.fsum(A[i, j] * x[i] * x[j] for i in blocks[p] for j in blocks[q])
            return total / (len(blocks[p]) * len(blocks[q]))

        crosses = {(p, q): cross(p, q) for p in range(len(blocks)) for q in range(len(blocks))}
        terms = [mpmath.mpf(float(a[k])) * first[block_at[k]] + mpmath.mpf(float(b[k])) * second[block_at[k]]
                 for k in range(n)]
        for k in range(n):
            for m in range(n):
                if C[k, m] == 0:
                    continue
                moment = diagonal[block_at[k]] if k == m else crosses[(block_at[k], block_at[m])]
                terms.append(mpmath.mpf(float(C[k, m])) * moment)
        return mpmath.fsum(terms)
