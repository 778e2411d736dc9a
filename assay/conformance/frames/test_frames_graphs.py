"""Conformance: graph frames (``frames.graph_*``) — the Laplacian-signature frame of the symmetric group.

Graphs (:mod:`assay.conformance.frames.graph_support`): random Erdős–Rényi graphs (generic: small blocks), the
cycles C5 and C6 and the cube graph Q3 (regular and vertex-transitive: one block, so the frame is all of S_n), and
the strongly regular Petersen and Paley-9 graphs (10! and 9! orderings). Test functions: the pairwise probes of
:mod:`assay.properties.frames.graph_probes` (position-dependent coefficients, so not invariant by themselves; not
odd). A relabelling ``p`` maps a graph to ``A' = A[p][:, p]``, ``x' = x[p]`` (node k of the new graph is node
``p[k]`` of the old one).

Properties:

- **size** — ``|F| = Π_b |b|!`` over the reference blocks (signatures decided at 30 digits).
- **value (frame)** — the orderings equal the reference frame's as a set.
- **equivariance (frame)** — ``F(πG) = F(G) π⁻¹``: mapping each ordering of the relabelled graph back through
  ``p`` gives the frame of the original graph, exactly.
- **invariance / equivariance** — ``⟨φ⟩(G') = ⟨φ⟩(G)`` and ``⟨Ψ⟩(G') = ⟨Ψ⟩(G)[p]`` under random relabellings,
  on generic and regular graphs (frames up to the profile's ``graph_max_frames`` orderings, enumerated).
- **value (averages)** — against the exact closed-form invariant average and the enumerated equivariant average.
- **sampled mean** — on the Petersen and Paley-9 graphs (one block: frames too large to enumerate cheaply) and
  their relabellings, the stochastic estimate is within ``6 σ/√samples`` of the exact frame average: invariance in
  distribution, and uniform sampling of the frame.
"""

from __future__ import annotations

import numpy as np
import pytest

from assay.conformance.contracts import contract_for
from assay.conformance.frames.graph_support import (
    GRAPH_PHI,
    GRAPH_PSI,
    features_for,
    frame_size,
    graph_cases,
    reference_blocks,
    reference_equivariant,
    reference_invariant,
    reference_orderings,
    reference_spread,
    relabellings,
    snippet,
    strongly_regular_cases,
)
from assay.conformance.support import summarize_eps
from assay.core.errors import summarize
from assay.properties.frames.graph_probes import probe_magnitude, relabel

FRAME = "frames.graph_frame"
INVARIANT = "frames.graph_invariant"
EQUIVARIANT = "frames.graph_equivariant"
SAMPLED = "frames.graph_sampled"
#: frames compared ordering by ordering with the reference (its enumeration is a Python loop)
SET_LIMIT = 720


def _orderings(adapter, adjacency: np.ndarray) -> np.ndarray:
    orderings = np.asarray(adapter.get(FRAME)(adjacency.astype(np.float64)))
    n = len(adjacency)
    if orderings.ndim != 2 or orderings.shape[1] != n:
        raise AssertionError(f"{adapter.name}: {FRAME} returned shape {orderings.shape}, expected (|F|, {n})")
    return orderings.astype(np.int64)


def _frame_snippet(adapter, adjacency: np.ndarray, check: str) -> str:
    return snippet(adapter.spec, FRAME, adjacency, "F = np.asarray(f(A))", check)


@pytest.mark.assay_capability(FRAME)
def test_graph_frame_size(assay_adapter, assay_check, assay_sizes):
    cases = graph_cases(assay_sizes["graphs"], SET_LIMIT)
    errors, inputs = [], []
    for name, A in cases:
        expected = frame_size(A)
        errors.append(abs(len(_orderings(assay_adapter, A)) - expected))
        inputs.append(f"{name}: blocks {[len(b) for b in reference_blocks(A)]}, |F| = {expected}")
    summary = summarize(np.array(errors, dtype=float), "count", inputs)
    worst = cases[summary.worst_index[0]][1]
    assay_check.check(summary, contract_for(FRAME, "size", assay_adapter.dtype), "|F| = Π (block size)!",
                      _frame_snippet(assay_adapter, worst, "print(len(F))"))


@pytest.mark.assay_capability(FRAME)
def test_graph_frame_values(assay_adapter, assay_check, assay_sizes):
    cases = graph_cases(assay_sizes["graphs"], SET_LIMIT)
    errors, inputs = [], []
    for name, A in cases:
        got = {tuple(row) for row in _orderings(assay_adapter, A).tolist()}
        expected = reference_orderings(A)
        errors.append(len(got ^ expected))
        inputs.append(f"{name}: {len(got - expected)} extra, {len(expected - got)} missing orderings")
    summary = summarize(np.array(errors, dtype=float), "count", inputs)
    worst = cases[summary.worst_index[0]][1]
    check = ("from assay.conformance.frames.graph_support import reference_orderings\n"
             "print(set(map(tuple, F.tolist())) ^ reference_orderings(A.astype(int)))")
    assay_check.check(summary, contract_for(FRAME, "value", assay_adapter.dtype),
                      "the frame equals the reference frame as a set of orderings",
                      _frame_snippet(assay_adapter, worst, check))


@pytest.mark.assay_capability(FRAME)
def test_graph_frame_equivariance(assay_adapter, assay_check, assay_sizes):
    cases = graph_cases(assay_sizes["graphs"], SET_LIMIT)
    errors, inputs = [], []
    for name, A in cases:
        frame = {tuple(row) for row in _orderings(assay_adapter, A).tolist()}
        for p in relabellings(len(A), assay_sizes["relabellings"]):
            moved, _ = relabel(A, None, p)
            mapped = {tuple(p[row].tolist()) for row in _orderings(assay_adapter, moved)}
            errors.append(len(mapped ^ frame))
            inputs.append(f"{name}, relabelling p = {p.tolist()}")
    summary = summarize(np.array(errors, dtype=float), "count", inputs)
    worst = cases[summary.worst_index[0] // assay_sizes["relabellings"]][1]
    assay_check.check(summary, contract_for(FRAME, "equivariance", assay_adapter.dtype),
                      "F(πG) = F(G) π⁻¹ as sets (orderings of the relabelled graph mapped back through p)",
                      _frame_snippet(assay_adapter, worst, "print(F)  # compare with p[f(A[p][:, p])]"))


def _invariant(adapter, A: np.ndarray, x: np.ndarray) -> float:
    value = np.asarray(adapter.get(INVARIANT)(GRAPH_PHI, A.astype(np.float64), x), dtype=np.float64)
    if value.size != 1:
        raise AssertionError(f"{adapter.name}: {INVARIANT} returned shape {value.shape}, expected a scalar")
    return float(value.reshape(()))


def _equivariant(adapter, A: np.ndarray, x: np.ndarray) -> np.ndarray:
    value = np.asarray(adapter.get(EQUIVARIANT)(GRAPH_PSI, A.astype(np.float64), x), dtype=np.float64)
    if value.shape != (len(A),):
        raise AssertionError(f"{adapter.name}: {EQUIVARIANT} returned shape {value.shape}, expected ({len(A)},)")
    return value


@pytest.mark.assay_capability(INVARIANT)
def test_graph_invariance(assay_adapter, assay_check, assay_sizes):
    cases = graph_cases(assay_sizes["graphs"], assay_sizes["graph_max_frames"])
    differences, scales, inputs = [], [], []
    for name, A in cases:
        x = features_for(A)
        before = _invariant(assay_adapter, A, x)
        for p in relabellings(len(A), assay_sizes["relabellings"]):
            after = _invariant(assay_adapter, *relabel(A, x, p))
            differences.append(abs(after - before))
            scales.append(probe_magnitude(GRAPH_PHI, A, x))
            inputs.append(f"{name} (|F| = {frame_size(A)}), relabelling p = {p.tolist()}: {before!r} -> {after!r}")
    summary = summarize_eps(np.array(differences), np.array(scales), assay_adapter.dtype, inputs)
    worst = cases[summary.worst_index[0] // assay_sizes["relabellings"]][1]
    assay_check.check(summary, contract_for(INVARIANT, "invariance", assay_adapter.dtype),
                      "⟨φ⟩(A[p][:, p], x[p]) = ⟨φ⟩(A, x) for random relabellings p",
                      snippet(assay_adapter.spec, INVARIANT, worst, "value = f(GRAPH_PHI, A, x)",
                              "p = np.arange(len(A))[::-1]\nprint(value, f(GRAPH_PHI, A[np.ix_(p, p)], x[p]))"))


@pytest.mark.assay_capability(INVARIANT)
def test_graph_invariant_values(assay_adapter, assay_check, assay_sizes):
    cases = graph_cases(assay_sizes["graphs"], assay_sizes["graph_max_frames"])
    differences, scales, inputs = [], [], []
    for name, A in cases:
        x = features_for(A)
        value, exact = _invariant(assay_adapter, A, x), reference_invariant(A, x)
        differences.append(abs(value - exact))
        scales.append(probe_magnitude(GRAPH_PHI, A, x))
        inputs.append(f"{name} (|F| = {frame_size(A)}): {value!r}, exact {exact!r}")
    summary = summarize_eps(np.array(differences), np.array(scales), assay_adapter.dtype, inputs)
    worst = cases[summary.worst_index[0]][1]
    assay_check.check(summary, contract_for(INVARIANT, "value", assay_adapter.dtype),
                      "the exact frame average (closed form over the reference frame)",
                      snippet(assay_adapter.spec, INVARIANT, worst, "value = f(GRAPH_PHI, A, x)",
                              "from assay.conformance.frames.graph_support import reference_invariant\n"
                              "print(value, reference_invariant(A.astype(int), x))"))


@pytest.mark.assay_capability(EQUIVARIANT)
def test_graph_equivariance(assay_adapter, assay_check, assay_sizes):
    cases = graph_cases(assay_sizes["graphs"], assay_sizes["graph_max_frames"])
    differences, scales, inputs = [], [], []
    for name, A in cases:
        x = features_for(A)
        before = _equivariant(assay_adapter, A, x)
        for p in relabellings(len(A), assay_sizes["relabellings"]):
            after = _equivariant(assay_adapter, *relabel(A, x, p))
            differences.append(float(np.max(np.abs(after - before[p]))))
            scales.append(probe_magnitude(GRAPH_PSI, A, x))
            inputs.append(f"{name} (|F| = {frame_size(A)}), relabelling p = {p.tolist()}")
    summary = summarize_eps(np.array(differences), np.array(scales), assay_adapter.dtype, inputs)
    worst = cases[summary.worst_index[0] // assay_sizes["relabellings"]][1]
    assay_check.check(summary, contract_for(EQUIVARIANT, "equivariance", assay_adapter.dtype),
                      "⟨Ψ⟩(A[p][:, p], x[p]) = ⟨Ψ⟩(A, x)[p] for random relabellings p",
                      snippet(assay_adapter.spec, EQUIVARIANT, worst, "value = np.asarray(f(GRAPH_PSI, A, x))",
                              "p = np.arange(len(A))[::-1]\n"
                              "print(value[p] - np.asarray(f(GRAPH_PSI, A[np.ix_(p, p)], x[p])))"))


@pytest.mark.assay_capability(EQUIVARIANT)
def test_graph_equivariant_values(assay_adapter, assay_check, assay_sizes):
    cases = graph_cases(assay_sizes["graphs"], SET_LIMIT)
    differences, scales, inputs = [], [], []
    for name, A in cases:
        x = features_for(A)
        value, exact = _equivariant(assay_adapter, A, x), reference_equivariant(A, x)
        differences.append(float(np.max(np.abs(value - exact))))
        scales.append(probe_magnitude(GRAPH_PSI, A, x))
        inputs.append(f"{name} (|F| = {frame_size(A)})")
    summary = summarize_eps(np.array(differences), np.array(scales), assay_adapter.dtype, inputs)
    worst = cases[summary.worst_index[0]][1]
    assay_check.check(summary, contract_for(EQUIVARIANT, "value", assay_adapter.dtype),
                      "the reference equivariant average (enumerated at 30 digits)",
                      snippet(assay_adapter.spec, EQUIVARIANT, worst, "value = np.asarray(f(GRAPH_PSI, A, x))",
                              "from assay.conformance.frames.graph_support import reference_equivariant\n"
                              "print(value - reference_equivariant(A.astype(int), x))"))


@pytest.mark.assay_capability(SAMPLED)
def test_graph_sampled_average_on_strongly_regular_graphs(assay_adapter, assay_check, assay_sizes):
    samples = int(assay_sizes["graph_samples"])
    function = assay_adapter.get(SAMPLED)
    scores, inputs = [], []
    seed = 0
    for name, A in strongly_regular_cases():
        x = features_for(A)
        exact = reference_invariant(A, x)
        standard_error = reference_spread(A, x) / samples**0.5
        identity = np.arange(len(A))
        for p in [identity, *relabellings(len(A), assay_sizes["relabellings"])]:
            moved, moved_x = relabel(A, x, p)
            estimate = float(np.asarray(function(GRAPH_PHI, moved.astype(np.float64), moved_x, samples, seed)))
            seed += 1
            scores.append(abs(estimate - exact) / standard_error)
            inputs.append(f"{name}, relabelling p = {p.tolist()}: estimate {estimate:.8g}, exact {exact:.8g}, "
                          f"σ/√samples = {standard_error:.3g}")
    summary = summarize(np.array(scores), "stat", inputs)
    worst = strongly_regular_cases()[0][1]
    assay_check.check(summary, contract_for(SAMPLED, "mean", assay_adapter.dtype),
                      "the sampled estimate is the frame average (z-score), on every relabelling",
                      snippet(assay_adapter.spec, SAMPLED, worst, f"value = f(GRAPH_PHI, A, x, {samples}, 0)",
                              "from assay.conformance.frames.graph_support import reference_invariant\n"
                              "print(value, reference_invariant(A.astype(int), x))"))
