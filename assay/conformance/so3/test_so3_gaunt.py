"""Conformance: Gaunt coefficients, complex and real.

Properties:

- **values** — every ``gaunt(l1, l2, l3, m1, m2, m3) = ∫ Y_l1^m1 Y_l2^m2 Y_l3^m3 dΩ`` (complex, no conjugate) and
  every ``real_gaunt`` (real harmonics; the same in the Wikipedia and e3nn bases) with l ≤ the profile's
  ``gaunt_l_max``, all orders, against :mod:`assay.reference.so3.gaunt`. Selection-rule zeros (odd l1+l2+l3,
  broken triangle, Σm ≠ 0 / no signed sum of |m| is 0) must be exactly zero. A wrong sign is an error of
  2|value|, billions of ulps: this is the property that catches sympy's pre-2024 ``real_gaunt`` sign bug.
- **symmetry** — the value is unchanged by any permutation of the three (l, m) pairs.
- **deep probes** — degrees up to 100 (200 in ``thorough``), ``(L L L; 0 0 0)``-like and random, within the adapter's
  ``max_degree``.
"""

from __future__ import annotations

from itertools import permutations

import pytest

from assay.conformance.plugin import profile_sizes
from assay.conformance.registry import allows
from assay.conformance.report import NOT_PROVIDED_PREFIX
from assay.conformance.so3.support import deep_degrees, measure_scalars, scalar_snippet

GAUNT = "so3.gaunt"
REAL_GAUNT = "so3.real_gaunt"
_REFERENCE = {GAUNT: "assay.reference.so3.gaunt.gaunt", REAL_GAUNT: "assay.reference.so3.gaunt.real_gaunt"}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "l1" in metafunc.fixturenames:
        lmax = profile_sizes(metafunc)["gaunt_l_max"]
        metafunc.parametrize("l1", range(lmax + 1), ids=lambda l: f"l1={l}")


def _arguments(l1: int, lmax: int, real: bool) -> list[tuple[int, ...]]:
    """All (l1, l2, l3, m1, m2, m3) with l2 ≤ lmax, l3 ≤ l1 + l2 + 1 and the orders that can be non-zero, plus
    selection-rule zeros (m3 chosen to break Σm = 0)."""
    out = []
    for l2 in range(lmax + 1):
        for l3 in range(l1 + l2 + 2):
            for m1 in range(-l1, l1 + 1):
                for m2 in range(-l2, l2 + 1):
                    if real:
                        candidates = {abs(m1) + abs(m2), abs(abs(m1) - abs(m2))}
                        candidates |= {-m for m in candidates}
                    else:
                        candidates = {-(m1 + m2), -(m1 + m2) + 1}
                    for m3 in sorted(candidates):
                        if abs(m3) <= l3:
                            out.append((l1, l2, l3, m1, m2, m3))
    return out


def _check_values(capability: str, real: bool, adapter, check, sizes, l1: int) -> None:
    from assay.reference.so3.gaunt import gaunt, real_gaunt

    exact = real_gaunt if real else gaunt
    function = adapter.get(capability)
    arguments = [a for a in _arguments(l1, sizes["gaunt_l_max"], real) if allows(adapter, capability, degree=a[:3])]
    actual = [function(*a) for a in arguments]
    expected = [exact(*a) for a in arguments]
    summary, contract = measure_scalars(capability, "value", arguments, actual, expected, adapter.dtype)
    worst = arguments[summary.worst_index[0]] if arguments else ()
    what = "∫ Y Y Y dΩ equals the exact value" + (" (real harmonics)" if real else " (complex, no conjugate)")
    check.check(summary, contract, what, scalar_snippet(adapter.spec, capability, _REFERENCE[capability], worst))


def _check_symmetry(capability: str, real: bool, adapter, check, sizes, l1: int) -> None:
    from assay.reference.so3.gaunt import gaunt, real_gaunt

    exact = real_gaunt if real else gaunt
    function = adapter.get(capability)
    arguments = [a for a in _arguments(l1, sizes["gaunt_l_max"], real) if exact(*a)]
    inputs, actual, expected = [], [], []
    for a in arguments[:: max(1, len(arguments) // 30)]:
        for order in permutations(range(3)):
            image = tuple(a[i] for i in order) + tuple(a[3 + i] for i in order)
            inputs.append((a, image))
            actual.append(function(*image))
            expected.append(exact(*a))
    summary, contract = measure_scalars(capability, "symmetry", inputs, actual, expected, adapter.dtype)
    worst = inputs[summary.worst_index[0]][1] if inputs else ()
    check.check(summary, contract, "the coefficient is symmetric under permutations of the three (l, m) pairs",
                scalar_snippet(adapter.spec, capability, _REFERENCE[capability], worst))


@pytest.mark.assay_capability(GAUNT, limits={"degree": "l1"})
def test_gaunt_values(assay_adapter, assay_check, assay_sizes, l1):
    _check_values(GAUNT, False, assay_adapter, assay_check, assay_sizes, l1)


@pytest.mark.assay_capability(GAUNT, limits={"degree": "l1"})
def test_gaunt_symmetry(assay_adapter, assay_check, assay_sizes, l1):
    _check_symmetry(GAUNT, False, assay_adapter, assay_check, assay_sizes, l1)


@pytest.mark.assay_capability(REAL_GAUNT, limits={"degree": "l1"})
def test_real_gaunt_values(assay_adapter, assay_check, assay_sizes, l1):
    _check_values(REAL_GAUNT, True, assay_adapter, assay_check, assay_sizes, l1)


@pytest.mark.assay_capability(REAL_GAUNT, limits={"degree": "l1"})
def test_real_gaunt_symmetry(assay_adapter, assay_check, assay_sizes, l1):
    _check_symmetry(REAL_GAUNT, True, assay_adapter, assay_check, assay_sizes, l1)


def _check_deep(capability: str, real: bool, adapter, check, sizes) -> None:
    from assay.reference.so3.gaunt import gaunt, real_gaunt

    exact = real_gaunt if real else gaunt
    function = adapter.get(capability)
    probes = deep_degrees(sizes["deep_scalars"], sizes["deep_j_max"])
    if real:  # a real Gaunt is non-zero only when some signed sum of |m| vanishes: use |m1| + |m2| = |m3|
        probes = [(*a[:5], -(abs(a[3]) + abs(a[4])) if abs(a[3]) + abs(a[4]) <= a[2] else a[5]) for a in probes]
    arguments = [a for a in probes if allows(adapter, capability, degree=a[:3])]
    if not arguments:
        pytest.skip(f"{NOT_PROVIDED_PREFIX}{adapter.name}: {capability} at degree {sizes['deep_j_max']}")
    actual = [function(*a) for a in arguments]
    expected = [exact(*a) for a in arguments]
    summary, contract = measure_scalars(capability, "value", arguments, actual, expected, adapter.dtype)
    worst = arguments[summary.worst_index[0]]
    check.check(summary, contract, f"deep probes (l ≤ {sizes['deep_j_max']}): ∫ Y Y Y dΩ equals the exact value",
                scalar_snippet(adapter.spec, capability, _REFERENCE[capability], worst))


@pytest.mark.assay_capability(GAUNT)
def test_gaunt_deep_probes(assay_adapter, assay_check, assay_sizes):
    _check_deep(GAUNT, False, assay_adapter, assay_check, assay_sizes)


@pytest.mark.assay_capability(REAL_GAUNT)
def test_real_gaunt_deep_probes(assay_adapter, assay_check, assay_sizes):
    _check_deep(REAL_GAUNT, True, assay_adapter, assay_check, assay_sizes)
