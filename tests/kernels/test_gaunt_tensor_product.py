"""The Gaunt tensor product kernels (Fourier, S² grid, sparse CG) against the exact reference and each other.

Bounds (all relative to ‖x‖₂‖y‖₂ of each sample, single channel):

- float64: ≤ 1e-14 against the 25-digit reference (measured ≤ 4e-16 for L ≤ 4) and between routes up to L = 12
  (measured ≤ 1.3e-15);
- float32: ≤ 2⁻²¹ ≈ 4.8e-7 (measured ≤ 8e-8 up to L = 16);
- equivariance, float64: ≤ 1e-14; odd (parity-forbidden) paths: exact zero for the CG route, ≤ 1e-15 for the
  routes that go through a grid (their FFT / quadrature roundoff).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from assay.kernels.so3.cg_tensor_product import (
    coupling_tensor_product,
    gaunt_coupling,
    gaunt_coupling_count,
    real_coupling_block,
    sparse_coupling,
)
from assay.kernels.so3.gaunt_tensor_product import (
    METHODS,
    fourier_plan,
    gaunt_tensor_product,
    select_method,
)
from assay.kernels.so3.s2grid import s2grid_gaunt_tensor_product, s2grid_plan
from assay.properties.so3.tensor_product_checks import (
    equivariance_error,
    parity_selection_error,
    reference_agreement,
)
from assay.reference.so3.real_coupling import real_coupling_tensor
from assay.reference.so3.tables import clebsch_gordan_table, wigner_3j_table
from assay.reference.so3.tensor_product import gaunt_tensor_product as reference_product

ROUTES = ["fourier", "s2grid", "cg"]
FLOAT64_BOUND = 1e-14
FLOAT32_BOUND = 2.0**-21


def _adapter(method: str, dtype: torch.dtype = torch.float64):
    def product(x, y, lmax1, lmax2, lmax_out):
        xt = torch.as_tensor(x, dtype=dtype)
        yt = torch.as_tensor(y, dtype=dtype)
        return gaunt_tensor_product(xt, yt, lmax1, lmax2, lmax_out, method=method).double()

    return product


@pytest.mark.parametrize("method", ROUTES)
@pytest.mark.parametrize(("lmax1", "lmax2", "lmax_out"), [(2, 3, None), (4, 4, None), (4, 3, 4), (0, 2, None)])
def test_float64_agrees_with_the_exact_reference(method, lmax1, lmax2, lmax_out):
    summary = reference_agreement(_adapter(method), lmax1, lmax2, lmax_out, samples=2, seed=lmax1 + 10 * lmax2)
    assert summary.max <= FLOAT64_BOUND, str(summary)


@pytest.mark.parametrize("method", ROUTES)
def test_float32_agrees_with_the_exact_reference(method):
    summary = reference_agreement(_adapter(method, torch.float32), 3, 4, samples=3, seed=7)
    assert summary.max <= FLOAT32_BOUND, str(summary)


@pytest.mark.parametrize("lmax", [8, 12])
def test_routes_agree_at_larger_degrees(lmax):
    generator = torch.Generator().manual_seed(lmax)
    x = torch.randn(6, (lmax + 1) ** 2, generator=generator, dtype=torch.float64)
    y = torch.randn(6, (lmax + 1) ** 2, generator=generator, dtype=torch.float64)
    scale = (x.norm(dim=1) * y.norm(dim=1))[:, None]
    lmax_out = lmax if lmax == 12 else None  # a truncated output at 12 keeps the CG table small
    baseline = gaunt_tensor_product(x, y, lmax, lmax, lmax_out, method="cg")
    for method in ("fourier", "s2grid"):
        error = ((gaunt_tensor_product(x, y, lmax, lmax, lmax_out, method=method) - baseline).abs() / scale).max()
        assert error <= FLOAT64_BOUND, (method, float(error))
        single = gaunt_tensor_product(x.float(), y.float(), lmax, lmax, lmax_out, method=method).double()
        assert ((single - baseline).abs() / scale).max() <= FLOAT32_BOUND, method


@pytest.mark.parametrize("method", ROUTES)
def test_equivariance_under_random_rotations(method):
    from assay.kernels.so3.wigner import wigner_D_from_matrix

    def d_fn(l, R):
        return wigner_D_from_matrix(l, torch.from_numpy(R), polar_axis="y")

    summary = equivariance_error(_adapter(method), 3, 4, rotations=3, seed=5, d_fn=d_fn)
    assert summary.max <= FLOAT64_BOUND, str(summary)


@pytest.mark.parametrize("method", ROUTES)
def test_no_odd_parity_path(method):
    summary = parity_selection_error(_adapter(method), 3, 3, seed=2)
    if method == "cg":
        assert summary.max == 0.0, str(summary)  # the sparse coupling never stores an odd path
    else:
        assert summary.max <= 1e-15, str(summary)
    # the cross product (1, 1, 1) in particular
    x = torch.tensor([[0.0, 1.0, 2.0, 3.0]], dtype=torch.float64)
    y = torch.tensor([[0.0, -1.0, 0.5, 2.0]], dtype=torch.float64)
    z = gaunt_tensor_product(x, y, 1, 1, method=method)
    assert z[0, 1:4].abs().max() <= 1e-15 * x.norm() * y.norm()


def test_layouts_channels_broadcasting_and_weights():
    lmax1, lmax2, lmax_out, channels = 2, 3, 4, 3
    generator = torch.Generator().manual_seed(11)
    x = torch.randn(2, 1, channels, (lmax1 + 1) ** 2, generator=generator, dtype=torch.float64)
    y = torch.randn(4, channels, (lmax2 + 1) ** 2, generator=generator, dtype=torch.float64)
    w1 = torch.randn(channels, lmax1 + 1, generator=generator, dtype=torch.float64)
    w2 = torch.randn(lmax2 + 1, generator=generator, dtype=torch.float64)
    w3 = torch.randn(channels, lmax_out + 1, generator=generator, dtype=torch.float64)

    def mul_ir(t, lmax):  # (..., C, (L+1)²) → e3nn mul_ir flat
        return torch.cat([t[..., l * l:(l + 1) ** 2].reshape(*t.shape[:-2], -1) for l in range(lmax + 1)], dim=-1)

    def ir_mul(t, lmax):
        return torch.cat([t[..., l * l:(l + 1) ** 2].transpose(-1, -2).reshape(*t.shape[:-2], -1)
                          for l in range(lmax + 1)], dim=-1)

    expected = np.zeros((2, 4, channels, (lmax_out + 1) ** 2))
    for a in range(2):
        for b in range(4):
            for c in range(channels):
                expected[a, b, c] = reference_product(
                    x[a, 0, c].numpy(), y[b, c].numpy(), lmax1, lmax2, lmax_out,
                    weights1=w1[c].numpy(), weights2=w2.numpy(), weights_out=w3[c].numpy())
    scale = float(x.norm() * y.norm())
    for method in ROUTES:
        for layout, flatten in (("mul_ir", mul_ir), ("ir_mul", ir_mul)):
            z = gaunt_tensor_product(flatten(x, lmax1), flatten(y, lmax2), lmax1, lmax2, lmax_out,
                                     weights1=w1, weights2=w2, weights_out=w3, layout=layout, method=method)
            assert z.shape == (2, 4, channels * (lmax_out + 1) ** 2)
            want = flatten(torch.from_numpy(expected), lmax_out)
            assert (z - want).abs().max() <= FLOAT64_BOUND * scale, (method, layout)


@pytest.mark.parametrize("method", ROUTES)
def test_gradcheck_float64(method):
    generator = torch.Generator().manual_seed(3)
    x = torch.randn(2, 2 * 9, generator=generator, dtype=torch.float64, requires_grad=True)
    y = torch.randn(2, 2 * 4, generator=generator, dtype=torch.float64, requires_grad=True)
    w = torch.randn(3, generator=generator, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(
        lambda a, b, c: gaunt_tensor_product(a, b, 2, 1, weights1=c, method=method), (x, y, w))


def test_auto_route_and_selection():
    x = torch.randn(3, 16, dtype=torch.float64)
    y = torch.randn(3, 16, dtype=torch.float64)
    assert torch.allclose(gaunt_tensor_product(x, y, 3, 3), gaunt_tensor_product(x, y, 3, 3, method="cg"),
                          rtol=0, atol=FLOAT64_BOUND * float(x.norm() * y.norm()))
    for lmax in (1, 2, 4, 8, 12, 16, 32):
        assert select_method(lmax, lmax, lmax, 1) in METHODS[1:]
        assert select_method(lmax, lmax, lmax, 32) in METHODS[1:]


def test_s2grid_public_function_and_plans():
    x = torch.randn(2, 9, dtype=torch.float64)
    y = torch.randn(2, 9, dtype=torch.float64)
    assert torch.allclose(s2grid_gaunt_tensor_product(x, y, 2, 2), gaunt_tensor_product(x, y, 2, 2, method="cg"),
                          rtol=0, atol=1e-14 * float(x.norm() * y.norm()))
    assert s2grid_plan(2, 2, 4).dense and not s2grid_plan(16, 16, 16).dense
    plan = fourier_plan(3, 2, 5)
    assert plan.n_theta >= 2 * 5 + 1 and plan.n_phi >= 5 + 5 + 1
    assert fourier_plan(3, 2, 5) is plan  # built once per (degrees, dtype, device)


@pytest.mark.parametrize(("l1", "l2", "l3"), [(1, 1, 1), (1, 2, 2), (2, 2, 3), (2, 3, 4), (3, 3, 2)])
def test_sparse_coupling_blocks_match_the_exact_tensors(l1, l2, l3):
    cg_table, three_j_table = clebsch_gordan_table(4), wigner_3j_table(4)
    for convention in ("cg", "e3nn"):
        block = real_coupling_block(l1, l2, l3, convention, cg_table)
        assert np.abs(block - real_coupling_tensor(l1, l2, l3, convention)).max() <= 4e-16
    if (l1 + l2 + l3) % 2 == 0:
        from assay.reference.so3.gaunt import real_gaunt

        block = real_coupling_block(l1, l2, l3, "gaunt", three_j_table)
        exact = np.array([[[float(real_gaunt(l1, l2, l3, a, b, c)) for c in range(-l3, l3 + 1)]
                           for b in range(-l2, l2 + 1)] for a in range(-l1, l1 + 1)])
        assert np.abs(block - exact).max() <= 4e-16


def test_cg_tensor_product_with_odd_paths():
    # e3nn-normalized real CG, all paths of (1, 1) → 0, 1, 2, including the odd (1, 1, 1) cross-product path
    x = torch.tensor([[0.0, 1.0, -2.0, 0.5]], dtype=torch.float64)
    y = torch.tensor([[0.0, 0.3, 0.7, -1.1]], dtype=torch.float64)
    weights = {(1, 1, 0): 1.0, (1, 1, 1): 2.0, (1, 1, 2): -1.0}
    z = coupling_tensor_product(x, y, 1, 1, coupling="e3nn", path_weights=weights)[0]
    for l3, w in ((0, 1.0), (1, 2.0), (2, -1.0)):
        tensor = real_coupling_tensor(1, 1, l3, "e3nn")
        expected = w * np.einsum("ijk,i,j->k", tensor, x[0, 1:].numpy(), y[0, 1:].numpy())
        assert np.abs(z[l3 * l3:(l3 + 1) ** 2].numpy() - expected).max() <= 1e-15
    # the degree-1 output is the cross product (up to the coupling's normalization and the axis order)
    cross = np.cross(x[0, [3, 1, 2]].numpy(), y[0, [3, 1, 2]].numpy())[[1, 2, 0]]
    ratio = z[1:4].numpy() / cross
    assert np.allclose(ratio, ratio[0], rtol=1e-12, atol=0) and abs(ratio[0]) > 0.1


def test_sparse_coupling_count_is_exact():
    for degrees in [(1, 1, 2), (2, 3, 5), (4, 4, 8), (4, 4, 4), (3, 5, 6)]:
        assert gaunt_coupling(*degrees).nnz == gaunt_coupling_count(*degrees)
    coupling = gaunt_coupling(2, 2, 4)
    assert coupling.operation_count(10) == 10 * (81 + 2 * coupling.nnz)
    assert sparse_coupling(1, 1, 2, "cg").nnz > sparse_coupling(1, 1, 2, "gaunt").nnz  # the odd paths


def test_e3nn_tensor_product_with_every_gaunt_path_agrees():
    o3 = pytest.importorskip("e3nn.o3")
    lmax, channels = 3, 2
    irreps = o3.Irreps([(channels, (l, (-1) ** l)) for l in range(lmax + 1)])
    instructions = []
    for l1 in range(lmax + 1):
        for l2 in range(lmax + 1):
            for l3 in range(abs(l1 - l2), min(l1 + l2, lmax) + 1, 2):
                # G = √((2l1+1)(2l2+1)(2l3+1)/4π) |(l1 l2 l3; 0 0 0)| · e3nn wigner_3j; e3nn scales a path by √weight
                ratio = math.sqrt((2 * l1 + 1) * (2 * l2 + 1) * (2 * l3 + 1) / (4 * math.pi)) * abs(
                    wigner_3j_table(lmax)(l1, l2, l3, 0, 0, 0))
                instructions.append((l1, l2, l3, "uuu", False, ratio**2))
    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)  # e3nn builds its wigner_3j buffers in the default dtype
    try:
        module = o3.TensorProduct(irreps, irreps, irreps, instructions, irrep_normalization="none",
                                  path_normalization="none")
    finally:
        torch.set_default_dtype(default)
    x = torch.randn(5, irreps.dim, dtype=torch.float64)
    y = torch.randn(5, irreps.dim, dtype=torch.float64)
    ours = gaunt_tensor_product(x, y, lmax, lmax, lmax)
    assert (module(x, y) - ours).abs().max() <= 1e-13 * float(x.norm() * y.norm())


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: gaunt_tensor_product(torch.zeros(4), torch.zeros(4), 1, 1, method="fft"), ValueError),
        (lambda: gaunt_tensor_product(torch.zeros(5), torch.zeros(4), 1, 1), ValueError),
        (lambda: gaunt_tensor_product(torch.zeros(4), torch.zeros(8), 1, 1), ValueError),
        (lambda: gaunt_tensor_product(torch.zeros(4), torch.zeros(4), 1, 1, 3), ValueError),
        (lambda: gaunt_tensor_product(torch.zeros(4), torch.zeros(4), -1, 1), ValueError),
        (lambda: gaunt_tensor_product(torch.zeros(4), torch.zeros(4), 1, 1, layout="ir"), ValueError),
        (lambda: gaunt_tensor_product(torch.zeros(4, dtype=torch.int64), torch.zeros(4), 1, 1), TypeError),
        (lambda: gaunt_tensor_product(torch.zeros(4), torch.zeros(4, dtype=torch.float64), 1, 1), ValueError),
        (lambda: gaunt_tensor_product([0.0] * 4, torch.zeros(4), 1, 1), TypeError),
        (lambda: gaunt_tensor_product(torch.zeros(4), torch.zeros(4), 1.0, 1), TypeError),
        (lambda: gaunt_tensor_product(torch.zeros(4), torch.zeros(4), 1, 1, weights1=torch.ones(3)), ValueError),
        (lambda: coupling_tensor_product(torch.zeros(4), torch.zeros(4), 1, 1, coupling="racah"), ValueError),
    ],
)
def test_bad_input_is_refused(call, error):
    with pytest.raises(error):
        call()


@pytest.mark.parametrize("layout", ["mul_ir", "ir_mul"])
def test_flat_s2grid_path_with_channels_weights_and_gradients(layout):
    # degrees where the S² grid plan is separable: gaunt_tensor_product then works on the flat layout directly
    lmax1, lmax2, lmax_out, channels = 9, 7, 10, 3
    assert not s2grid_plan(lmax1, lmax2, lmax_out, torch.float64).dense
    generator = torch.Generator().manual_seed(21)
    x = torch.randn(2, 5, channels * (lmax1 + 1) ** 2, generator=generator, dtype=torch.float64, requires_grad=True)
    y = torch.randn(2, 5, channels * (lmax2 + 1) ** 2, generator=generator, dtype=torch.float64)
    weights = {
        "weights1": torch.randn(channels, lmax1 + 1, generator=generator, dtype=torch.float64),
        "weights2": torch.randn(lmax2 + 1, generator=generator, dtype=torch.float64),
        "weights_out": torch.randn(channels, lmax_out + 1, generator=generator, dtype=torch.float64),
    }
    grid = gaunt_tensor_product(x, y, lmax1, lmax2, lmax_out, layout=layout, method="s2grid", **weights)
    baseline = gaunt_tensor_product(x, y, lmax1, lmax2, lmax_out, layout=layout, method="cg", **weights)
    scale = float(x.detach().norm() * y.norm())
    assert grid.shape == (2, 5, channels * (lmax_out + 1) ** 2)
    assert (grid - baseline).abs().max() <= FLOAT64_BOUND * scale
    cotangent = torch.randn(grid.shape, generator=generator, dtype=torch.float64)
    (grad_grid,) = torch.autograd.grad(grid, x, cotangent)
    (grad_cg,) = torch.autograd.grad(baseline, x, cotangent)
    assert (grad_grid - grad_cg).abs().max() <= FLOAT64_BOUND * float(cotangent.norm() * y.norm())


@pytest.mark.parametrize("threads", [1, 2])
def test_flat_s2grid_chunks_on_pool_threads_equal_the_recorded_path(threads, monkeypatch):
    # 600 rows in chunks of a few rows each (a small chunk budget): the CPU forward hands runs of chunks to
    # single-threaded pool threads; each chunk is computed alone, so the result must equal, bit for bit, that of
    # the differentiable path (one chunk after the other on this thread) and agree with the sparse CG route
    import importlib

    product_module = importlib.import_module("assay.kernels.so3.gaunt_tensor_product")  # the module, not the function
    lmax, channels = 6, 2
    generator = torch.Generator().manual_seed(31)
    x = torch.randn(600, channels * (lmax + 1) ** 2, generator=generator, dtype=torch.float64)
    y = torch.randn(600, channels * (lmax + 1) ** 2, generator=generator, dtype=torch.float64)
    monkeypatch.setattr(product_module, "GRID_CHUNK_ELEMENTS", 1 << 12)
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        pooled = gaunt_tensor_product(x, y, lmax, lmax, lmax, method="s2grid", channels=channels)
        recorded = gaunt_tensor_product(x.clone().requires_grad_(), y, lmax, lmax, lmax, method="s2grid",
                                        channels=channels)
    finally:
        torch.set_num_threads(previous)
    assert torch.equal(pooled, recorded.detach())
    baseline = gaunt_tensor_product(x, y, lmax, lmax, lmax, method="cg", channels=channels)
    scale = (x.norm(dim=1) * y.norm(dim=1)).max()
    assert (pooled - baseline).abs().max() <= FLOAT64_BOUND * scale
