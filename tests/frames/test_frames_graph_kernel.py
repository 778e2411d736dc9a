"""The graph frame kernel (:func:`assay.kernels.frames.frame_average_graph`) held to the reference
(:mod:`assay.reference.frames.graphs`): same blocks and orderings, same averages, permutation invariance and
equivariance, the stochastic estimate, the tie policy and bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from assay.conformance.frames.graph_support import _cube
from assay.kernels.frames import frame_average_graph, graph_frames
from assay.properties.frames.graph_probes import GraphProbe, GraphVectorProbe, probe_magnitude, relabel
from assay.properties.frames.strategies import _cycle, _paley9, _petersen, _random_graph, graphs
from assay.reference.frames import (
    graph_equivariant_average,
    graph_frame,
    graph_invariant_average,
    pairwise_frame_average,
)

PHI = GraphProbe(seed=0)
PSI = GraphVectorProbe(seed=1)
EPS64 = float(np.finfo(np.float64).eps)


def _features(n: int, seed: int = 0) -> np.ndarray:
    return np.round(np.random.default_rng(seed).standard_normal(n), 3)


def _t(array: np.ndarray, dtype: torch.dtype = torch.float64) -> torch.Tensor:
    return torch.tensor(np.asarray(array, dtype=np.float64), dtype=dtype)


@settings(max_examples=15)
@given(graphs(min_nodes=3, max_nodes=9), st.sampled_from([torch.float64, torch.float32]))
def test_blocks_equal_the_reference_blocks(adjacency, dtype):
    """Ties decided at √ε in float agree with ties decided at 30 digits, on random, cyclic, Petersen, Paley-9."""
    reference = graph_frame(adjacency, dps=30)
    frame = graph_frames(_t(adjacency, dtype))
    assert frame.blocks == reference.blocks
    assert frame.size == reference.size == math.prod(math.factorial(len(b)) for b in frame.blocks)
    assert not frame.ambiguous


def test_strongly_regular_graphs_have_one_block():
    for adjacency in (_petersen(), _paley9(), _cycle(7), _cube()):
        frame = graph_frames(_t(adjacency))
        assert frame.blocks == (tuple(range(len(adjacency))),)
        assert frame.size == math.factorial(len(adjacency))
        assert max(frame.eigenvalue_multiplicities) > 1  # repeated Laplacian eigenvalues, handled by projectors


def test_orderings_equal_the_reference_orderings_in_order():
    for seed in range(6):
        adjacency = _random_graph(seed, 7, 0.5)
        expected, exhaustive = graph_frame(adjacency, dps=30).orderings()
        assert exhaustive
        assert graph_frames(_t(adjacency)).orderings().tolist() == [list(o) for o in expected]
    cycle = graph_frames(_t(_cycle(5))).orderings()
    assert cycle.shape == (120, 5) and len({tuple(r) for r in cycle.tolist()}) == 120


def test_invariant_and_equivariant_averages_equal_the_reference():
    """Bound 64 ε of the probe's term bound: the kernel sums ≤ n² + 2n terms per ordering, then averages."""
    for adjacency in (_random_graph(2, 7, 0.5), _random_graph(4, 6, 0.5), _cycle(5)):
        x = _features(len(adjacency))
        exact = float(pairwise_frame_average(*PHI.coefficients(len(adjacency)), adjacency, x))
        enumerated, _ = graph_invariant_average(PHI, adjacency, x, dps=30)
        assert abs(exact - float(enumerated)) <= 4 * EPS64 * probe_magnitude(PHI, adjacency, x)
        value = float(frame_average_graph(PHI, _t(adjacency), _t(x)).value)
        assert abs(value - exact) <= 64 * EPS64 * probe_magnitude(PHI, adjacency, x)
        reference, _ = graph_equivariant_average(PSI, adjacency, x, dps=30)
        out = frame_average_graph(PSI, _t(adjacency), _t(x), output="equivariant").value.numpy()
        error = np.max(np.abs(out - np.array(reference, dtype=np.float64)))
        assert error <= 64 * EPS64 * probe_magnitude(PSI, adjacency, x)


@pytest.mark.slow
def test_closed_form_reference_on_a_large_frame():
    """The closed form handles 9! orderings; the kernel's exhaustive average (362880 orderings) agrees."""
    adjacency = _paley9()
    x = _features(9, seed=5)
    exact = float(pairwise_frame_average(*PHI.coefficients(9), adjacency, x))
    value = float(frame_average_graph(PHI, _t(adjacency), _t(x), max_frames=400000).value)
    assert abs(value - exact) <= 64 * EPS64 * probe_magnitude(PHI, adjacency, x)


@pytest.mark.parametrize("adjacency", [_random_graph(7, 8, 0.4), _random_graph(9, 6, 0.6), _cycle(6)],
                         ids=["random-8", "random-6", "cycle-6"])
def test_permutation_invariance_and_equivariance(adjacency):
    x = _features(len(adjacency), seed=2)
    rng = np.random.default_rng(3)
    before = float(frame_average_graph(PHI, _t(adjacency), _t(x)).value)
    out = frame_average_graph(PSI, _t(adjacency), _t(x), output="equivariant").value.numpy()
    for _ in range(4):
        p = rng.permutation(len(adjacency))
        moved, moved_x = relabel(adjacency, x, p)
        after = float(frame_average_graph(PHI, _t(moved), _t(moved_x)).value)
        assert abs(after - before) <= 64 * EPS64 * probe_magnitude(PHI, adjacency, x)
        moved_out = frame_average_graph(PSI, _t(moved), _t(moved_x), output="equivariant").value.numpy()
        assert np.max(np.abs(moved_out - out[p])) <= 64 * EPS64 * probe_magnitude(PSI, adjacency, x)


def test_stochastic_estimate_is_unbiased_on_the_petersen_graph():
    """z-score of the mean of 4096 draws against the closed-form average, σ from 20000 reference draws; 6σ."""
    from assay.conformance.frames.graph_support import reference_spread

    adjacency = _petersen()
    x = _features(10, seed=4)
    exact = float(pairwise_frame_average(*PHI.coefficients(10), adjacency, x))
    standard_error = reference_spread(adjacency, x) / 4096**0.5
    for seed in range(3):
        p = np.random.default_rng(seed).permutation(10)
        moved, moved_x = relabel(adjacency, x, p)
        result = frame_average_graph(PHI, _t(moved), _t(moved_x), frames="stochastic", num_samples=4096,
                                     generator=torch.Generator().manual_seed(seed))
        assert not result.exhaustive and result.num_frames == 4096
        assert abs(float(result.value) - exact) <= 6 * standard_error


def test_sampled_orderings_stay_in_the_frame():
    frame = graph_frames(_t(_random_graph(2, 7, 0.5)))
    allowed = {tuple(o) for o in frame.orderings().tolist()}
    draws = frame.sample(500, torch.Generator().manual_seed(0))
    assert {tuple(o) for o in draws.tolist()} == allowed  # 500 draws cover a frame of 8


def test_chunking_does_not_change_the_average():
    adjacency, x = _t(_cycle(6)), _t(_features(6))
    values = [frame_average_graph(PHI, adjacency, x, chunk=c).value for c in (None, 1, 7, "auto")]
    assert all(torch.allclose(v, values[0], rtol=1e-14, atol=1e-14) for v in values)


def test_near_ties_are_flagged_and_refused_when_strict():
    """A 6-cycle with one edge weight 1 + 1e-8: the signatures of its nodes differ by ≈ 7e-9 — inside
    [tie_tol/10, 10 tie_tol] of float64's tie_tol = 1.5e-8, so the decision is reported as ambiguous."""
    adjacency = _cycle(6).astype(np.float64)
    adjacency[0, 1] = adjacency[1, 0] = 1 + 1e-8
    frame = graph_frames(_t(adjacency))
    assert frame.ambiguous
    with pytest.raises(ValueError, match="strict=True"):
        frame_average_graph(PHI, _t(adjacency), _t(_features(6)), strict=True)
    assert not graph_frames(_t(_cycle(6))).ambiguous


def test_features_gradients_flow_through_the_average():
    x = _t(_features(6)).requires_grad_(True)
    value = frame_average_graph(PHI, _t(_random_graph(4, 6, 0.5)), x).value
    value.backward()
    assert x.grad is not None and torch.isfinite(x.grad).all() and float(x.grad.abs().sum()) > 0


@pytest.mark.parametrize(("adjacency", "kwargs", "error", "match"), [
    (np.zeros((0, 0)), {}, ValueError, "at least one node"),
    (np.ones((3, 4)), {}, ValueError, "square"),
    (np.array([[0.0, 1.0], [0.0, 0.0]]), {}, ValueError, "symmetric"),
    (np.array([[0.0, -1.0], [-1.0, 0.0]]), {}, ValueError, "non-negative"),
    (np.array([[0.0, np.nan], [np.nan, 0.0]]), {}, ValueError, "finite"),
    (_cycle(4), {"output": "vectors"}, ValueError, "output must be one of"),
    (_cycle(4), {"frames": "some"}, ValueError, "frames must be one of"),
    (_cycle(4), {"max_frames": 10}, ValueError, "more than max_frames"),
    (_cycle(4), {"num_samples": 0}, ValueError, "num_samples must be >= 1"),
    (_cycle(4), {"tie_tol": 2.0}, ValueError, "tie_tol"),
    (_cycle(4), {"chunk": 0}, ValueError, "chunk must be >= 1"),
])
def test_bad_input_is_refused(adjacency, kwargs, error, match):
    A = torch.tensor(np.asarray(adjacency, dtype=np.float64))
    with pytest.raises(error, match=match):
        frame_average_graph(lambda a, x: x.sum(-1), A, torch.zeros(A.shape[0], dtype=torch.float64), **kwargs)


def test_bad_features_and_fn_are_refused():
    A = _t(_cycle(4))
    with pytest.raises(ValueError, match="one row per node"):
        frame_average_graph(PHI, A, torch.zeros(3, dtype=torch.float64))
    with pytest.raises(TypeError, match="adjacency must be float32 or float64"):
        frame_average_graph(PHI, torch.tensor(_cycle(4)))
    with pytest.raises(ValueError, match="one result per ordering"):
        frame_average_graph(lambda a, x: x[:1].sum(-1), A, torch.zeros(4, dtype=torch.float64))
    with pytest.raises(ValueError, match=r"\(M, n = 4"):
        frame_average_graph(lambda a, x: x.sum(-1), A, torch.zeros(4, dtype=torch.float64), output="equivariant")
