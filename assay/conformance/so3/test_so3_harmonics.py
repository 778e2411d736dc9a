"""Conformance: spherical harmonics in the adapter's declared convention, degree by degree.

The reference is :func:`assay.reference.so3.harmonics.spherical_harmonics_xyz` (mpmath, 30 digits) in the
adapter's declared basis (complex/real), normalization, Condon–Shortley phase, polar axis and m order, so a
library in any declared convention is compared with the right numbers. Points: the six axis poles, a point 2e-9
from the z pole, and uniform random points (the profile sets how many). Degrees above the adapter's
``max_degree`` are "not provided".

Properties:

- **values** — ``|Y_lm(r) − Y_lm^ref(r)| / ‖Y_l‖`` in ε, where ``‖Y_l‖`` is the norm of the degree-l block (the
  same at every point). A sign flip of some components, a wrong normalization or a wrong axis is an O(1) error.
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


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "l" in metafunc.fixturenames:
        l_max = profile_sizes(metafunc)["sh_l_max"]
        metafunc.parametrize("l", range(l_max + 1), ids=lambda l: f"l={l}")


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
    points = sample_unit_vectors(assay_sizes["points"])
    got = _block(assay_adapter, l, points)
    expected = reference_sh_block(l, points, assay_adapter.conventions)
    scale = sh_block_norm(l, convention(assay_adapter.conventions, "so3.normalization"))
    m_values = np.arange(-l, l + 1)
    if convention(assay_adapter.conventions, "so3.m_order") == "descending":
        m_values = m_values[::-1]
    inputs = [(tuple(p), l, int(m)) for p in points for m in m_values]
    contract = contract_for(SH, "value", assay_adapter.dtype)
    summary = summarize_eps(got.astype(expected.dtype) - expected, scale, assay_adapter.dtype, inputs,
                            actual=got, expected=expected)
    worst_point = points[summary.worst_index[0]]
    assay_check.check(summary, contract,
                      f"Y_l at unit vectors equals the reference in the declared convention "
                      f"({', '.join(f'{k}={v}' for k, v in assay_adapter.conventions.items() if k != 'so3.euler')})",
                      _snippet(assay_adapter.spec, l, worst_point))


@pytest.mark.assay_capability(SH, limits={"degree": "l"})
def test_spherical_harmonics_normalization(assay_adapter, assay_check, assay_sizes, l):
    points = sample_unit_vectors(assay_sizes["points"])
    got = _block(assay_adapter, l, points)
    norm = sh_block_norm(l, convention(assay_adapter.conventions, "so3.normalization"))
    squared = np.sum(np.abs(got.astype(np.complex128)) ** 2, axis=1)
    contract = contract_for(SH, "normalization", assay_adapter.dtype)
    summary = summarize_eps(squared - norm**2, norm**2, assay_adapter.dtype, [tuple(p) for p in points],
                            actual=squared, expected=np.full(len(points), norm**2))
    assay_check.check(summary, contract, f"Σ_m |Y_lm(r)|² = ‖Y_l‖² = {norm**2:.17g} at every point",
                      _snippet(assay_adapter.spec, l, points[summary.worst_index[0]]))
