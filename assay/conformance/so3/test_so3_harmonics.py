"""Conformance: spherical harmonics in the adapter's declared convention, degree by degree.

The reference is :func:`assay.reference.so3.harmonics.spherical_harmonics_xyz` (mpmath, 30 digits) in the
adapter's declared basis (complex/real), normalization, Condon–Shortley phase, polar axis and m order, so a
library in any declared convention is compared with the right numbers. Points: the six axis poles, a point 2e-9
from the z pole, and uniform random points (the profile sets how many). Degrees above the adapter's
``max_degree`` are "not provided".

Properties:

- **values** — ``|Y_lm(r) − Y_lm^ref(r)| / ‖Y_l‖`` in ε, where ``‖Y_l‖`` is the norm of the degree-l block (the
  same at every point). A sign flip of some components, a wrong normalization or a wrong axis is an O(1) error.
- **deep probes** — degrees ``deep_sh_l`` (40 in every profile, 60 in ``thorough``) beside ``0..sh_l_max``, where
  recurrences drift and factorials overflow.
- **normalization** — ``Σ_m |Y_lm(r)|² = ‖Y_l‖²`` at every point (the addition theorem); this holds whatever the
  phase and axis conventions, so it separates a normalization mistake from a sign mistake.
"""

from __future__ import annotations

import numpy as np
import pytest

from assay.conformance.contracts import contract_for
from assay.conformance.plugin import profile_sizes
from assay.conformance.so3.support import (
    array_literal,
    convention,
    reference_sh_block,
    sample_unit_vectors,
    sh_block_norm,
    summarize_eps,
)

SH = "so3.spherical_harmonics"
SOLID = "so3.solid_harmonics"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "l" in metafunc.fixturenames:
        sizes = profile_sizes(metafunc)
        degrees = sorted(set(range(sizes["sh_l_max"] + 1)) | set(sizes["deep_sh_l"]))  # with the deep probes
        metafunc.parametrize("l", degrees, ids=lambda l: f"l={l}")


def _points(sizes: dict, l: int) -> np.ndarray:
    """The profile's points; a deep probe (l above ``sh_l_max``) uses the special points and five random ones."""
    return sample_unit_vectors(sizes["points"] if l <= sizes["sh_l_max"] else 12)


def _block(adapter, l: int, points: np.ndarray) -> np.ndarray:
    values = np.asarray(adapter.get(SH)(l, points))
    expected_shape = (len(points), (l + 1) ** 2)
    if values.shape != expected_shape:
        raise AssertionError(f"{adapter.name}: {SH}({l}, xyz of shape {points.shape}) returned shape "
                             f"{values.shape}, expected {expected_shape}")
    return values[:, l * l:(l + 1) ** 2]


def _snippet(spec: str, l: int, point: np.ndarray) -> str:
    return (
        "import numpy as np\n"
        "from assay.conformance.adapters import load_adapter\n"
        "from assay.conformance.so3.support import reference_sh_block\n"
        f"adapter = load_adapter({spec!r})\n"
        f"point = {array_literal(point.reshape(1, 3))}\n"
        f"got = np.asarray(adapter.get({SH!r})({l}, point))[0, {l * l}:{(l + 1) ** 2}]\n"
        f"expected = reference_sh_block({l}, point, adapter.conventions)[0]\n"
        "print('got     ', got)\nprint('expected', expected)\n"
    )


@pytest.mark.assay_capability(SH, limits={"degree": "l"})
def test_spherical_harmonics_values(assay_adapter, assay_check, assay_sizes, l):
    points = _points(assay_sizes, l)
    got = _block(assay_adapter, l, points)
    expected = reference_sh_block(l, points, assay_adapter.conventions)
    scale = sh_block_norm(l, convention(assay_adapter.conventions, "so3.normalization"))
    m_values = np.arange(-l, l + 1)
    if convention(assay_adapter.conventions, "so3.m_order") == "descending":
        m_values = m_values[::-1]
    inputs = [(tuple(p), l, int(m)) for p in points for m in m_values]
    declared = ", ".join(f"{k}={v}" for k, v in assay_adapter.conventions.items()
                         if k.startswith("so3.") and k != "so3.euler")
    assay_check.compare(SH, "value", got, expected, scale=scale, inputs=inputs,
                        what=f"Y_l at unit vectors equals the reference in the declared convention ({declared})",
                        reproduce=lambda summary: _snippet(assay_adapter.spec, l, points[summary.worst_index[0]]))


@pytest.mark.assay_capability(SH, limits={"degree": "l"})
def test_spherical_harmonics_normalization(assay_adapter, assay_check, assay_sizes, l):
    points = _points(assay_sizes, l)
    got = _block(assay_adapter, l, points)
    norm = sh_block_norm(l, convention(assay_adapter.conventions, "so3.normalization"))
    squared = np.sum(np.abs(got.astype(np.complex128)) ** 2, axis=1)
    contract = contract_for(SH, "normalization", assay_adapter.dtype)
    summary = summarize_eps(squared - norm**2, norm**2, assay_adapter.dtype, [tuple(p) for p in points],
                            actual=squared, expected=np.full(len(points), norm**2))
    assay_check.check(summary, contract, f"Σ_m |Y_lm(r)|² = ‖Y_l‖² = {norm**2:.17g} at every point",
                      _snippet(assay_adapter.spec, l, points[summary.worst_index[0]]))


def _solid_snippet(spec: str, l: int, point: np.ndarray) -> str:
    return (
        "import numpy as np\n"
        "from assay.conformance.adapters import load_adapter\n"
        "from assay.conformance.so3.support import reference_sh_block\n"
        f"adapter = load_adapter({spec!r})\n"
        f"point = {array_literal(point.reshape(1, 3))}\n"
        f"got = np.asarray(adapter.get({SOLID!r})({l}, point))[0, {l * l}:{(l + 1) ** 2}]\n"
        f"r = np.linalg.norm(point)\n"
        f"expected = r**{l} * reference_sh_block({l}, point / r, adapter.conventions)[0]\n"
        "print('got     ', got)\nprint('expected', expected)\n"
    )


@pytest.mark.assay_capability(SOLID, limits={"degree": "l"})
def test_solid_harmonics_values(assay_adapter, assay_check, assay_sizes, l):
    """``R_lm(r) = |r|^l Y_lm(r/|r|)`` at points of lengths 10⁻³..10³ (the r^l factor is what is tested)."""
    directions = _points(assay_sizes, l)
    lengths = np.geomspace(1e-3, 1e3, len(directions))
    if l > 12:  # |r|^l must stay well inside float64 (and float32) range at the deep degrees
        lengths = np.geomspace(0.5, 2.0, len(directions))
    points = directions * lengths[:, None]
    values = np.asarray(assay_adapter.get(SOLID)(l, points))
    if values.shape != (len(points), (l + 1) ** 2):
        raise AssertionError(f"{assay_adapter.name}: {SOLID} returned shape {values.shape}, "
                             f"expected {(len(points), (l + 1) ** 2)}")
    got = values[:, l * l:(l + 1) ** 2]
    radial = lengths**l
    expected = reference_sh_block(l, directions, assay_adapter.conventions) * radial[:, None]
    scale = sh_block_norm(l, convention(assay_adapter.conventions, "so3.normalization")) * radial[:, None]
    inputs = [(tuple(p), l) for p in points for _ in range(2 * l + 1)]
    assay_check.compare(SOLID, "value", got, expected, scale=scale, inputs=inputs,
                        what="R_l(r) = |r|^l Y_l(r/|r|) in the declared convention",
                        reproduce=lambda summary: _solid_snippet(assay_adapter.spec, l, points[summary.worst_index[0]]))
