"""Graph frame averaging in torch: Laplacian node signatures, tie blocks, orderings within blocks.

Same construction and conventions as :mod:`assay.reference.frames.graphs` (which decides ties at high precision):
for a symmetric non-negative adjacency ``A`` (n × n) the Laplacian ``L = D − A = U diag(μ) Uᵀ``
(``torch.linalg.eigh``, ascending) is grouped into clusters of tied eigenvalues, and node ``i`` gets the signature

    sig(i) = (P_μ1[i, i], P_μ2[i, i], …),   P_μ = U_μ U_μᵀ (the eigenprojector; independent of the basis U_μ)

Nodes with equal signatures form a block; blocks are listed in lexicographic order of their signatures and the
frame is every ordering ``σ`` (``σ[k]`` = the node placed at position k) that lists the blocks in that order and the
nodes of each block in any order: ``|F| = Π_b |b|!`` and ``F(πG) = F(G) π⁻¹`` as sets, so

    output="invariant"     ⟨φ⟩(G)    = mean_σ φ(A[σ][:, σ], x[σ])
    output="equivariant"   ⟨Φ⟩(G)[σ] = mean_σ Φ(A[σ][:, σ], x[σ])     (each output row returned to its node)

are exactly permutation invariant / equivariant, whatever ``φ`` is. Exhaustive frames are enumerated in the
reference's order (blocks in signature order, each block's permutations in ``itertools.permutations`` order of its
nodes sorted by index); ``frames="stochastic"`` draws ``num_samples`` orderings uniformly from the frame (an
unbiased estimate, exactly invariant only in distribution).

Ties and degeneracy. Repeated Laplacian eigenvalues are the normal case (regular, strongly regular and
vertex-transitive graphs) and are handled exactly: the signature uses the projector onto the whole eigenspace, so
no eigenvector basis is ever chosen. In floating point, two eigenvalues are tied when their gap is ``≤ tie_tol ·
max|μ|`` and two nodes are tied when their signatures differ by ``≤ tie_tol`` (max norm; blocks are the connected
components of that relation). Default ``tie_tol = √ε`` of the dtype (1.5e-8 float64, 3.5e-4 float32), for the
reason given in :mod:`assay.kernels.frames.pca`: exact ties come out of ``eigh`` a few ``ε·cond`` apart, and
genuinely different values of small graphs are far above √ε. Merging two values that should be distinct only
coarsens the signature (a larger frame, still equivariant); what could break equivariance is a difference close to
``tie_tol``, decided differently for a relabelled graph. The result therefore reports ``tie_spread`` (the largest
difference treated as a tie) and ``separation`` (the smallest difference treated as distinct), both relative, and
flags ``ambiguous`` when some difference lies in ``[tie_tol / 10, 10 · tie_tol]`` (less than a decade from the
threshold); ``strict=True`` refuses ambiguous graphs with a ``ValueError``.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from assay.kernels.frames.average import chunk_rows
from assay.kernels.frames.pca import default_gap_tol

__all__ = ["GraphFrameAverage", "GraphFrames", "average_over_orderings", "frame_average_graph", "graph_frames"]

GRAPH_OUTPUTS = ("invariant", "equivariant")
FRAME_MODES = ("all", "stochastic")
AMBIGUITY_FACTOR = 10.0


@dataclass(frozen=True)
class GraphFrames:
    """The frame of one graph: tie blocks (node tuples, in signature order) and how sharply ties were decided."""

    blocks: tuple[tuple[int, ...], ...]
    signatures: torch.Tensor  # (n, number of eigenvalue clusters)
    eigenvalue_multiplicities: tuple[int, ...]
    size: int  # Π |b|!
    tie_tol: float
    tie_spread: float  # largest relative difference treated as a tie (eigenvalues and signatures)
    separation: float  # smallest relative difference treated as distinct (inf if there is none)
    ambiguous: bool

    def orderings(self, device: torch.device | str = "cpu") -> torch.Tensor:
        """``(|F|, n)`` int64: every ordering of the frame, in the reference's enumeration order
        (``itertools.product`` over the blocks of ``itertools.permutations`` of each block)."""
        tables = []
        for block in self.blocks:
            count = math.factorial(len(block))
            flat = np.fromiter(itertools.chain.from_iterable(itertools.permutations(block)), dtype=np.int64,
                               count=count * len(block))
            tables.append(flat.reshape(count, len(block)))
        picks = np.indices([len(table) for table in tables]).reshape(len(tables), -1)  # first block slowest
        rows = np.concatenate([table[pick] for table, pick in zip(tables, picks)], axis=1)
        return torch.from_numpy(rows).to(device)

    def sample(self, count: int, generator: torch.Generator | None = None,
               device: torch.device | str = "cpu") -> torch.Tensor:
        """``(count, n)`` int64: orderings drawn uniformly from the frame (each block shuffled independently)."""
        n = sum(len(block) for block in self.blocks)
        source = generator.device if generator is not None else torch.device(device)
        keys = torch.rand(count, n, generator=generator, device=source).to(device)
        out = torch.empty(count, n, dtype=torch.long, device=device)
        start = 0
        for block in self.blocks:
            nodes = torch.tensor(block, dtype=torch.long, device=device)
            stop = start + len(block)
            out[:, start:stop] = nodes[torch.argsort(keys[:, start:stop], dim=1)]
            start = stop
        return out


@dataclass(frozen=True)
class GraphFrameAverage:
    """The graph frame average and the frame it used."""

    value: torch.Tensor
    frame: GraphFrames
    num_frames: int  # orderings averaged over (|F| when exhaustive)
    exhaustive: bool


def _check_adjacency(adjacency: object) -> torch.Tensor:
    if not isinstance(adjacency, torch.Tensor):
        raise TypeError(f"adjacency must be a torch.Tensor of shape (n, n), got {type(adjacency).__name__}")
    if adjacency.dtype not in (torch.float32, torch.float64):
        raise TypeError(f"adjacency must be float32 or float64, got {adjacency.dtype}")
    if adjacency.ndim != 2 or adjacency.shape[0] != adjacency.shape[1]:
        raise ValueError(f"adjacency must be a square matrix (n, n), got shape {tuple(adjacency.shape)}")
    if adjacency.shape[0] == 0:
        raise ValueError("adjacency must have at least one node (n >= 1), got n = 0")
    if not bool(torch.isfinite(adjacency).all()):
        raise ValueError("adjacency must be finite (no NaN or inf)")
    if not torch.equal(adjacency, adjacency.T):
        raise ValueError("adjacency must be symmetric (adjacency == adjacency.T exactly)")
    if bool((adjacency < 0).any()):
        raise ValueError("adjacency must be non-negative")
    return adjacency


def _components(close: list[list[bool]]) -> list[list[int]]:
    n = len(close)
    seen, out = [False] * n, []
    for root in range(n):
        if seen[root]:
            continue
        stack, members = [root], []
        seen[root] = True
        while stack:
            node = stack.pop()
            members.append(node)
            for other in range(n):
                if close[node][other] and not seen[other]:
                    seen[other] = True
                    stack.append(other)
        out.append(sorted(members))
    return out


def graph_frames(adjacency: torch.Tensor, *, tie_tol: float | None = None) -> GraphFrames:
    """The Laplacian-signature frame of one graph (see the module docstring)."""
    adjacency = _check_adjacency(adjacency)
    if tie_tol is None:
        tie_tol = default_gap_tol(adjacency.dtype)
    elif isinstance(tie_tol, bool) or not isinstance(tie_tol, (int, float)) or not 0 < tie_tol < 1:
        raise ValueError(f"tie_tol must be a number in (0, 1), got {tie_tol!r}")
    laplacian = torch.diag(adjacency.sum(dim=1)) - adjacency
    values, vectors = torch.linalg.eigh(laplacian.detach())
    values = values.double().cpu()
    vectors = vectors.double().cpu()
    n = values.numel()
    scale = float(values.abs().max()) or 1.0
    gaps = ((values[1:] - values[:-1]) / scale).tolist()
    clusters: list[list[int]] = [[0]]
    for k, gap in enumerate(gaps, start=1):
        if gap <= tie_tol:
            clusters[-1].append(k)
        else:
            clusters.append([k])
    squares = vectors * vectors
    signatures = torch.stack([squares[:, cluster].sum(dim=1) for cluster in clusters], dim=1)  # (n, clusters)
    distance = (signatures[:, None, :] - signatures[None, :, :]).abs().amax(dim=-1)  # (n, n)
    blocks = _components((distance <= tie_tol).tolist())
    tied = [g for g in gaps if g <= tie_tol] + [float(distance[i, j]) for b in blocks for i in b for j in b]
    distinct = [g for g in gaps if g > tie_tol]
    block_of = {node: index for index, block in enumerate(blocks) for node in block}
    distinct += [float(distance[i, j]) for i in range(n) for j in range(i + 1, n) if block_of[i] != block_of[j]]
    tie_spread = max(tied, default=0.0)
    separation = min(distinct, default=math.inf)
    ambiguous = tie_spread >= tie_tol / AMBIGUITY_FACTOR or separation <= tie_tol * AMBIGUITY_FACTOR

    means = [signatures[list(block)].mean(dim=0).tolist() for block in blocks]

    def compare(first: int, second: int) -> int:
        for u, v in zip(means[first], means[second]):
            if abs(u - v) > tie_tol:
                return -1 if u < v else 1
        return 0

    order = sorted(range(len(blocks)), key=functools.cmp_to_key(compare))
    ordered = tuple(tuple(blocks[k]) for k in order)
    size = math.prod(math.factorial(len(block)) for block in ordered)
    return GraphFrames(ordered, signatures.to(adjacency.dtype), tuple(len(c) for c in clusters), size,
                       float(tie_tol), tie_spread, separation, ambiguous)


def frame_average_graph(
    fn: Callable[..., torch.Tensor],
    adjacency: torch.Tensor,
    features: torch.Tensor | None = None,
    *,
    output: str = "invariant",
    frames: str = "all",
    num_samples: int = 1024,
    max_frames: int = 40320,
    tie_tol: float | None = None,
    strict: bool = False,
    generator: torch.Generator | None = None,
    chunk: int | str | None = "auto",
) -> GraphFrameAverage:
    """Frame-average ``fn`` over the Laplacian-signature frame of one graph (``adjacency``: ``(n, n)``).

    ``fn(A_σ, x_σ)`` (or ``fn(A_σ)`` when ``features`` is None) gets the relabelled adjacencies ``(M, n, n)`` and
    features ``(M, n, ...)`` of ``M`` orderings at once (in pieces of ``chunk`` orderings: ``"auto"`` about
    ``AUTO_CHUNK_POINTS / n`` on CPU, None for one call) and returns ``(M, ...)``; for ``output="equivariant"``
    ``(M, n, ...)``, one row per position, which is returned to its node. ``frames="all"`` enumerates the frame and
    refuses one larger than ``max_frames``; ``frames="stochastic"`` averages ``num_samples`` uniform draws.
    See the module docstring for the frame, the formulas and the tie policy (``tie_tol``, ``strict``).
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    frame = graph_frames(adjacency, tie_tol=tie_tol)
    n = adjacency.shape[0]
    if features is not None:
        if not isinstance(features, torch.Tensor):
            raise TypeError(f"features must be a torch.Tensor of shape (n, ...) or None, got {type(features).__name__}")
        if features.ndim < 1 or features.shape[0] != n:
            raise ValueError(f"features must have one row per node (shape ({n}, ...)), got {tuple(features.shape)}")
        if features.is_floating_point() and not bool(torch.isfinite(features).all()):
            raise ValueError("features must be finite (no NaN or inf)")
        if features.device != adjacency.device:
            raise ValueError(f"features must be on the adjacency's device ({adjacency.device}), got {features.device}")
    if output not in GRAPH_OUTPUTS:
        raise ValueError(f"output must be one of {', '.join(GRAPH_OUTPUTS)}; got {output!r}")
    if frames not in FRAME_MODES:
        raise ValueError(f"frames must be one of {', '.join(FRAME_MODES)}; got {frames!r}")
    for name, value in (("num_samples", num_samples), ("max_frames", max_frames)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int, got {type(value).__name__}")
        if value < 1:
            raise ValueError(f"{name} must be >= 1, got {value}")
    if strict and frame.ambiguous:
        raise ValueError(f"adjacency: a tie was decided within a factor {AMBIGUITY_FACTOR:g} of tie_tol = "
                         f"{frame.tie_tol:.3g} (tie spread {frame.tie_spread:.3g}, separation "
                         f"{frame.separation:.3g}) and strict=True; the frame may differ for a relabelled graph")
    rows = chunk_rows(chunk, n, adjacency.device)
    if frames == "all":
        if frame.size > max_frames:
            raise ValueError(f"frames='all': the frame has {frame.size} orderings (blocks of sizes "
                             f"{[len(b) for b in frame.blocks]}), more than max_frames = {max_frames}; raise "
                             "max_frames or use frames='stochastic'")
        orderings = frame.orderings(adjacency.device)
    else:
        orderings = frame.sample(num_samples, generator, adjacency.device)
    value = average_over_orderings(fn, adjacency, features, orderings, output == "equivariant", rows)
    return GraphFrameAverage(value, frame, int(orderings.shape[0]), frames == "all")


def average_over_orderings(fn: Callable[..., torch.Tensor], adjacency: torch.Tensor, features: torch.Tensor | None,
                           orderings: torch.Tensor, equivariant: bool, rows: int | None) -> torch.Tensor:
    """``mean_σ fn(A[σ][:, σ], x[σ])`` over the rows of ``orderings`` (``(M, n)``), ``rows`` orderings per call;
    with ``equivariant`` each output row k is returned to node σ[k] first."""
    n = adjacency.shape[0]
    total = None
    step = orderings.shape[0] if rows is None else rows
    for start in range(0, orderings.shape[0], step):
        sigma = orderings[start:start + step]
        # A[σ][:, σ]: rows by index_select, columns by gather (8× faster than 2-d advanced indexing on CPU)
        relabelled = adjacency[sigma].gather(2, sigma[:, None, :].expand(-1, n, -1))
        result = fn(relabelled) if features is None else fn(relabelled, features[sigma])
        if not isinstance(result, torch.Tensor):
            raise TypeError(f"fn must return a torch.Tensor, got {type(result).__name__}")
        if result.shape[:1] != sigma.shape[:1]:
            raise ValueError(f"fn must return one result per ordering (leading size {sigma.shape[0]}), got shape "
                             f"{tuple(result.shape)}")
        if equivariant:
            if result.ndim < 2 or result.shape[1] != n:
                raise ValueError(f"fn must return (M, n = {n}, ...) for output='equivariant', got shape "
                                 f"{tuple(result.shape)}")
            part = result.new_zeros(result.shape[1:]).index_add(0, sigma.reshape(-1), result.flatten(0, 1))
        else:
            part = result.sum(dim=0)
        total = part if total is None else total + part
    return total / orderings.shape[0]
