"""Real-basis coupling tensors: exactness, normalisation, conventions, e3nn and the real Gaunt relation."""

from __future__ import annotations

import numpy as np
import pytest

from assay.core.exact import SqrtRational
from assay.reference.so3.coupling import wigner_3j
from assay.reference.so3.gaunt import real_gaunt
from assay.reference.so3.real_coupling import real_coupling_tensor

TRIPLES = [(l1, l2, l3) for l1 in range(5) for l2 in range(5) for l3 in range(abs(l1 - l2), l1 + l2 + 1)]


@pytest.mark.parametrize("triple", TRIPLES)
def test_cg_tensor_is_orthonormal_per_output_component(triple):
    l1, l2, l3 = triple
    exact = real_coupling_tensor(l1, l2, l3, exact=True)
    # Σ_{m1 m2} C_{m1 m2 m3}² = 1 exactly (each squared entry is rational), then the float Gram matrix
    for a in range(2 * l3 + 1):
        total = sum(exact[i][k][a].square for i in range(2 * l1 + 1) for k in range(2 * l2 + 1))
        assert total == 1
    tensor = real_coupling_tensor(l1, l2, l3)
    gram = np.einsum("ija,ijb->ab", tensor, tensor)
    assert np.abs(gram - np.eye(2 * l3 + 1)).max() < 4e-16 * (2 * l1 + 1) * (2 * l2 + 1)


def test_float_entries_are_correctly_rounded():
    exact = real_coupling_tensor(3, 2, 4, exact=True)
    tensor = real_coupling_tensor(3, 2, 4)
    assert all(tensor[i, k, a] == float(exact[i][k][a]) for i in range(7) for k in range(5) for a in range(9))
    assert all(isinstance(exact[i][k][a], SqrtRational) for i in range(7) for k in range(5) for a in range(9))


def test_e3nn_convention_has_unit_frobenius_norm():
    for l1, l2, l3 in TRIPLES:
        tensor = real_coupling_tensor(l1, l2, l3, convention="e3nn")
        assert abs(np.linalg.norm(tensor) - 1) < 1e-14
        assert np.array_equal(real_coupling_tensor(l1, l2, l3, "cuequivariance"), real_coupling_tensor(l1, l2, l3))


def test_real_gaunt_is_a_multiple_of_the_e3nn_tensor():
    # real Gaunt = √((2l1+1)(2l2+1)(2l3+1)/(4π)) · |(l1 l2 l3; 0 0 0)| · e3nn tensor, for even l1+l2+l3
    for l1, l2, l3 in TRIPLES:
        if (l1 + l2 + l3) % 2:
            continue
        three_j_zero = abs(float(wigner_3j(l1, l2, l3, 0, 0, 0)))
        factor = np.sqrt((2 * l1 + 1) * (2 * l2 + 1) * (2 * l3 + 1) / (4 * np.pi)) * three_j_zero
        gaunt_tensor = np.array([[[float(real_gaunt(l1, l2, l3, a, b, c)) for c in range(-l3, l3 + 1)]
                                  for b in range(-l2, l2 + 1)] for a in range(-l1, l1 + 1)])
        assert np.abs(gaunt_tensor - factor * real_coupling_tensor(l1, l2, l3, "e3nn")).max() < 1e-15


def test_odd_triples_exist_and_are_antisymmetric():
    tensor = real_coupling_tensor(1, 1, 1)  # the cross product: antisymmetric in the two inputs
    assert np.abs(tensor + tensor.transpose(1, 0, 2)).max() == 0
    assert np.count_nonzero(tensor) == 6


@pytest.mark.peer
@pytest.mark.parametrize("triple", [t for t in TRIPLES] + [(6, 5, 4), (7, 7, 7), (8, 3, 10)])
def test_matches_e3nn_wigner_3j(triple):
    torch = pytest.importorskip("torch")
    o3 = pytest.importorskip("e3nn.o3")
    expected = o3.wigner_3j(*triple, dtype=torch.float64).numpy()
    ours = real_coupling_tensor(*triple, convention="e3nn")
    assert np.abs(ours - expected).max() < 2e-15  # e3nn computes in float64; ours is correctly rounded


def test_invalid_triples_and_conventions():
    with pytest.raises(ValueError, match=r"\|l1 - l2\| <= l3 <= l1 \+ l2"):
        real_coupling_tensor(1, 1, 3)
    with pytest.raises(ValueError, match="convention must be one of"):
        real_coupling_tensor(1, 1, 1, convention="racah")
