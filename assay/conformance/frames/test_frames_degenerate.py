"""Conformance: degenerate spectra — classification (``frames.classify``) and the declared policy
(``frames.degenerate``).

Fixtures (:mod:`assay.properties.frames.fixtures`) have integer coordinates, so their scatter matrices are exact
(for O/SO the frame comes from ``XᵀX`` about the origin, and the fixtures degenerate there are used):
a regular tetrahedron, a cube, an octahedron (``C ∝ I``), square pyramids and antiprisms (axially symmetric: a
2-fold eigenvalue), collinear points, two points (n < d), one point — and generic clouds. Each is also moved by a
random element of the declared group (rounding then leaves gaps of order ε, still degenerate for any float policy).

- **classify** — the flags equal the reference classification (exact at 30 digits).
- **haar** (``frames.degeneracy = haar``) — on each degenerate fixture the estimate with ``samples`` draws is
  within ``6 σ/√samples`` of the exact Haar average over ``V·Π O(k_j)`` (reference quadrature, exact for the
  degree-4 probe; σ² the exact Haar variance), in the original and the moved position. A sign-frame average fails
  this on the tetrahedron by about 100 σ/√samples.
- **refuse** (``frames.degeneracy = refuse``) — every degenerate fixture raises ``ValueError``; generic clouds don't.
"""

from __future__ import annotations

import numpy as np
import pytest

from assay.conformance.contracts import contract_for
from assay.conformance.frames.support import PHI, REFERENCE_DPS, declared_group, generic_clouds, group_elements, snippet
from assay.core.errors import summarize
from assay.properties.frames.fixtures import FIXTURES

CLASSIFY = "frames.classify"
DEGENERATE = "frames.degenerate"


def _moved_fixtures(group: str, proper: bool, translations: bool) -> list[tuple[str, np.ndarray]]:
    """The fixtures whose frame spectrum (centred for E/SE, about the origin for O/SO) is degenerate at 30
    digits, each also moved by a random element of the group."""
    from assay.reference.frames import frame_spectrum

    (R, t), = group_elements(1, proper, translations, seed=29)[2:3]
    out = []
    for name, fixture in FIXTURES.items():
        if frame_spectrum(fixture.points, group, REFERENCE_DPS).simple:
            continue
        cloud = fixture.array()
        out += [(name, cloud), (f"{name} moved", cloud @ R.T + t)]
    return out


@pytest.mark.assay_capability(CLASSIFY)
def test_classification(assay_adapter, assay_check, assay_sizes):
    group, proper, translations = declared_group(assay_adapter)
    cases = _moved_fixtures(group, proper, translations)
    generic = generic_clouds(assay_sizes["clouds"], assay_sizes["points"])
    wrong, inputs = [], []
    classify = assay_adapter.get(CLASSIFY)
    for name, cloud in cases:
        flag = bool(np.asarray(classify(cloud[None])).reshape(-1)[0])
        wrong.append(float(not flag))
        inputs.append(f"{name} (degenerate)")
    flags = np.asarray(classify(generic)).reshape(-1).astype(bool)
    wrong += [float(f) for f in flags]
    inputs += [f"generic cloud {i} (simple)" for i in range(len(generic))]
    summary = summarize(np.array(wrong), "count", inputs)
    assay_check.check(summary, contract_for(CLASSIFY, "misclassified", assay_adapter.dtype),
                      "repeated eigenvalues are flagged, generic spectra are not",
                      snippet(assay_adapter.spec, CLASSIFY, FIXTURES["tetrahedron"].array(), "flag = f(X)",
                              "print(flag)  # expected [True]"))


@pytest.mark.assay_capability(DEGENERATE)
def test_declared_policy_on_degenerate_clouds(assay_adapter, assay_check, assay_sizes):
    from assay.reference.frames import invariant_average

    group, proper, translations = declared_group(assay_adapter)
    policy = assay_adapter.conventions.get("frames.degeneracy")
    function = assay_adapter.get(DEGENERATE)
    samples = int(assay_sizes["haar_samples"])
    if policy == "refuse":
        for name, cloud in _moved_fixtures(group, proper, translations):
            with pytest.raises(ValueError):
                function(PHI, cloud[None], samples, 0)
                raise AssertionError(f"{assay_adapter.name}: {DEGENERATE} returned a value on {name} although it "
                                     "declares frames.degeneracy = refuse")
        function(PHI, generic_clouds(2, assay_sizes["points"]), samples, 0)  # generic clouds are accepted
        return
    if policy != "haar":
        raise AssertionError(f"{assay_adapter.name} provides {DEGENERATE} but declares frames.degeneracy = "
                             f"{policy!r}; the suite checks 'haar' or 'refuse'")
    scores, inputs = [], []
    for index, (name, cloud) in enumerate(_moved_fixtures(group, proper, translations)):
        # the Haar average is invariant, so the moved copy (whose float64 rounding is only near-degenerate at 30
        # digits) is held to the exact average of the exactly degenerate original
        original = FIXTURES[name.removesuffix(" moved")].array()
        exact = float(invariant_average(PHI, original, group, REFERENCE_DPS, degree=4))
        second = float(invariant_average(lambda Y: PHI(Y) ** 2, original, group, REFERENCE_DPS, degree=8))
        standard_error = max(second - exact * exact, 0.0) ** 0.5 / samples**0.5
        estimate = float(np.asarray(function(PHI, cloud[None], samples, 1000 + index)).reshape(-1)[0])
        # rounding floor: a σ = 0 fixture (the collinear cloud) is exact up to the dtype's rounding
        floor = 1000 * np.finfo(np.float64 if assay_adapter.dtype == "float64" else np.float32).eps
        scores.append(abs(estimate - exact) / max(standard_error, floor * max(1.0, abs(exact))))
        inputs.append(f"{name}: estimate {estimate:.8g}, exact Haar average {exact:.8g}")
    summary = summarize(np.array(scores), "stat", inputs)
    assay_check.check(summary, contract_for(DEGENERATE, "haar_mean", assay_adapter.dtype),
                      "the degenerate-cloud estimate is the Haar average over the eigenspaces (z-score)",
                      snippet(assay_adapter.spec, DEGENERATE, FIXTURES["tetrahedron"].array(),
                              f"value = f(PHI, X, {samples}, 0)",
                              "from assay.reference.frames import invariant_average\n"
                              f"print(value, float(invariant_average(PHI, X[0], {group!r}, 30, degree=4)))"))
