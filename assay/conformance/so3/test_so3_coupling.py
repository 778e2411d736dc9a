"""Conformance: Clebsch–Gordan coefficients and Wigner 3j symbols (integer and half-integer j).

Properties:

- **values** — every ⟨j1 m1; j2 m2 | j3 m3⟩ and (j1 j2 j3; m1 m2 m3) with j ≤ j_max of the profile, against the
  exact Racah values of :mod:`assay.reference.so3.coupling`, including selection-rule zeros (m3 ≠ m1 + m2, broken
  triangles), which must be exactly zero. Exact results must be equal; float results within the ulp contract.
- **symmetries** — the 72 Regge/permutation/m-reversal images of each 3j symbol give the same value up to the
  sign ``(−1)^(j1+j2+j3)`` of odd permutations.
- **orthogonality** — Σ_{m1 m2} ⟨j1 m1 j2 m2|J M⟩⟨j1 m1 j2 m2|J' M⟩ = δ_{JJ'}.
- **deep probes** — every profile adds symbols with j up to 100 (200 in ``thorough``): the worst cases of the Racah
  sum's cancellation (``(J J J; 0 0 0)``, small orders on large equal spins) and random ones, where float
  implementations break (cancellation, factorial overflow).

Cases outside the adapter's declared limits (``integer_spins=True``, ``max_spin``) are not provided.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from assay.conformance.plugin import profile_sizes
from assay.conformance.registry import allows
from assay.conformance.report import NOT_PROVIDED_PREFIX
from assay.conformance.so3.support import deep_symbols, measure_scalars, scalar_snippet

CG = "so3.clebsch_gordan"
THREE_J = "so3.wigner_3j"
_REFERENCE = {CG: "assay.reference.so3.coupling.clebsch_gordan", THREE_J: "assay.reference.so3.coupling.wigner_3j"}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "j1" in metafunc.fixturenames:
        twice_max = profile_sizes(metafunc)["twice_j_max"]
        metafunc.parametrize("j1", [Fraction(t, 2) for t in range(twice_max + 1)], ids=lambda j: f"j1={j}")


def _within_limits(adapter, capability: str, arguments: list[tuple]) -> list[tuple]:
    """The arguments whose spins are inside the adapter's declared limits; none left → not provided."""
    kept = [a for a in arguments if allows(adapter, capability, spin=tuple(a[:3]))]
    if arguments and not kept:
        pytest.skip(f"{NOT_PROVIDED_PREFIX}{adapter.name}: {capability} at these spins (declared limits)")
    return kept


def _range(twice_j: int) -> list[Fraction]:
    return [Fraction(t, 2) for t in range(-twice_j, twice_j + 1, 2)]


def _cg_arguments(j1: Fraction, twice_max: int) -> list[tuple]:
    """All (j1, j2, j3, m1, m2, m3) with j2, j3 ≤ j_max and |m_i| ≤ j_i: allowed values and selection-rule zeros."""
    twice_j1 = int(2 * j1)
    out = []
    for twice_j2 in range(twice_max + 1):
        j2 = Fraction(twice_j2, 2)
        for twice_j3 in range(twice_j1 + twice_j2 + 2):
            if (twice_j1 + twice_j2 + twice_j3) % 2 or twice_j3 > twice_max + 2:
                continue
            j3 = Fraction(twice_j3, 2)
            for m1 in _range(twice_j1):
                for m2 in _range(twice_j2):
                    if abs(m1 + m2) <= j3:  # allowed by the m rule (zero when the triangle is broken)
                        out.append((j1, j2, j3, m1, m2, m1 + m2))
                    if m1 == -j1 and abs(m1 + m2 - 1) <= j3:  # a selection-rule zero: m3 ≠ m1 + m2
                        out.append((j1, j2, j3, m1, m2, m1 + m2 - 1))
    return out


@pytest.mark.assay_capability(CG, limits={"spin": "j1"})
def test_clebsch_gordan_values(assay_adapter, assay_check, assay_sizes, j1):
    _check_values(assay_adapter, assay_check, CG, _cg_arguments(j1, assay_sizes["twice_j_max"]),
                  "⟨j1 m1; j2 m2 | j3 m3⟩ equals the exact Racah value")


def _check_values(adapter, check, capability: str, arguments: list[tuple], what: str) -> None:
    """The adapter's values at ``arguments`` (those inside its limits) against the exact Racah values."""
    import importlib

    module, function = _REFERENCE[capability].rsplit(".", 1)
    exact = getattr(importlib.import_module(module), function)
    computed = adapter.get(capability)
    arguments = _within_limits(adapter, capability, arguments)
    actual = [computed(*a) for a in arguments]
    expected = [exact(*a) for a in arguments]
    summary, contract = measure_scalars(capability, "value", arguments, actual, expected, adapter.dtype)
    worst = arguments[summary.worst_index[0]] if arguments else ()
    check.check(summary, contract, what, scalar_snippet(adapter.spec, capability, _REFERENCE[capability], worst))


def _three_j_arguments(j1: Fraction, twice_max: int) -> list[tuple]:
    return [(j1, j2, j3, m1, m2, -m3) for (j1, j2, j3, m1, m2, m3) in _cg_arguments(j1, twice_max)]


@pytest.mark.assay_capability(THREE_J, limits={"spin": "j1"})
def test_wigner_3j_values(assay_adapter, assay_check, assay_sizes, j1):
    _check_values(assay_adapter, assay_check, THREE_J, _three_j_arguments(j1, assay_sizes["twice_j_max"]),
                  "(j1 j2 j3; m1 m2 m3) equals the exact Racah value")


@pytest.mark.assay_capability(THREE_J, limits={"spin": "j1"})
def test_wigner_3j_symmetries(assay_adapter, assay_check, assay_sizes, j1):
    """Each allowed symbol against its 72 Regge images: sign · f(image) must equal f(original) (exact reference
    value as the scale of the ulp)."""
    from assay.properties.so3.coupling_checks import regge_symmetries
    from assay.reference.so3.coupling import wigner_3j

    three_j = assay_adapter.get(THREE_J)
    arguments = [a for a in _within_limits(assay_adapter, THREE_J, _three_j_arguments(j1, assay_sizes["twice_j_max"]))
                 if wigner_3j(*a)]
    inputs, actual, expected = [], [], []
    for a in arguments[:: max(1, len(arguments) // 12)]:
        value = three_j(*a)
        for sign, image in regge_symmetries(*a):
            if not allows(assay_adapter, THREE_J, spin=tuple(image[:3])):
                continue  # a Regge image may have half-integer spins
            inputs.append((a, image))
            image_value = three_j(*image)
            actual.append(image_value if sign > 0 else -image_value)
            expected.append(wigner_3j(*a))
            inputs[-1] = (a, image, "original value", str(value))
    summary, contract = measure_scalars(THREE_J, "symmetry", inputs, actual, expected, assay_adapter.dtype)
    worst = inputs[summary.worst_index[0]][1] if inputs else ()
    assay_check.check(summary, contract, "the 3j symbol keeps its value under the 72 Regge symmetries",
                      scalar_snippet(assay_adapter.spec, THREE_J, "assay.reference.so3.coupling.wigner_3j", worst))


@pytest.mark.assay_capability(CG, limits={"spin": "j1"})
def test_clebsch_gordan_orthogonality(assay_adapter, assay_check, assay_sizes, j1):
    from assay.conformance.contracts import contract_for
    from assay.conformance.so3.support import exact_or_none, summarize_eps
    from assay.properties.so3.coupling_checks import cg_orthogonality_error

    cg = assay_adapter.get(CG)
    inputs, errors = [], []
    for twice_j2 in range(min(int(2 * j1), assay_sizes["twice_j_max"]) + 1):
        j2 = Fraction(twice_j2, 2)
        if not allows(assay_adapter, CG, spin=(j1, j2, j1 + j2)):
            continue
        inputs.append((j1, j2))
        errors.append(cg_orthogonality_error(cg, j1, j2))
    dtype = "exact" if exact_or_none(cg(j1, j1, 0, j1, -j1, 0)) is not None else assay_adapter.dtype
    contract = contract_for(CG, "orthogonality", dtype)
    summary = summarize_eps(errors, 1.0, dtype, inputs=inputs)
    assay_check.check(summary, contract, "Σ_{m1 m2} ⟨j1 m1 j2 m2|J M⟩⟨j1 m1 j2 m2|J' M⟩ = δ_{JJ'}",
                      f"from fractions import Fraction\nfrom assay.conformance.adapters import load_adapter\n"
                      f"from assay.properties.so3.coupling_checks import cg_orthogonality_error\n"
                      f"cg = load_adapter({assay_adapter.spec!r}).get({CG!r})\n"
                      f"print(cg_orthogonality_error(cg, Fraction({int(2 * j1)}, 2), "
                      f"{summary.worst_input[1] if summary.worst_input else 0!r}))\n")


@pytest.mark.assay_capability(CG)
def test_clebsch_gordan_deep_probes(assay_adapter, assay_check, assay_sizes):
    """CG at spins up to ``deep_j_max``: cancellation-heavy and random symbols against exact values."""
    symbols = deep_symbols(assay_sizes["deep_scalars"], assay_sizes["deep_j_max"])
    _check_values(assay_adapter, assay_check, CG, [(*a[:5], -a[5]) for a in symbols],
                  f"deep probes (j ≤ {assay_sizes['deep_j_max']}): CG equals the exact value")


@pytest.mark.assay_capability(THREE_J)
def test_wigner_3j_deep_probes(assay_adapter, assay_check, assay_sizes):
    """3j at spins up to ``deep_j_max``: cancellation-heavy and random symbols against exact values."""
    _check_values(assay_adapter, assay_check, THREE_J,
                  deep_symbols(assay_sizes["deep_scalars"], assay_sizes["deep_j_max"]),
                  f"deep probes (j ≤ {assay_sizes['deep_j_max']}): 3j equals the exact value")
