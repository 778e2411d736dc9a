"""Hypothesis-driven properties of the kernel's frames (and the reference's graph frames) with assay's profiles.

The checks come from :mod:`assay.properties.frames.checks`; bounds as in ``test_kernel.py`` (200 ε for symmetry
errors of averages; frame-set distances 1e-12 in float64: eigenvectors of a gap ≥ 0.05 spectrum carry ≈ 20 ε
error, and g·R is one more product).
"""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import given
from hypothesis import strategies as st

from assay.kernels.frames import frame_average, pca_frames
from assay.properties.frames.checks import (
    PolynomialProbe,
    VectorProbe,
    crossing_profile,
    determinant_error,
    equivariance_error,
    frame_set_error,
    frame_size_error,
    invariance_error,
    orthogonality_error,
)
from assay.properties.frames.fixtures import FIXTURES, crossing_cloud
from assay.properties.frames.strategies import (
    degenerate_clouds,
    euclidean_elements,
    generic_clouds,
    graphs,
    near_degenerate_clouds,
)
from assay.reference.frames import graph_frame

PHI = PolynomialProbe(3, seed=0)
PSI = VectorProbe(3, seed=1)
BOUND = 200 * torch.finfo(torch.float64).eps
GROUPS = st.sampled_from([("E(3)", False, True), ("SE(3)", True, True), ("O(3)", False, False),
                          ("SO(3)", True, False)])


def _frames(points: np.ndarray, proper: bool, translations: bool) -> np.ndarray:
    return pca_frames(torch.tensor(points)[None], proper=proper, translations=translations).frames[0].numpy()


@given(generic_clouds(), GROUPS, st.data())
def test_frames_are_orthogonal_of_the_right_size_and_equivariant_as_sets(points, group, data):
    _, proper, translations = group
    element = data.draw(euclidean_elements(proper=proper, translations=translations))
    if not translations:
        points = points - points.mean(axis=0)  # the O/SO frame uses XᵀX: centring gives it the controlled gaps
    frames = _frames(points, proper, translations)
    assert frame_size_error(frames, proper) == 0
    assert orthogonality_error(frames) <= 1e-14
    assert determinant_error(frames, proper) <= 1e-14
    moved = _frames(element.act(points), proper, translations)
    assert frame_set_error(frames, moved, element.rotation) <= 1e-12


@given(generic_clouds(), st.data())
def test_invariance_and_equivariance_under_e3_with_reflections(points, data):
    element = data.draw(euclidean_elements(proper=False, translations=True))

    def invariant(X):
        return frame_average(PHI, torch.tensor(X)[None]).value

    def positions(X):
        return frame_average(PSI, torch.tensor(X)[None], output="positions").value[0]

    def vectors(X):
        return frame_average(PSI, torch.tensor(X)[None], output="vectors").value[0]

    assert invariance_error(invariant, points, element) <= BOUND
    assert equivariance_error(positions, points, element, positions=True) <= BOUND
    assert equivariance_error(vectors, points, element, positions=False) <= BOUND


@given(degenerate_clouds(), st.data())
def test_degenerate_clouds_are_flagged_wherever_they_are_moved(named, data):
    name, points = named
    element = data.draw(euclidean_elements(proper=False, translations=True))
    for X in (points, element.act(points)):
        for dtype in (torch.float64, torch.float32):
            assert bool(pca_frames(torch.tensor(X, dtype=dtype)[None]).degenerate[0]), name


@given(near_degenerate_clouds(min_exponent=2, max_exponent=12))
def test_near_degenerate_clouds_are_flagged_exactly_below_the_threshold(case):
    s, points = case
    result = pca_frames(torch.tensor(points)[None])
    gap = 4 * abs(s) / (1 + abs(s)) ** 2  # ((1+|s|)² − (1−|s|)²) / (1+|s|)²
    if abs(gap - result.gap_tol) > 1e-3 * result.gap_tol:  # away from the threshold itself
        assert bool(result.degenerate[0]) == (gap <= result.gap_tol)


def test_eigenvalue_crossing_jump_is_expected_behaviour_not_a_failure():
    """No continuous canonicalization exists (Dym, Lawrence, Siegel 2024): the average jumps where the two largest
    eigenvalues cross. The jump is reported (measured ≈ 2.4e-3 on this cloud, 6 % of the value); the function is
    smooth on either side, and the crossing itself is flagged degenerate."""

    def average(X):
        return frame_average(PHI, torch.tensor(X)[None]).value

    left, near_left, near_right, right = crossing_profile(average, [-1e-3, -1e-6, 1e-6, 1e-3])
    jump = abs(near_right - near_left)
    assert jump > 1e-3  # the expected discontinuity
    assert abs(near_left - left) <= 1e-4 and abs(near_right - right) <= 1e-4  # Lipschitz away from s = 0
    assert bool(pca_frames(torch.tensor(crossing_cloud(1e-10))[None]).degenerate[0])
    assert not bool(pca_frames(torch.tensor(crossing_cloud(1e-6))[None]).degenerate[0])


@given(graphs(), st.data())
def test_graph_frames_are_permutation_equivariant(adjacency, data):
    n = adjacency.shape[0]
    perm = np.array(data.draw(st.permutations(range(n))))
    frame = graph_frame(adjacency, dps=30)
    moved = graph_frame(adjacency[np.ix_(perm, perm)], dps=30)
    # node perm[k] of G is node k of the permuted graph: signatures follow the nodes
    assert all(moved.signatures[k] == frame.signatures[perm[k]] for k in range(n))
    assert sorted(map(len, moved.blocks)) == sorted(map(len, frame.blocks))
    assert moved.size == frame.size


def test_isotropic_fixtures_have_one_three_fold_eigenvalue_in_the_kernel():
    for name in ("tetrahedron", "cube", "octahedron"):
        gaps = pca_frames(torch.tensor(FIXTURES[name].array())[None]).relative_gaps[0]
        assert float(gaps.max()) <= 1e-15
