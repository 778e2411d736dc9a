"""Conformance: frame averages (``frames.invariant``, ``frames.vectors``, ``frames.positions``) on generic clouds.

The test functions are :class:`~assay.properties.frames.checks.PolynomialProbe` (invariant) and
:class:`~assay.properties.frames.checks.VectorProbe` (one vector per point): fixed polynomials that are not odd (an
odd function averages to exactly zero over the sign frames and would hide every bug) and, for φ, chiral (a mirrored
frame changes its value). The adapter calls them on its framed inputs (torch tensors or numpy arrays).

Properties:

- **invariance** — ``⟨φ⟩(gX) = ⟨φ⟩(X)`` for random g of the declared group. Catches signs fixed by a
  non-equivariant rule (e.g. by sums of eigenvector entries in ambient coordinates).
- **equivariance** — ``⟨Ψ⟩(gX) = ⟨Ψ⟩(X) Rᵀ`` (vectors) and ``⟨Ψ⟩(X) Rᵀ + 1tᵀ`` (positions). Catches a centroid
  that is never added back to positions.
- **value** — the averages equal the reference averages (mpmath, 30 digits). Catches frames that are
  equivariant but wrong — a left-handed third axis averages over the mirror image.
- **continuity** — along a path where the two largest eigenvalues cross, the average is smooth on either side;
  the jump at the crossing itself is the expected behaviour of every frame average (no continuous
  canonicalization exists) and is reported in the record, never failed.
"""

from __future__ import annotations

import numpy as np
import pytest

from assay.conformance.contracts import contract_for
from assay.conformance.frames.support import (
    PHI,
    PSI,
    declared_group,
    generic_clouds,
    group_elements,
    reference_invariant,
    reference_vectors,
    snippet,
)
from assay.conformance.support import summarize_eps, summarize_rel

INVARIANT = "frames.invariant"
OUTPUTS = pytest.mark.parametrize("capability", ["frames.vectors", "frames.positions"], ids=["vectors", "positions"])


def _invariant(adapter, points: np.ndarray) -> np.ndarray:
    values = np.asarray(adapter.get(INVARIANT)(PHI, points), dtype=np.float64)
    if values.shape != (len(points),):
        raise AssertionError(f"{adapter.name}: {INVARIANT} returned shape {values.shape}, expected ({len(points)},)")
    return values


def _vectors(adapter, capability: str, points: np.ndarray) -> np.ndarray:
    values = np.asarray(adapter.get(capability)(PSI, points), dtype=np.float64)
    if values.shape != points.shape:
        raise AssertionError(f"{adapter.name}: {capability} returned shape {values.shape}, expected {points.shape}")
    return values


@pytest.mark.assay_capability(INVARIANT)
def test_invariance(assay_adapter, assay_check, assay_sizes):
    _, proper, translations = declared_group(assay_adapter)
    clouds = generic_clouds(assay_sizes["clouds"], assay_sizes["points"])
    before = _invariant(assay_adapter, clouds)
    differences, scales, inputs = [], [], []
    for k, (R, t) in enumerate(group_elements(assay_sizes["elements"], proper, translations)):
        after = _invariant(assay_adapter, clouds @ R.T + t)
        differences.extend(np.abs(after - before))
        scales.extend(np.maximum(1.0, np.abs(before)))
        inputs.extend(f"cloud {i}, element {k}: R = {R.tolist()}, t = {t.tolist()}" for i in range(len(clouds)))
    summary = summarize_eps(np.array(differences), np.array(scales), assay_adapter.dtype, inputs)
    cloud = clouds[summary.worst_index[0] % len(clouds)]
    assay_check.check(summary, contract_for(INVARIANT, "invariance", assay_adapter.dtype),
                      "⟨φ⟩(gX) = ⟨φ⟩(X) for g in the declared group (φ a non-odd, chiral degree-4 polynomial)",
                      snippet(assay_adapter.spec, INVARIANT, cloud, "value = f(PHI, X)",
                              "print(value, 'then compare with f(PHI, X @ R.T + t) for R, t from the failure')"))


@pytest.mark.assay_capability(INVARIANT)
def test_invariant_values(assay_adapter, assay_check, assay_sizes):
    group, _, _ = declared_group(assay_adapter)
    clouds = generic_clouds(assay_sizes["clouds"], assay_sizes["points"])
    values = _invariant(assay_adapter, clouds)
    expected = np.array([reference_invariant(cloud, group) for cloud in clouds])
    summary = summarize_eps(values - expected, np.maximum(1.0, np.abs(expected)), assay_adapter.dtype,
                            [f"cloud {i}" for i in range(len(clouds))], values, expected)
    cloud = clouds[summary.worst_index[0]]
    assay_check.check(summary, contract_for(INVARIANT, "value", assay_adapter.dtype),
                      "⟨φ⟩(X) equals the reference average over the reference frame",
                      snippet(assay_adapter.spec, INVARIANT, cloud, "value = f(PHI, X)[0]",
                              f"print(value, reference_invariant(X[0], {group!r}))"))


@OUTPUTS
@pytest.mark.assay_capability(param="capability")
def test_equivariance(assay_adapter, assay_check, assay_sizes, capability):
    _, proper, translations = declared_group(assay_adapter)
    positions = capability == "frames.positions"
    clouds = generic_clouds(assay_sizes["clouds"], assay_sizes["points"])
    before = _vectors(assay_adapter, capability, clouds)
    scale = np.maximum(1.0, np.abs(before).max(axis=(1, 2)))
    differences, scales, inputs = [], [], []
    for k, (R, t) in enumerate(group_elements(assay_sizes["elements"], proper, translations)):
        after = _vectors(assay_adapter, capability, clouds @ R.T + t)
        expected = before @ R.T + (t if positions else 0.0)
        differences.extend(np.abs(after - expected).max(axis=(1, 2)))
        scales.extend(scale)
        inputs.extend(f"cloud {i}, element {k}: R = {R.tolist()}, t = {t.tolist()}" for i in range(len(clouds)))
    summary = summarize_eps(np.array(differences), np.array(scales), assay_adapter.dtype, inputs)
    cloud = clouds[summary.worst_index[0] % len(clouds)]
    law = "⟨Ψ⟩(gX) = ⟨Ψ⟩(X) Rᵀ + 1tᵀ (positions)" if positions else "⟨Ψ⟩(gX) = ⟨Ψ⟩(X) Rᵀ (free vectors)"
    assay_check.check(summary, contract_for(capability, "equivariance", assay_adapter.dtype), law,
                      snippet(assay_adapter.spec, capability, cloud, "Y = np.asarray(f(PSI, X))[0]",
                              "print(Y, 'then compare f(PSI, X @ R.T + t)[0] with the law')"))


@OUTPUTS
@pytest.mark.assay_capability(param="capability")
def test_equivariant_values(assay_adapter, assay_check, assay_sizes, capability):
    group, _, _ = declared_group(assay_adapter)
    output = capability.split(".")[1]
    clouds = generic_clouds(assay_sizes["clouds"], assay_sizes["points"])
    values = _vectors(assay_adapter, capability, clouds)
    expected = np.stack([reference_vectors(cloud, group, output) for cloud in clouds])
    summary = summarize_eps(np.abs(values - expected).max(axis=(1, 2)),
                            np.maximum(1.0, np.abs(expected).max(axis=(1, 2))), assay_adapter.dtype,
                            [f"cloud {i}" for i in range(len(clouds))])
    cloud = clouds[summary.worst_index[0]]
    assay_check.check(summary, contract_for(capability, "value", assay_adapter.dtype),
                      f"⟨Ψ⟩(X) ({output}) equals the reference average",
                      snippet(assay_adapter.spec, capability, cloud, "Y = np.asarray(f(PSI, X))[0]",
                              f"print(np.abs(Y - reference_vectors(X[0], {group!r}, {output!r})).max())"))


@pytest.mark.assay_capability(INVARIANT)
def test_continuity_away_from_an_eigenvalue_crossing(assay_adapter, assay_check, assay_sizes):
    """The average jumps where eigenvalues cross (expected; reported) and is smooth on either side (checked)."""
    from assay.properties.frames.fixtures import crossing_cloud

    steps = sorted(assay_sizes["crossing"])
    s_values = [-s for s in reversed(steps)] + list(steps)
    clouds = np.stack([crossing_cloud(s) for s in s_values])
    values = _invariant(assay_adapter, clouds)
    half = len(steps)
    left, right = values[:half], values[half:]
    differences = np.concatenate([np.abs(np.diff(left)), np.abs(np.diff(right))])
    scale = max(1.0, float(np.abs(values).max()))
    pairs = [(s_values[i], s_values[i + 1]) for i in range(half - 1)]
    pairs += [(s_values[half + i], s_values[half + i + 1]) for i in range(half - 1)]
    summary = summarize_rel(differences, scale, [f"s = {a:g} → {b:g}" for a, b in pairs])
    jump = abs(float(right[0] - left[-1]))
    assay_check.check(summary, contract_for(INVARIANT, "continuity", assay_adapter.dtype),
                      f"smooth on either side of the crossing at s = 0 (the jump across it, {jump:.3g}, is the "
                      "expected discontinuity of frame averaging and is not bounded)",
                      snippet(assay_adapter.spec, INVARIANT, crossing_cloud(steps[0]), "value = f(PHI, X)[0]",
                              "print(value)"))
