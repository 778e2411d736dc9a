"""The frame-averaging reference (mpmath, no torch) against facts derived by hand.

- Classification: every fixture's kind and multiplicities are derived from its symmetry (see the fixtures
  module); the default tie tolerance 10^(−dps/2) must recognise exact ties and nothing else.
- Haar quadrature: low moments of O(k)/SO(3) are known in closed form (E Q_00² = 1/k, E Q_00⁴ = 3/(k(k+2))), and
  the icosahedral group has no invariant polynomial of degree 1..5, so its exact group average equals the Haar
  average for such polynomials (an independent check of the SO(3) rule).
- Frames: |F|, orthogonality, det, and exact (dps 40) invariance/equivariance under exact E(3) elements.
- Degeneracy: the Haar average on a regular tetrahedron is the same in every orientation; the sign-frame average
  ("ignore") is not (the failure the issue describes).
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

from assay.properties.frames.checks import PolynomialProbe, VectorProbe
from assay.properties.frames.fixtures import FIXTURES
from assay.reference.frames import (
    equivariant_average,
    finite_group,
    graph_equivariant_average,
    graph_frame,
    graph_invariant_average,
    group_average,
    haar_average,
    invariant_average,
    sign_frames,
    spectrum,
)
from assay.reference.so3.rotations import matrix_from_quaternion

DPS = 40
PHI = PolynomialProbe(3, seed=0)
PSI = VectorProbe(3, seed=1)


@pytest.fixture(autouse=True)
def _working_precision():
    """Test arithmetic on the returned mpf values (differences, Gram matrices) runs at DPS digits."""
    with mpmath.workdps(DPS):
        yield


def exact_element(seed: int, reflect: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """An exactly orthogonal (to 40 digits) R and a translation t, as mpf object arrays."""
    rng = np.random.default_rng(seed)
    R = matrix_from_quaternion(rng.standard_normal(4), normalize=True, dps=DPS)
    if reflect:
        R = -R
    t = np.array([mpmath.mpf(float(x)) for x in rng.normal(0, 3, 3)], dtype=object)
    return R, t


def mp_points(points: np.ndarray) -> np.ndarray:
    return np.array(points, dtype=object) * mpmath.mpf(1)


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_fixtures_are_classified_as_derived(name):
    fixture = FIXTURES[name]
    result = spectrum(fixture.points, dps=30)
    assert result.kind == fixture.kind
    assert result.multiplicities == fixture.multiplicities


def test_rotated_tetrahedron_is_still_repeated_at_high_precision():
    R, t = exact_element(3)
    with mpmath.workdps(DPS):
        points = mp_points(FIXTURES["tetrahedron"].array()).dot(R.T) + t
    result = spectrum(points, dps=30)
    assert result.kind == "repeated" and result.multiplicities == (3,)
    # the float64 rounding of the same cloud is near-degenerate: gaps at rounding level, far below 1e-12
    rounded = np.array(points, dtype=np.float64)
    assert spectrum(rounded, dps=30).min_relative_gap() < 1e-14


def test_generic_cloud_is_simple_with_its_gaps():
    result = spectrum(FIXTURES["generic"].points, dps=30)
    values = np.linalg.eigvalsh(np.cov(FIXTURES["generic"].array().T, bias=True) * 6)
    assert result.simple
    np.testing.assert_allclose([float(v) for v in result.eigenvalues], values, rtol=1e-12)
    np.testing.assert_allclose([float(g) for g in result.relative_gaps], np.diff(values) / values[-1], rtol=1e-12)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_haar_moments_in_closed_form(k):
    second = haar_average(lambda Q: Q[0, 0] ** 2, k, degree=2, dps=30)
    fourth = haar_average(lambda Q: Q[0, 0] ** 4, k, degree=4, dps=30)
    mixed = haar_average(lambda Q: Q[0, 0] * Q[k - 1, k - 1], k, degree=2, dps=30)
    with mpmath.workdps(DPS):
        assert abs(second - mpmath.mpf(1) / k) < 1e-28
        assert abs(fourth - mpmath.mpf(3) / (k * (k + 2))) < 1e-28
        assert abs(mixed - (1 if k == 1 else 0)) < 1e-28


def test_haar_rule_of_too_low_degree_is_not_exact():
    """The check above can fail: the degree-3 rule misses E Q_00⁴ = 1/5 on SO(3)."""
    low = haar_average(lambda Q: Q[0, 0] ** 4, 3, degree=3, dps=30, proper=True)
    with mpmath.workdps(DPS):
        assert abs(low - mpmath.mpf(1) / 5) > 1e-3


def test_finite_groups_have_their_orders_and_are_orthogonal():
    for name, order in (("octahedral", 24), ("full_octahedral", 48), ("icosahedral", 60), ("full_icosahedral", 120)):
        elements = finite_group(name, dps=30)
        assert len(elements) == order
        for g in elements[:: max(1, order // 12)]:
            gram = np.array(g.T.dot(g), dtype=np.float64)
            assert np.max(np.abs(gram - np.eye(3))) < 1e-25


def test_icosahedral_average_equals_haar_quadrature_up_to_degree_5():
    def poly(Q):
        return Q[0, 0] ** 4 + 3 * Q[0, 1] ** 2 * Q[2, 2] ** 3 - Q[1, 2] * Q[0, 0] + Q[2, 1] ** 2

    exact = group_average(poly, "icosahedral", dps=30)
    quadrature = haar_average(poly, 3, degree=5, dps=30, proper=True)
    assert abs(exact - quadrature) < 1e-25
    # degree 6 has an icosahedral invariant: the two averages must differ there
    sextic = group_average(lambda Q: Q[0, 0] ** 6, "icosahedral", dps=30)
    assert abs(sextic - haar_average(lambda Q: Q[0, 0] ** 6, 3, degree=6, dps=30, proper=True)) > 1e-6


def test_octahedral_average_of_odd_degree_vanishes_under_inversion():
    assert abs(group_average(lambda Q: Q[0, 0] ** 3 + Q[1, 2], "full_octahedral", dps=30)) == 0


@pytest.mark.parametrize("group, size, proper", [("E(3)", 8, False), ("O(3)", 8, False), ("SE(3)", 4, True),
                                                 ("SO(3)", 4, True)])
def test_sign_frames_size_orthogonality_determinant(group, size, proper):
    frames = sign_frames(FIXTURES["generic"].points, group, dps=30)
    assert len(frames) == size
    for R in frames:
        gram = np.array(R.T.dot(R), dtype=np.float64)
        assert np.max(np.abs(gram - np.eye(3))) < 1e-25
        det = float(mpmath.det(mpmath.matrix(R.tolist())))
        assert (abs(det - 1) < 1e-25) if proper else (abs(abs(det) - 1) < 1e-25)


def test_sign_frames_refuse_a_degenerate_cloud():
    with pytest.raises(ValueError, match="repeated scatter spectrum"):
        sign_frames(FIXTURES["tetrahedron"].points, "E(3)")


@pytest.mark.parametrize("group, reflect, translate", [("E(3)", True, True), ("SE(3)", False, True),
                                                      ("O(3)", True, False), ("SO(3)", False, False)])
def test_reference_averages_are_exactly_invariant_and_equivariant(group, reflect, translate):
    points = mp_points(FIXTURES["generic"].array())
    R, t = exact_element(11, reflect)
    with mpmath.workdps(DPS):
        moved = points.dot(R.T) + (t if translate else 0)
    before = invariant_average(PHI, points, group, dps=30)
    after = invariant_average(PHI, moved, group, dps=30)
    assert abs(before - after) < 1e-25 * max(1, abs(before))
    output = "positions" if translate else "vectors"
    vectors = equivariant_average(PSI, points, group, output=output, dps=30)
    moved_vectors = equivariant_average(PSI, moved, group, output=output, dps=30)
    with mpmath.workdps(DPS):
        expected = vectors.dot(R.T) + (t if translate else 0)
    assert max(abs(x) for x in (moved_vectors - expected).ravel()) < 1e-25


def test_probe_is_not_odd_and_an_odd_probe_hides_everything():
    points = FIXTURES["generic"].points
    assert abs(invariant_average(PHI, points, "E(3)", dps=30)) > 0.1
    # zero to the working precision (the 2^3 sign frames cancel it term by term)
    assert abs(invariant_average(lambda Y: (Y[:, 0] ** 3 + Y[:, 1]).sum(), points, "E(3)", dps=30)) < 1e-35


@pytest.mark.parametrize("name", ["tetrahedron", "cube", "octahedron"])
def test_haar_average_on_isotropic_clouds_is_orientation_independent(name):
    points = mp_points(FIXTURES[name].array())
    R, t = exact_element(5, reflect=True)
    with mpmath.workdps(DPS):
        moved = points.dot(R.T) + t
    haar = invariant_average(PHI, points, "E(3)", dps=30, degree=4)
    haar_moved = invariant_average(PHI, moved, "E(3)", dps=30, degree=4)
    assert abs(haar - haar_moved) < 1e-20
    # for C ∝ I the ideal average is the full O(3) average of φ(Q-rotated centred cloud): check against the
    # full icosahedral group average, exact for degree ≤ 5
    with mpmath.workdps(DPS):
        centred = points - points.sum(axis=0) / points.shape[0]
    exact = group_average(lambda Q: PHI(centred.dot(Q)), "full_icosahedral", dps=30)
    assert abs(haar - exact) < 1e-20
    ignored = invariant_average(PHI, points, "E(3)", dps=30, degenerate="ignore")
    ignored_moved = invariant_average(PHI, moved, "E(3)", dps=30, degenerate="ignore")
    assert abs(ignored - ignored_moved) > 1e-3  # sign frames are not invariant here


def test_haar_average_on_an_axially_symmetric_cloud_is_rotation_independent():
    points = mp_points(FIXTURES["square_pyramid"].array())
    R, t = exact_element(8)
    with mpmath.workdps(DPS):
        moved = points.dot(R.T) + t
    haar = invariant_average(PHI, points, "SE(3)", dps=30, degree=4)
    assert abs(haar - invariant_average(PHI, moved, "SE(3)", dps=30, degree=4)) < 1e-20
    vectors = equivariant_average(PSI, points, "SE(3)", output="positions", dps=30, degree=4)
    moved_vectors = equivariant_average(PSI, moved, "SE(3)", output="positions", dps=30, degree=4)
    with mpmath.workdps(DPS):
        expected = vectors.dot(R.T) + t
    assert max(abs(x) for x in (moved_vectors - expected).ravel()) < 1e-20


def test_collinear_cloud_average_is_invariant():
    points = mp_points(FIXTURES["collinear"].array())
    R, t = exact_element(9, reflect=True)
    with mpmath.workdps(DPS):
        moved = points.dot(R.T) + t
    value = invariant_average(PHI, points, "E(3)", dps=30, degree=4)
    assert abs(value - invariant_average(PHI, moved, "E(3)", dps=30, degree=4)) < 1e-20


def test_refuse_policy_raises():
    with pytest.raises(ValueError, match="degenerate='refuse'"):
        invariant_average(PHI, FIXTURES["cube"].points, "E(3)", degenerate="refuse")


@pytest.mark.parametrize("bad, error, match", [
    ([[1.0, float("nan"), 0.0]], ValueError, "finite"),
    (np.zeros((0, 3)), ValueError, "n >= 1"),
    ([1.0, 2.0, 3.0], ValueError, r"shape \(n, d\)"),
    ("points", TypeError, "points"),
])
def test_bad_points_are_refused(bad, error, match):
    with pytest.raises(error, match=match):
        spectrum(bad)


def test_group_dimension_must_match():
    with pytest.raises(ValueError, match="acts on"):
        invariant_average(PHI, FIXTURES["generic"].points, "E(2)")


def _path(n: int) -> np.ndarray:
    A = np.zeros((n, n), dtype=np.int64)
    for i in range(n - 1):
        A[i, i + 1] = A[i + 1, i] = 1
    return A


def test_graph_frame_blocks_of_a_path_and_a_cycle():
    path = graph_frame(_path(5), dps=30)
    assert sorted(map(sorted, path.blocks)) == [[0, 4], [1, 3], [2]]  # mirror-symmetric pairs tie
    assert path.size == 4
    cycle = np.roll(np.eye(6, dtype=np.int64), 1, axis=1)
    cycle = cycle + cycle.T
    frame = graph_frame(cycle, dps=30)
    assert frame.blocks == (tuple(range(6)),) and frame.size == math.factorial(6)


def test_graph_averages_are_permutation_invariant_and_equivariant():
    rng = np.random.default_rng(4)
    upper = np.triu(rng.random((7, 7)) < 0.5, 1)
    A = (upper | upper.T).astype(np.int64)
    x = rng.standard_normal(7)
    perm = rng.permutation(7)

    def phi(adjacency, features):
        return features[0] * features[1] + float(adjacency[0, 1]) * features[2] + features[0] ** 2

    def Phi(adjacency, features):
        return np.cumsum(features) + adjacency.dot(features)

    before, exhaustive = graph_invariant_average(phi, A, x)
    after, _ = graph_invariant_average(phi, A[np.ix_(perm, perm)], x[perm])
    assert exhaustive and abs(before - after) < 1e-12 * max(1, abs(before))
    out, _ = graph_equivariant_average(Phi, A, x)
    out_moved, _ = graph_equivariant_average(Phi, A[np.ix_(perm, perm)], x[perm])
    assert np.max(np.abs(np.array(out[perm] - out_moved, dtype=np.float64))) < 1e-12


def test_graph_frame_is_sampled_when_large():
    from assay.properties.frames.strategies import _petersen

    frame = graph_frame(_petersen(), dps=30)
    assert frame.size == math.factorial(10)
    orderings, exhaustive = frame.orderings(max_frames=1000, samples=50, seed=1)
    assert not exhaustive and len(orderings) == 50 and all(sorted(o) == list(range(10)) for o in orderings)
