"""Tests of the torch real Wigner D kernel ``assay.kernels.so3.wigner`` against the mpmath reference.

Error measures: the largest entry error ``max |D − D_ref|`` (the entries of an orthogonal matrix are bounded by 1,
so this is both absolute and relative to the matrix norm) and the orthogonality defect ``max |D Dᵀ − I|``.

Bounds:
- float64: ``1e-13`` for both at every degree up to 20 (the issue's requirement at l = 20; measured ≈ l · 1e-15,
  1.9e-14 at l = 20), and ``(l + 1) · 2e-15`` for the orthogonality defect up to l = 45 (additive growth).
- float32: ``(l + 1) · 2⁻²³`` for the entry error (measured ≤ 0.35 of it): each degree adds a few roundings.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pytest
import torch

from assay.core.errors import summarize
from assay.kernels.so3 import wigner as kernel
from assay.kernels.so3.harmonics import spherical_harmonics
from assay.kernels.so3.wigner import (
    rotation_from_angles,
    wigner_D_block_diagonal,
    wigner_D_blocks,
    wigner_D_from_angles,
    wigner_D_from_matrix,
)
from assay.reference.so3.rotations import matrix_from_euler
from assay.reference.so3.wigner import wigner_D as reference_D_from_angles
from assay.reference.so3.wigner import wigner_D_from_matrix as reference_D_from_matrix

FLOAT64_BOUND = 1e-13
REFERENCE_DPS = 30

#: ZYZ angles: generic, near-identity, gimbal lock at β = 0 and β = π, a quarter turn, an axis permutation
ANGLES = (
    (0.3, 1.1, -2.0),
    (-2.7, 2.2, 0.9),
    (0.4, 1e-9, 0.5),
    (1.3, 0.0, -0.4),
    (0.7, math.pi, 0.2),
    (math.pi / 2, math.pi / 2, math.pi / 2),
)


@cache
def rotation(angles: tuple) -> np.ndarray:
    """The float64 rounding of the exact rotation R_z(α) R_y(β) R_z(γ) (orthogonal to a few ulps)."""
    return np.array(matrix_from_euler(*angles, euler="zyz"), dtype=np.float64)


@cache
def reference(l: int, angles: tuple, polar_axis: str = "z") -> np.ndarray:
    values = reference_D_from_matrix(l, rotation(angles), basis="real", polar_axis=polar_axis, dps=REFERENCE_DPS)
    return values.astype(np.float64)


def orthogonality_defect(D: torch.Tensor) -> float:
    identity = torch.eye(D.shape[-1], dtype=D.dtype)
    return (D @ D.transpose(-1, -2) - identity).abs().max().item()


@pytest.mark.parametrize("polar_axis", ["z", "y"])
def test_float64_against_reference(polar_axis):
    angle_set = ANGLES if polar_axis == "z" else ANGLES[:2]
    matrices = torch.tensor(np.stack([rotation(a) for a in angle_set]))
    blocks = wigner_D_blocks(20, matrices, polar_axis=polar_axis)
    errors, defects, labels = [], [], []
    for l in (1, 2, 7, 20):
        for i, angles in enumerate(angle_set):
            expected = reference(l, angles, polar_axis)
            errors.append(np.abs(blocks[l][i].numpy() - expected).max())
            defects.append(orthogonality_defect(blocks[l][i]))
            labels.append((l, angles))
    summary = summarize(errors, "abs", inputs=labels)
    assert summary.within(FLOAT64_BOUND), f"error against the reference: {summary}"
    summary = summarize(defects, "abs", inputs=labels)
    assert summary.within(FLOAT64_BOUND), f"‖DDᵀ − I‖_max: {summary}"


def test_float32_against_reference():
    matrices = torch.tensor(np.stack([rotation(a) for a in ANGLES]))
    blocks = wigner_D_blocks(20, matrices.float())
    for l in (1, 2, 7, 20):
        assert blocks[l].dtype == torch.float32
        for i, angles in enumerate(ANGLES):
            # the reference at the float32 input matrix, exactly (orthogonal only to float32 rounding)
            exact_input = matrices[i].float().double().numpy()
            expected = reference_D_from_matrix(l, exact_input, basis="real", atol=1e-6,
                                            dps=REFERENCE_DPS).astype(np.float64)
            error = np.abs(blocks[l][i].double().numpy() - expected).max()
            assert error <= (l + 1) * 2.0**-23, f"l = {l}, angles {angles}: {error:.3g}"


def test_orthogonal_and_homomorphic_for_many_rotations():
    generator = torch.Generator().manual_seed(3)
    quaternions = torch.randn(200, 4, dtype=torch.float64, generator=generator)
    first = _matrices_from_quaternions(quaternions[:100])
    second = _matrices_from_quaternions(quaternions[100:])
    blocks_first = wigner_D_blocks(20, first)
    blocks_second = wigner_D_blocks(20, second)
    blocks_product = wigner_D_blocks(20, first @ second)
    for l in (3, 10, 20):
        assert orthogonality_defect(blocks_first[l]) <= FLOAT64_BOUND, f"l = {l}"
        error = (blocks_product[l] - blocks_first[l] @ blocks_second[l]).abs().max().item()
        assert error <= FLOAT64_BOUND, f"D(R1 R2) − D(R1) D(R2) at l = {l}: {error:.3g}"


def test_error_grows_additively_to_degree_45():
    matrices = torch.tensor(np.stack([rotation(a) for a in ANGLES[:3]]))
    blocks = wigner_D_blocks(45, matrices)
    for l in (30, 33, 45):  # 33 and above take the sparse path
        defect = orthogonality_defect(blocks[l])
        assert defect <= (l + 1) * 2e-15, f"l = {l}: {defect:.3g}"


def test_dense_and_sparse_steps_agree():
    matrices = torch.tensor(np.stack([rotation(a) for a in ANGLES]))
    degree_one = matrices[:, [1, 2, 0]][:, :, [1, 2, 0]]
    blocks = wigner_D_blocks(12, matrices)
    for l in (2, 3, 12):
        dense = kernel._step_dense(l, degree_one, blocks[l - 1])
        sparse = kernel._step_sparse(l, degree_one, blocks[l - 1])
        assert (dense - sparse).abs().max().item() <= 1e-15


def test_coupling_is_an_isometry():
    for l in (2, 5, 40):
        coupling = kernel._coupling(l).reshape(3 * (2 * l - 1), 2 * l + 1)
        assert np.abs(coupling.T @ coupling - np.eye(2 * l + 1)).max() <= 1e-15 * 4
        assert (coupling != 0).sum(axis=0).max() <= kernel._SLOTS


@pytest.mark.parametrize("polar_axis", ["z", "y"])
def test_rotates_the_spherical_harmonics(polar_axis):
    generator = torch.Generator().manual_seed(5)
    matrices = _matrices_from_quaternions(torch.randn(50, 4, dtype=torch.float64, generator=generator))
    points = torch.randn(50, 3, dtype=torch.float64, generator=generator)
    rotated = (matrices @ points[:, :, None])[..., 0]
    D = wigner_D_block_diagonal(20, matrices, polar_axis=polar_axis)
    for normalization in ("integral", "norm"):
        before = spherical_harmonics(20, points, normalization=normalization, polar_axis=polar_axis)
        after = spherical_harmonics(20, rotated, normalization=normalization, polar_axis=polar_axis)
        error = (after - (D @ before[:, :, None])[..., 0]).abs().max().item()
        assert error <= FLOAT64_BOUND * 4, f"{normalization}: {error:.3g}"  # ‖Y_l‖ ≤ √((2l+1)/4π) < 2


def test_identity_and_gimbal_lock_values():
    identity = torch.eye(3, dtype=torch.float64)
    for l, block in enumerate(wigner_D_blocks(30, identity)):
        assert (block - torch.eye(2 * l + 1, dtype=torch.float64)).abs().max().item() <= (l + 1) * 2e-15, l
    # at β = 0 the rotation is R_z(α + γ): D_{m,m} = cos(m(α+γ)), D_{m,−m} = −sin(m(α+γ)) (m > 0)
    D = wigner_D_from_angles(6, torch.tensor(0.3, dtype=torch.float64), torch.tensor(0.0, dtype=torch.float64),
                             torch.tensor(0.5, dtype=torch.float64))
    for m in range(1, 7):
        assert D[6 + m, 6 + m].item() == pytest.approx(math.cos(m * 0.8), abs=1e-14)
        assert D[6 + m, 6 - m].item() == pytest.approx(-math.sin(m * 0.8), abs=1e-14)


@pytest.mark.parametrize("euler", ["zyz", "e3nn_yxy"])
@pytest.mark.parametrize("polar_axis", ["z", "y"])
def test_from_angles_against_reference(euler, polar_axis):
    for angles in ANGLES[:4]:
        tensors = [torch.tensor(a, dtype=torch.float64) for a in angles]
        R = rotation_from_angles(*tensors, euler=euler)
        assert np.abs(R.numpy() - np.array(matrix_from_euler(*angles, euler=euler), dtype=np.float64)).max() <= 4e-16
        D = wigner_D_from_angles(5, *tensors, euler=euler, polar_axis=polar_axis)
        expected = reference_D_from_angles(5, *angles, basis="real", euler=euler, polar_axis=polar_axis,
                                           dps=REFERENCE_DPS).astype(np.float64)
        assert np.abs(D.numpy() - expected).max() <= FLOAT64_BOUND, angles


def test_block_diagonal_layout_and_batch_shape():
    generator = torch.Generator().manual_seed(9)
    matrices = _matrices_from_quaternions(torch.randn(6, 4, dtype=torch.float64, generator=generator))
    matrices = matrices.reshape(2, 3, 3, 3)
    D = wigner_D_block_diagonal(3, matrices)
    assert D.shape == (2, 3, 16, 16)
    for l in range(4):
        block = slice(l * l, (l + 1) ** 2)
        assert torch.equal(D[..., block, block], wigner_D_from_matrix(l, matrices))
        outside = D[..., block, :].clone()
        outside[..., block] = 0
        assert torch.all(outside == 0)
    assert wigner_D_from_matrix(0, matrices).shape == (2, 3, 1, 1)
    assert wigner_D_from_matrix(2, matrices.float()).dtype == torch.float32


def test_gradcheck_including_gimbal_lock():
    generic = torch.tensor(rotation(ANGLES[0]), requires_grad=True)
    locked = torch.tensor(np.stack([rotation(ANGLES[3]), np.eye(3)]), requires_grad=True)  # β = 0, identity
    for matrices in (generic, locked):
        assert torch.autograd.gradcheck(lambda R: wigner_D_block_diagonal(3, R), (matrices,))
    sparse_step = lambda R: kernel._step_sparse(3, R, wigner_D_from_matrix(2, R))  # noqa: E731
    assert torch.autograd.gradcheck(sparse_step, (generic[None],), fast_mode=True)
    angles = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in ANGLES[0]]
    assert torch.autograd.gradcheck(lambda a, b, c: wigner_D_from_angles(3, a, b, c, euler="e3nn_yxy"), angles,
                                    fast_mode=True)


def test_bad_input_is_refused():
    R = torch.eye(3)
    with pytest.raises(ValueError, match="l"):
        wigner_D_from_matrix(-1, R)
    with pytest.raises(TypeError, match="R"):
        wigner_D_from_matrix(2, np.eye(3))
    with pytest.raises(TypeError, match="R"):
        wigner_D_from_matrix(2, torch.eye(3, dtype=torch.int64))
    with pytest.raises(ValueError, match="R"):
        wigner_D_from_matrix(2, torch.eye(4))
    with pytest.raises(ValueError, match="polar_axis"):
        wigner_D_from_matrix(2, R, polar_axis="x")
    with pytest.raises(ValueError, match="euler"):
        rotation_from_angles(0.1, 0.2, 0.3, euler="xyz")
    with pytest.raises(TypeError, match="beta"):
        rotation_from_angles(torch.tensor(0.1), torch.tensor(1), torch.tensor(0.3))


@pytest.mark.peer
def test_matches_e3nn():
    o3 = pytest.importorskip("e3nn.o3")
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)  # e3nn builds its generators in the default dtype
    try:
        generator = torch.Generator().manual_seed(11)
        matrices = _matrices_from_quaternions(torch.randn(20, 4, dtype=torch.float64, generator=generator))
        irreps = o3.Irreps([(1, (l, 1)) for l in range(11)])
        error = (wigner_D_block_diagonal(10, matrices, polar_axis="y") - irreps.D_from_matrix(matrices)).abs().max()
        assert error.item() <= FLOAT64_BOUND, f"D_from_matrix: {error.item():.3g}"
        alpha, beta, gamma = o3.matrix_to_angles(matrices)
        ours = wigner_D_from_angles(6, alpha, beta, gamma, euler="e3nn_yxy", polar_axis="y")
        error = (ours - o3.wigner_D(6, alpha, beta, gamma)).abs().max()
        assert error.item() <= FLOAT64_BOUND, f"wigner_D from angles: {error.item():.3g}"
    finally:
        torch.set_default_dtype(previous)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_matches_cpu():
    matrices = torch.tensor(np.stack([rotation(a) for a in ANGLES]))
    for polar_axis in ("z", "y"):
        on_device = wigner_D_block_diagonal(40, matrices.cuda(), polar_axis=polar_axis)
        assert on_device.device.type == "cuda"
        expected = wigner_D_block_diagonal(40, matrices, polar_axis=polar_axis)
        assert (on_device.cpu() - expected).abs().max().item() <= 1e-13


def _matrices_from_quaternions(q: torch.Tensor) -> torch.Tensor:
    """Rotation matrices of the normalized quaternions ``q = (w, x, y, z)``."""
    w, x, y, z = (q / torch.linalg.vector_norm(q, dim=-1, keepdim=True)).unbind(-1)
    rows = [
        1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
        2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
        2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
    ]
    return torch.stack(rows, dim=-1).reshape(*q.shape[:-1], 3, 3)


def test_workspace_path_matches_the_allocating_path_and_returns_a_compact_result():
    # wigner_D_from_matrix runs the sparse steps (l > 32) in one preallocated workspace; wigner_D_blocks does not
    matrices = torch.tensor(np.stack([rotation(a) for a in ANGLES[:3]]))
    D = wigner_D_from_matrix(40, matrices)
    assert torch.equal(D, wigner_D_blocks(40, matrices)[40])
    assert D.untyped_storage().nbytes() == D.numel() * D.element_size()  # a copy, not a view of the workspace
    diagonal = wigner_D_block_diagonal(34, matrices)
    assert torch.equal(diagonal[:, 34**2:, 34**2:], wigner_D_blocks(34, matrices)[34])


def test_sparse_coupling_entries_are_the_coupling_of_the_definition():
    # the steps never build a dense coupling above l = 32: its entries come from an O(l) construction, checked here
    # against the definition C = conj(U¹ ⊗ U^{l−1}) · CG · (U^l)ᵀ with the exact CG coefficients, densely
    from assay.reference.so3 import change_of_basis, clebsch_gordan

    for l in (2, 5, 9, 34):
        cg = np.zeros((3, 2 * l - 1, 2 * l + 1))
        for mu in (-1, 0, 1):
            for nu in range(-(l - 1), l):
                cg[mu + 1, nu + l - 1, mu + nu + l] = float(clebsch_gordan(1, l - 1, l, mu, nu, mu + nu))
        u1, u_previous, u_current = change_of_basis(1), change_of_basis(l - 1), change_of_basis(l)
        expected = np.einsum("ja,bc,acM,nM->jbn", u1.conj(), u_previous.conj(), cg, u_current)
        assert np.abs(expected.imag).max() <= 1e-15
        expected = expected.real.reshape(3 * (2 * l - 1), 2 * l + 1)
        rows, values = kernel._coupling_slots(l)
        rebuilt = np.zeros_like(expected)
        for slot in range(kernel._SLOTS):
            np.add.at(rebuilt, (rows[slot], np.arange(2 * l + 1)), values[slot])
        assert np.abs(rebuilt - expected).max() <= 4e-16, l
