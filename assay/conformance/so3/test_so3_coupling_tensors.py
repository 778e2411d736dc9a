"""Conformance: real-basis coupling tensors ``C[m1, m2, m3]`` for triples (l1, l2, l3).

The reference is :func:`assay.reference.so3.real_coupling.real_coupling_tensor` (every entry correctly rounded
from an exact ±√(p/q)) in the adapter's declared normalization (``so3.coupling``: ``cg`` — Σ_{m1 m2} C² = 1 per
m3; ``e3nn`` — Frobenius norm 1; ``cuequivariance`` — as ``cg``), phase and m order.

Properties:

- **values** — ``max |C − C_ref| / max |C_ref|`` in ε. Catches a wrong normalization, wrong signs, and a tensor
  built in float32 and used as float64 (≈ 10⁸ ε).
- **equivariance** — ``Σ D1 D2 D3 C = C`` for the reference real Wigner D of random rotations (in the declared
  m order and phase): C is an invariant. Normalization-blind, so a wrong scale passes here and fails above.
"""

from __future__ import annotations

import numpy as np
import pytest

from assay.conformance.contracts import contract_for
from assay.conformance.plugin import profile_sizes
from assay.conformance.so3.support import (
    convention,
    reference_coupling_tensor,
    reference_wigner_D,
    sample_rotations,
    summarize_eps,
)

TENSOR = "so3.coupling_tensor"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "l1" in metafunc.fixturenames:
        lmax = profile_sizes(metafunc)["tensor_l_max"]
        metafunc.parametrize("l1", range(lmax + 1), ids=lambda l: f"l1={l}")


def _triples(l1: int, lmax: int) -> list[tuple[int, int, int]]:
    return [(l1, l2, l3) for l2 in range(lmax + 1) for l3 in range(abs(l1 - l2), l1 + l2 + 1)]


def _tensor(adapter, triple: tuple[int, int, int]) -> np.ndarray:
    tensor = np.asarray(adapter.get(TENSOR)(*triple))
    shape = tuple(2 * l + 1 for l in triple)
    if tensor.shape != shape:
        raise AssertionError(f"{adapter.name}: {TENSOR}{triple} returned shape {tensor.shape}, expected {shape}")
    return tensor


def _snippet(spec: str, triple: tuple[int, int, int]) -> str:
    return (
        "import numpy as np\n"
        "from assay.conformance.adapters import load_adapter\n"
        "from assay.conformance.so3.support import reference_coupling_tensor\n"
        f"adapter = load_adapter({spec!r})\n"
        f"got = np.asarray(adapter.get({TENSOR!r})(*{triple!r}))\n"
        f"expected = reference_coupling_tensor(*{triple!r}, adapter.conventions)\n"
        "print(np.abs(got - expected).max(), np.abs(expected).max())\n"
    )


@pytest.mark.assay_capability(TENSOR, limits={"degree": "l1"})
def test_coupling_tensor_values(assay_adapter, assay_check, assay_sizes, l1):
    coupling = convention(assay_adapter.conventions, "so3.coupling")
    _check_values(assay_adapter, assay_check, _triples(l1, assay_sizes["tensor_l_max"]),
                  f"C(l1, l2, l3) equals the reference tensor in the {coupling!r} normalization")


def _check_values(adapter, check, triples: list[tuple[int, int, int]], what: str) -> None:
    """``max |C − C_ref| / max |C_ref|`` per triple, in ε, checked against the value contract."""
    errors, actual, expected = [], [], []
    for triple in triples:
        got = _tensor(adapter, triple).astype(np.float64)
        want = reference_coupling_tensor(*triple, adapter.conventions)
        index = np.unravel_index(np.argmax(np.abs(got - want)), got.shape)
        errors.append(np.abs(got - want).max() / np.abs(want).max())
        actual.append(float(got[index]))
        expected.append(float(want[index]))
    summary = summarize_eps(np.array(errors), 1.0, adapter.dtype, triples, actual, expected)
    check.check(summary, contract_for(TENSOR, "value", adapter.dtype), what,
                _snippet(adapter.spec, triples[summary.worst_index[0]]))


@pytest.mark.assay_capability(TENSOR, limits={"degree": "l1"})
def test_coupling_tensor_equivariance(assay_adapter, assay_check, assay_sizes, l1):
    conventions = {**assay_adapter.conventions, "so3.basis": "real"}
    rotations = sample_rotations(assay_sizes["rotations"], seed=17)[2:]
    triples = _triples(l1, assay_sizes["tensor_l_max"])
    errors, inputs = [], []
    for triple in triples:
        tensor = _tensor(assay_adapter, triple).astype(np.float64)
        scale = max(np.abs(tensor).max(), np.finfo(np.float64).tiny)
        for R in rotations:
            D1, D2, D3 = (reference_wigner_D(l, conventions, matrix=R) for l in triple)
            rotated = np.einsum("ia,jb,kc,abc->ijk", D1, D2, D3, tensor)
            errors.append(np.abs(rotated - tensor).max() / scale)
            inputs.append((triple, R.tolist()))
    summary = summarize_eps(np.array(errors), 1.0, assay_adapter.dtype, inputs)
    assay_check.check(summary, contract_for(TENSOR, "equivariance", assay_adapter.dtype),
                      "Σ D1 D2 D3 C = C: the coupling tensor is invariant under rotations",
                      _snippet(assay_adapter.spec, inputs[summary.worst_index[0]][0]))


@pytest.mark.assay_capability(TENSOR)
def test_coupling_tensor_deep_probes(assay_adapter, assay_check, assay_sizes):
    """Tensors of degree ``deep_tensor_l`` (8 and more): (L, L, L), (L, L−1, 2), (L, 3, L+2)."""
    from assay.conformance.registry import allows
    from assay.conformance.report import NOT_PROVIDED_PREFIX

    triples = [t for L in assay_sizes["deep_tensor_l"] for t in ((L, L, L), (L, L - 1, 2), (L, 3, L + 2))
               if allows(assay_adapter, TENSOR, degree=t)]
    if not triples:
        pytest.skip(f"{NOT_PROVIDED_PREFIX}{assay_adapter.name}: {TENSOR} at degree {assay_sizes['deep_tensor_l']}")
    _check_values(assay_adapter, assay_check, triples, "deep probes: C(l1, l2, l3) equals the reference tensor")
