"""Conformance: Wigner D matrices, from Euler angles (``so3.wigner_D``) and from rotation matrices
(``so3.wigner_D_matrix``).

D is defined by the harmonics, so no Euler convention is assumed beyond the one the adapter declares: in a real
basis ``Y(R r) = D(R) Y(r)``; in the complex (Condon–Shortley) basis D is the Edmonds matrix and
``Y(R r) = conj(D(R)) Y(r)``. The reference is :mod:`assay.reference.so3.wigner` (mpmath, 30 digits) in the
declared basis, polar axis, phase, m order and Euler convention.

Properties (each catches different mistakes):

- **values** — D at Euler angles including gimbal lock (β = 0, π) against the reference. Catches swapped angles,
  a wrong Euler convention, a float32 ingredient.
- **equivariance** — ``Y(R r) = D(R) Y(r)`` with the reference harmonics in the declared convention: the defining
  property, independent of any Euler convention. Fixed special rotations first (0, ±π/2, π in every Euler slot,
  next to gimbal lock, small angles; ``assay.properties.so3.strategies.special_euler_angles``), then rotations
  Hypothesis draws; the snippet of a failure recomputes this error at the worst rotation.
- **unitarity** — ``D Dᴴ = I``. Holds for a swapped-angle D too: unitarity alone never proves correctness.
- **deep probes** — degrees ``deep_d_l`` (20 in every profile) beside ``0..d_l_max``, with every property.
- **homomorphism** — ``D(R1 R2) = D(R1) D(R2)``; for the angle form the angles of ``R1 R2`` are computed in the
  declared convention. Swapping α and γ turns D into an anti-homomorphism, which this catches.
"""

from __future__ import annotations

import numpy as np
import pytest

from assay.conformance.contracts import contract_for
from assay.conformance.plugin import profile_sizes
from assay.conformance.so3.support import (
    angles_from_rotation,
    array_literal,
    convention,
    reference_wigner_D,
    rotation_from_angles,
    sample_angles,
    sample_rotations,
    sample_unit_vectors,
    sh_block_norm,
    summarize_eps,
    wigner_equivariance_error,
    wigner_equivariance_snippet,
    wigner_unitarity_snippet,
)

D_ANGLES = "so3.wigner_D"
D_MATRIX = "so3.wigner_D_matrix"
BOTH = pytest.mark.parametrize("capability", [D_ANGLES, D_MATRIX], ids=["angles", "matrix"])


def _examples(sizes: dict[str, int]) -> int:
    """Hypothesis examples: the profile's count, capped at 10 × the profile's rotations (each example costs a
    reference Wigner D), so ``thorough`` (1000 examples) stays a nightly run of minutes, not hours."""
    from hypothesis import settings

    return max(1, min(settings.default.max_examples, 10 * sizes["rotations"]))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "l" in metafunc.fixturenames:
        sizes = profile_sizes(metafunc)
        degrees = sorted(set(range(sizes["d_l_max"] + 1)) | set(sizes["deep_d_l"]))  # with the deep probes
        metafunc.parametrize("l", degrees, ids=lambda l: f"l={l}")


def _rotations(adapter, capability: str, count: int, deep: bool = False) -> list[tuple[tuple | None, np.ndarray]]:
    """(angles or None, matrix) pairs; angles in the adapter's declared Euler convention. A deep probe takes the
    first special angles (gimbal lock, right angles) and one random rotation: each costs a reference D of high l."""
    if capability == D_ANGLES:
        euler = convention(adapter.conventions, "so3.euler")
        angles = sample_angles(count)
        angles = angles[:4] + angles[-1:] if deep else angles
        return [(a, rotation_from_angles(a, euler)) for a in angles]
    rotations = sample_rotations(count)
    return [(None, R) for R in (rotations[:3] if deep else rotations)]


def _call(adapter, capability: str, l: int, angles: tuple | None, matrix: np.ndarray) -> np.ndarray:
    function = adapter.get(capability)
    D = np.asarray(function(l, *angles) if capability == D_ANGLES else function(l, matrix))
    if D.shape != (2 * l + 1, 2 * l + 1):
        raise AssertionError(f"{adapter.name}: {capability} returned shape {D.shape}, expected {(2 * l + 1,) * 2}")
    return D


def _snippet(spec: str, capability: str, l: int, angles: tuple | None, matrix: np.ndarray) -> str:
    call = f"({l}, *{angles!r})" if capability == D_ANGLES else f"({l}, R)"
    reference = f"angles={angles!r}" if capability == D_ANGLES else "matrix=R"
    return (
        "import numpy as np\n"
        "from assay.conformance.adapters import load_adapter\n"
        "from assay.conformance.so3.support import reference_wigner_D\n"
        f"adapter = load_adapter({spec!r})\n"
        f"R = {array_literal(matrix)}\n"
        f"got = np.asarray(adapter.get({capability!r}){call})\n"
        f"expected = reference_wigner_D({l}, adapter.conventions, {reference})\n"
        "print(np.abs(got - expected).max())\n"
    )


@BOTH
@pytest.mark.assay_capability(param="capability", limits={"degree": "l"})
def test_wigner_D_values(assay_adapter, assay_check, assay_sizes, capability, l):
    conventions = assay_adapter.conventions
    deep = l > assay_sizes["d_l_max"]
    differences, inputs, pairs = [], [], _rotations(assay_adapter, capability, assay_sizes["rotations"], deep)
    for angles, matrix in pairs:
        got = _call(assay_adapter, capability, l, angles, matrix)
        expected = reference_wigner_D(l, conventions, angles=angles, matrix=None if angles else matrix, dps=20)
        differences.append(np.abs(got.astype(expected.dtype) - expected).max())
        inputs.append(angles if angles is not None else matrix.tolist())
    summary = summarize_eps(np.array(differences), 1.0, assay_adapter.dtype, inputs)
    worst = pairs[summary.worst_index[0]]
    assay_check.check(summary, contract_for(capability, "value", assay_adapter.dtype),
                      f"D^{l} equals the reference in the declared basis and Euler convention",
                      _snippet(assay_adapter.spec, capability, l, *worst))


@BOTH
@pytest.mark.assay_capability(param="capability", limits={"degree": "l"})
def test_wigner_D_unitarity(assay_adapter, assay_check, assay_sizes, capability, l):
    pairs = _rotations(assay_adapter, capability, assay_sizes["rotations"])
    errors = []
    for angles, matrix in pairs:
        D = _call(assay_adapter, capability, l, angles, matrix).astype(np.complex128)
        errors.append(np.abs(D @ D.conj().T - np.eye(2 * l + 1)).max())
    summary = summarize_eps(np.array(errors), 1.0, assay_adapter.dtype,
                            [a if a is not None else m.tolist() for a, m in pairs])
    worst = pairs[summary.worst_index[0]]
    assay_check.check(summary, contract_for(capability, "unitarity", assay_adapter.dtype), "D Dᴴ = I",
                      wigner_unitarity_snippet(assay_adapter.spec, capability, l, *worst))


@BOTH
@pytest.mark.assay_capability(param="capability", limits={"degree": "l"})
def test_wigner_D_equivariance(assay_adapter, assay_check, assay_sizes, capability, l):
    """Y(R r) = D(R) Y(r) (real basis) or conj(D(R)) Y(r) (complex basis), for Hypothesis-drawn rotations."""
    from hypothesis import Phase, given, settings
    from hypothesis import strategies as st

    from assay.properties.so3.strategies import (
        euler_angles,
        rotation_matrices,
        special_euler_angles,
        special_rotation_matrices,
    )

    conventions = assay_adapter.conventions
    euler = convention(conventions, "so3.euler")
    points = sample_unit_vectors(assay_sizes["points"])
    norm = sh_block_norm(l, convention(conventions, "so3.normalization"))
    contract = contract_for(capability, "equivariance", assay_adapter.dtype)
    worst: list = []

    def record(angles: tuple | None, matrix: np.ndarray) -> None:
        error = wigner_equivariance_error(assay_adapter, capability, l, angles, matrix, points)
        worst.append((error, angles, matrix))

    # fixed special rotations first, in every profile (a derandomized run must not be blind to them; a deep probe
    # takes every third, each kind still represented, since D of a high degree costs more) ...
    step = 3 if l > assay_sizes["d_l_max"] else 1
    if capability == D_ANGLES:
        for angles in special_euler_angles()[::step]:
            record(angles, rotation_from_angles(angles, euler))
        strategy = euler_angles().map(lambda a: (a, rotation_from_angles(a, euler)))
    else:
        for matrix in special_rotation_matrices()[::step]:
            record(None, matrix)
        strategy = rotation_matrices().map(lambda R: (None, R))

    # ... then Hypothesis draws more (count and seed from the profile); errors are collected and checked once, so
    # a failing implementation reports its worst rotation instead of paying for shrinking, and the snippet
    # replays that rotation exactly
    @settings(deadline=None, max_examples=_examples(assay_sizes), phases=[Phase.explicit, Phase.reuse, Phase.generate])
    @given(st.data())
    def run(data):
        record(*data.draw(strategy))

    run()
    errors = np.array([w[0] for w in worst])
    summary = summarize_eps(errors, norm, assay_adapter.dtype,
                            [w[1] if w[1] is not None else w[2].tolist() for w in worst])
    _, angles, matrix = worst[summary.worst_index[0]]
    assay_check.check(summary, contract, "Y(R r) = D(R) Y(r) for every rotation",
                      wigner_equivariance_snippet(assay_adapter.spec, capability, l, angles, matrix, points))


@BOTH
@pytest.mark.assay_capability(param="capability", limits={"degree": "l"})
def test_wigner_D_homomorphism(assay_adapter, assay_check, assay_sizes, capability, l):
    euler = convention(assay_adapter.conventions, "so3.euler")
    rotations = sample_rotations(assay_sizes["rotations"], seed=11)
    errors, inputs = [], []
    for R1, R2 in zip(rotations, rotations[1:] + rotations[:1]):
        matrices = (R1, R2, R1 @ R2)
        if capability == D_ANGLES:
            angle_sets = [angles_from_rotation(m, euler) for m in matrices]
            D1, D2, D12 = (_call(assay_adapter, capability, l, a, None) for a in angle_sets)
            inputs.append(tuple(angle_sets[:2]))
        else:
            D1, D2, D12 = (_call(assay_adapter, capability, l, None, m) for m in matrices)
            inputs.append((R1.tolist(), R2.tolist()))
        errors.append(np.abs(D12 - D1 @ D2).max())
    summary = summarize_eps(np.array(errors), 1.0, assay_adapter.dtype, inputs)
    assay_check.check(summary, contract_for(capability, "homomorphism", assay_adapter.dtype),
                      "D(R1 R2) = D(R1) D(R2)" + (" (angles of R1 R2 in the declared Euler convention)"
                                                  if capability == D_ANGLES else ""))
