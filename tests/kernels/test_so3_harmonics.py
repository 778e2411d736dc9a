"""Tests of the torch spherical-harmonics kernel ``assay.kernels.so3.harmonics`` against the mpmath reference.

Error measure (per point and per degree l): ``max_m |Y_lm − Y_lm^ref| / ‖Y_l^ref‖₂`` — the error relative to the
norm of the exact degree-l block at the exact input point (``relative_error`` with ``scale = ‖Y_l^ref‖₂``). The
block norm never vanishes (``Σ_m |Y_lm|² = (2l+1)/(4π)`` times the normalization factor squared).

Bounds:
- float64: ``7e-15`` for every ``l ≤ 20`` (the accuracy contract; measured ≤ 4.6e-15 on the points below, exact
  poles and near-poles included) and ``1e-12`` for every ``l ≤ 100`` (measured ≤ 1.3e-13, largest next to a pole
  where ``|∂P_l/∂z| = l(l+1)/2`` amplifies the rounding of the unit vector).
- float32: ``(l + 1)² · 2⁻²³`` — one rounding of the unit vector times that conditioning (measured ≤ 0.11 of it).
- e3nn (float64, l ≤ 12): ``1e-13`` of the block norm (both are float64 evaluations; e3nn's error is ~1e-15).

Every test runs twice (the ``route`` fixture): on the C forward kernel of the CPU and on the torch route.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pytest
import torch

from assay.core.errors import relative_error, summarize
from assay.kernels import _native
from assay.kernels.so3 import _sh_kernel as sh_kernel
from assay.kernels.so3.harmonics import (
    FLOAT32_MAX_NATIVE_DEGREE,
    MAX_DEGREE,
    _real_functional,
    harmonic_index,
    spherical_harmonics,
)
from assay.reference.so3.harmonics import spherical_harmonics_xyz

FLOAT64_BOUND = 1e-12
CONTRACT_BOUND = 7e-15  # float64, l <= 20
REFERENCE_DPS = 30

#: generic points, both poles (also at non-unit length), near-poles, the equator and the coordinate axes
POINTS = (
    (0.3, -0.5, 0.8),
    (-0.2, 0.9, -0.1),
    (0.0, 0.0, 1.0),
    (0.0, 0.0, -2.5),
    (1e-9, 2e-9, 1.0),
    (1e-3, 0.0, -1.0),
    (0.6, 0.8, 0.0),
    (1.0, 0.0, 0.0),
    (0.0, -3.0, 0.0),
    (-0.7, 0.1, 0.7),
)
POLE_POINTS = ((0.0, 0.0, 1.0), (0.0, 0.0, -2.5), (1e-9, 2e-9, 1.0), (1e-3, 0.0, -1.0), (0.3, -0.5, 0.8))


@pytest.fixture(autouse=True, params=["native", "torch"])
def route(request):
    """Every test runs on both CPU routes of the forward pass: the C kernel (where it is built here) and torch's
    operations (the route on GPUs, above ``NATIVE_MAX_DEGREE`` and without a compiler)."""
    if request.param == "torch":
        with _native.disabled():
            yield request.param
        return
    if sh_kernel.native_forward(torch.float64) is None:
        pytest.skip(f"the native kernel is not in use here: {_native.status()}")
    yield request.param


@cache
def reference_block(l: int, point: tuple, basis: str = "real", normalization: str = "integral",
                    phase: str = "condon_shortley", polar_axis: str = "z") -> np.ndarray:
    values = spherical_harmonics_xyz(l, list(point), basis=basis, normalization=normalization, phase=phase,
                                     polar_axis=polar_axis, dps=REFERENCE_DPS)
    return np.array([complex(v) for v in values]) if basis == "complex" else values.astype(np.float64)


def block_errors(actual: np.ndarray, point: tuple, lmax: int, degrees=None, **conventions) -> dict[int, float]:
    """``{l: max_m |Y − Y_ref| / ‖Y_ref‖₂}`` for the degrees asked (default 0..lmax); ``actual`` is one point's row."""
    out = {}
    for l in degrees if degrees is not None else range(lmax + 1):
        expected = reference_block(l, point, **conventions)
        got = actual[l * l : (l + 1) ** 2]
        out[l] = float(relative_error(got, expected, scale=np.linalg.norm(expected)).max())
    return out


def assert_within(errors: dict, bound, what: str) -> None:
    bounds = {key: bound(key[-1]) if callable(bound) else bound for key in errors}
    excess = {key: value for key, value in errors.items() if not value <= bounds[key]}
    summary = summarize([errors[k] for k in errors], "relative to block norm", inputs=list(errors))
    assert not excess, f"{what}: {len(excess)} blocks above the bound; {summary}"


def _random_points(count: int, seed: int) -> tuple:
    generator = torch.Generator().manual_seed(seed)
    return tuple(tuple(row) for row in torch.randn(count, 3, dtype=torch.float64, generator=generator).tolist())


def test_float64_real_all_degrees_to_20_within_the_contract():
    points = POINTS + _random_points(20, 11)
    values = spherical_harmonics(20, torch.tensor(points, dtype=torch.float64)).numpy()
    errors = {(p, l): e for i, p in enumerate(points) for l, e in block_errors(values[i], p, 20).items()}
    assert_within(errors, CONTRACT_BOUND, "float64 real l <= 20")


def test_float64_high_degrees_to_100_with_poles():
    points = torch.tensor(POLE_POINTS, dtype=torch.float64)
    values = spherical_harmonics(100, points).numpy()
    errors = {(p, l): e for i, p in enumerate(POLE_POINTS)
              for l, e in block_errors(values[i], p, 100, degrees=(37, 64, 100)).items()}
    assert_within(errors, FLOAT64_BOUND, "float64 real l in (37, 64, 100)")


@pytest.mark.slow
def test_float64_every_degree_to_100():
    points = torch.tensor(POLE_POINTS[:3], dtype=torch.float64)
    values = spherical_harmonics(100, points).numpy()
    errors = {(p, l): e for i, p in enumerate(POLE_POINTS[:3]) for l, e in block_errors(values[i], p, 100).items()}
    assert_within(errors, FLOAT64_BOUND, "float64 real l <= 100")


@pytest.mark.parametrize("basis", ["real", "complex"])
@pytest.mark.parametrize("normalization", ["integral", "component", "norm"])
@pytest.mark.parametrize("phase", ["condon_shortley", "none"])
@pytest.mark.parametrize("polar_axis", ["z", "y"])
def test_every_convention_against_reference(basis, normalization, phase, polar_axis):
    conventions = {"basis": basis, "normalization": normalization, "phase": phase, "polar_axis": polar_axis}
    points = POINTS[:3] + POINTS[8:9]  # includes a z pole and a y pole
    values = spherical_harmonics(6, torch.tensor(points, dtype=torch.float64), **conventions)
    assert values.dtype == (torch.complex128 if basis == "complex" else torch.float64)
    errors = {(p, l): e for i, p in enumerate(points)
              for l, e in block_errors(values[i].numpy(), p, 6, **conventions).items()}
    assert_within(errors, FLOAT64_BOUND, f"float64 {conventions}")


def test_aliases_resolve_to_the_same_values():
    points = torch.tensor(POINTS[:2], dtype=torch.float64)
    expected = spherical_harmonics(3, points, basis="real", normalization="norm", polar_axis="y")
    actual = spherical_harmonics(3, points, basis="wikipedia", normalization="schmidt", polar_axis="e3nn")
    assert torch.equal(actual, expected)


def test_float32_bound():
    raw = torch.tensor(POINTS, dtype=torch.float32)
    values = spherical_harmonics(30, raw).double().numpy()
    exact_points = [tuple(float(c) for c in row) for row in raw.double()]  # the float32 inputs, exactly
    errors = {(p, l): e for i, p in enumerate(exact_points)
              for l, e in block_errors(values[i], p, 30, degrees=(1, 2, 5, 12, 30)).items()}
    assert_within(errors, lambda l: (l + 1) ** 2 * 2.0**-23, "float32")


def test_exact_zeros_at_poles_and_equator():
    values = spherical_harmonics(12, torch.tensor([[0.0, 0.0, 1.0], [0.0, 0.0, -1.0], [0.6, -0.8, 0.0]],
                                                  dtype=torch.float64))
    for l in range(13):
        for m in range(-l, l + 1):
            index = harmonic_index(l, m)
            if m != 0:  # sin^|m| θ = 0 at a pole
                assert values[0, index] == 0 and values[1, index] == 0
            if (l - m) % 2:  # P_l^m(0) = 0 for l − m odd
                assert values[2, index] == 0
    # P_l(±1) = (±1)^l √((2l+1)/(4π)) at the poles
    north = values[0, [harmonic_index(l, 0) for l in range(13)]]
    expected = torch.tensor([math.sqrt((2 * l + 1) / (4 * math.pi)) for l in range(13)], dtype=torch.float64)
    assert torch.allclose(north, expected, rtol=1e-14, atol=0)


@pytest.mark.peer
@pytest.mark.parametrize("normalization", ["integral", "component", "norm"])
def test_matches_e3nn_up_to_degree_12(normalization):
    o3 = pytest.importorskip("e3nn.o3")
    generator = torch.Generator().manual_seed(7)
    points = torch.cat([torch.randn(200, 3, dtype=torch.float64, generator=generator),
                        torch.tensor(POINTS, dtype=torch.float64)])
    ours = spherical_harmonics(12, points, normalization=normalization, polar_axis="y")
    theirs = o3.spherical_harmonics(list(range(13)), points, normalize=True, normalization=normalization)
    for l in range(13):
        block = slice(l * l, (l + 1) ** 2)
        scale = torch.linalg.vector_norm(ours[:, block], dim=-1, keepdim=True)
        error = ((ours[:, block] - theirs[:, block]).abs() / scale).max().item()
        assert error <= 1e-13, f"l = {l}: {error:.3g} relative to the block norm"


def test_solid_harmonics_are_homogeneous():
    points = torch.tensor(POINTS, dtype=torch.float64)
    radius = torch.linalg.vector_norm(points, dim=-1, keepdim=True)
    degrees = torch.tensor([l for l in range(9) for _ in range(2 * l + 1)], dtype=torch.float64)
    solid = spherical_harmonics(8, points, normalize=False)
    unit = spherical_harmonics(8, points)
    scale = radius**degrees
    for l in range(9):
        block = slice(l * l, (l + 1) ** 2)
        error = (solid[:, block] - unit[:, block] * scale[:, block]).abs().max(dim=-1).values
        norm = torch.linalg.vector_norm(unit[:, block] * scale[:, block], dim=-1)
        assert torch.all(error <= FLOAT64_BOUND * norm), f"l = {l}"
    # at the origin the solid harmonics are Y_0 and exact zeros, normalized or not
    for normalize in (True, False):
        origin = spherical_harmonics(4, torch.zeros(3, dtype=torch.float64), normalize=normalize)
        assert origin[0] == pytest.approx(1 / math.sqrt(4 * math.pi), rel=1e-15)
        assert torch.all(origin[1:] == 0)


def test_batch_shape_layout_and_dtype():
    points = torch.randn(2, 3, 4, 3, dtype=torch.float32, generator=torch.Generator().manual_seed(1))
    values = spherical_harmonics(5, points)
    assert values.shape == (2, 3, 4, 36) and values.dtype == torch.float32 and values.is_contiguous()
    flat = spherical_harmonics(5, points.reshape(-1, 3))
    assert torch.equal(values.reshape(-1, 36), flat)
    assert spherical_harmonics(5, points, basis="complex").dtype == torch.complex64
    assert spherical_harmonics(0, points).shape == (2, 3, 4, 1)
    assert harmonic_index(3, -3) == 9 and harmonic_index(3, 3) == 15


@pytest.mark.parametrize("conventions", [{}, {"normalization": "norm", "phase": "none", "polar_axis": "y"},
                                         {"basis": "complex", "normalization": "component"}])
def test_gradient_path_equals_fast_path(conventions):
    points = torch.tensor(POINTS, dtype=torch.float64)
    fast = spherical_harmonics(9, points, **conventions)
    recorded = spherical_harmonics(9, points.clone().requires_grad_(), **conventions)
    assert recorded.requires_grad
    assert torch.allclose(recorded.detach(), fast, rtol=0, atol=1e-15 * 16)
    unnormalized = spherical_harmonics(9, points.clone().requires_grad_(), normalize=False, **conventions)
    assert torch.allclose(unnormalized.detach(), spherical_harmonics(9, points, normalize=False, **conventions),
                          rtol=1e-14, atol=1e-14)


@pytest.mark.parametrize("threads", [1, 2])
def test_chunked_cpu_path_over_several_chunks(threads, monkeypatch):
    # 256-point chunks: 1000 points go through in three full chunks and a partial one, forward and backward;
    # the result must not depend on the chunking nor on the thread count (up to the last bit: torch's vectorized
    # and scalar loops may round a product differently, e.g. with or without a fused multiply-add)
    generator = torch.Generator().manual_seed(2)
    points = torch.randn(1000, 3, dtype=torch.float64, generator=generator)
    gradient = torch.randn(1000, 441, dtype=torch.float64, generator=generator)
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        for conventions in ({}, {"normalization": "norm", "phase": "none", "polar_axis": "y"}):
            whole = spherical_harmonics(20, points, **conventions)
            leaf = points.clone().requires_grad_()
            spherical_harmonics(20, leaf, **conventions).backward(gradient)
            monkeypatch.setattr(sh_kernel, "MAX_CHUNK_POINTS", 256)
            chunked = spherical_harmonics(20, points, **conventions)
            chunked_leaf = points.clone().requires_grad_()
            spherical_harmonics(20, chunked_leaf, **conventions).backward(gradient)
            monkeypatch.undo()
            assert chunked.is_contiguous() and chunked.shape == (1000, 441)
            assert (chunked - whole).abs().max() <= 1e-15 * whole.abs().max(), conventions
            scale = leaf.grad.abs().max()
            assert (chunked_leaf.grad - leaf.grad).abs().max() <= 1e-14 * scale, conventions
    finally:
        torch.set_num_threads(previous)


@pytest.mark.parametrize("normalize", [True, False])
@pytest.mark.parametrize("basis", ["real", "complex"])
def test_gradcheck_away_from_and_at_the_poles(normalize, basis):
    generic = torch.tensor([[0.3, -0.5, 0.8], [-1.2, 0.4, 0.1]], dtype=torch.float64, requires_grad=True)

    def real_view(points):
        values = spherical_harmonics(4, points, basis=basis, normalize=normalize)
        return torch.view_as_real(values) if values.is_complex() else values

    assert torch.autograd.gradcheck(real_view, (generic,))
    # the harmonics are polynomials in the unit vector, so the poles are ordinary points of the gradient too
    poles = torch.tensor([[0.0, 0.0, 1.0], [0.0, 0.0, -2.0]], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(real_view, (poles,))


def test_gradient_at_the_pole_values():
    # ∂Y_{1,1}/∂x at the north pole: Y_{1,1} = √(3/4π) x/r, so the derivative is √(3/4π); ∂Y_{1,0}/∂x = 0
    pole = torch.tensor([0.0, 0.0, 1.0], dtype=torch.float64, requires_grad=True)
    values = spherical_harmonics(1, pole)
    (gradient,) = torch.autograd.grad(values[harmonic_index(1, 1)], pole)
    assert gradient.tolist() == pytest.approx([math.sqrt(3 / (4 * math.pi)), 0.0, 0.0], abs=1e-16)
    (gradient,) = torch.autograd.grad(spherical_harmonics(1, pole)[harmonic_index(1, 0)], pole)
    assert torch.all(gradient.abs() <= 1e-16)


def test_bad_input_is_refused():
    points = torch.zeros(4, 3)
    with pytest.raises(ValueError, match="lmax"):
        spherical_harmonics(-1, points)
    with pytest.raises(ValueError, match="lmax"):
        spherical_harmonics(1.5, points)
    with pytest.raises(TypeError, match="lmax"):
        spherical_harmonics(True, points)
    with pytest.raises(TypeError, match="xyz"):
        spherical_harmonics(2, [[0.0, 0.0, 1.0]])
    with pytest.raises(TypeError, match="xyz"):
        spherical_harmonics(2, torch.zeros(4, 3, dtype=torch.int64))
    with pytest.raises(ValueError, match="xyz"):
        spherical_harmonics(2, torch.zeros(4, 2))
    with pytest.raises(ValueError, match="xyz"):
        spherical_harmonics(2, torch.tensor(1.0))
    with pytest.raises(ValueError, match="basis"):
        spherical_harmonics(2, points, basis="spherical")
    with pytest.raises(ValueError, match="normalization"):
        spherical_harmonics(2, points, normalization="unit")
    with pytest.raises(ValueError, match="polar_axis"):
        spherical_harmonics(2, points, polar_axis="x")
    with pytest.raises(TypeError, match="normalize"):
        spherical_harmonics(2, points, normalize=1)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.complex64, torch.complex128])
def test_unsupported_dtypes_are_refused_naming_xyz(dtype):
    with pytest.raises(TypeError, match=r"xyz must have dtype float32 or float64"):
        spherical_harmonics(2, torch.zeros(4, 3, dtype=dtype))


def test_meta_tensors_are_refused_naming_xyz():
    with pytest.raises(ValueError, match="xyz is a meta tensor"):
        spherical_harmonics(2, torch.zeros(4, 3, device="meta"))


def test_degree_limit_is_refused_before_allocating():
    # one point at lmax = 20000 would need 4·10⁸ values (3.2 GB) plus tables; the limit is checked first
    with pytest.raises(ValueError, match=rf"lmax must be <= {MAX_DEGREE} .*got 20000"):
        spherical_harmonics(20000, torch.tensor([0.0, 0.0, 1.0]))
    assert spherical_harmonics(MAX_DEGREE, torch.tensor([[0.0, 0.0, 1.0]], dtype=torch.float64)).shape == (
        1, (MAX_DEGREE + 1) ** 2)


def test_caches_are_bounded():
    from assay.kernels.so3 import _sh_tables, harmonics

    caches = [sh_kernel._beta_columns, sh_kernel.scale_tensor, sh_kernel._gradient_tensors, sh_kernel._sectoral_rows,
              _sh_tables.beta_table, _sh_tables.component_scales, _sh_tables.gradient_tables,
              _sh_tables.mirror_index, _sh_tables._monic_scales_squared, harmonics._complex_gather]
    for function in caches:
        assert function.cache_info().maxsize is not None and function.cache_info().maxsize <= 64, function
    # the workspaces kept between calls stay within their byte budget, whatever was called
    generator = torch.Generator().manual_seed(9)
    for lmax in (2, 6, 12, 20, 30):
        for dtype in (torch.float32, torch.float64):
            leaf = torch.randn(5000, 3, dtype=dtype, generator=generator).requires_grad_()
            spherical_harmonics(lmax, leaf).sum().backward()
    kept = sum(work.nbytes for free in sh_kernel._KEPT.values() for work in free)
    assert 0 < kept <= sh_kernel.KEPT_BYTES


@pytest.mark.parametrize("basis", ["real", "complex"])
@pytest.mark.parametrize("shape", [(0, 3), (2, 0, 3)])
def test_empty_batches_give_empty_results(shape, basis):
    points = torch.zeros(shape, dtype=torch.float64)
    values = spherical_harmonics(3, points, basis=basis)
    assert values.shape == (*shape[:-1], 16)
    leaf = points.clone().requires_grad_()
    recorded = spherical_harmonics(3, leaf, basis=basis)
    assert recorded.shape == (*shape[:-1], 16) and recorded.requires_grad
    (recorded.real if recorded.is_complex() else recorded).sum().backward()
    assert leaf.grad.shape == shape


def test_degree_zero_keeps_the_autograd_graph():
    leaf = torch.tensor([[0.3, -0.5, 0.8], [1.0, 2.0, 3.0]], dtype=torch.float64, requires_grad=True)
    values = spherical_harmonics(0, leaf)
    assert values.requires_grad and values.grad_fn is not None
    assert torch.allclose(values, torch.full((2, 1), 1 / math.sqrt(4 * math.pi), dtype=torch.float64))
    values.sum().backward()
    assert torch.equal(leaf.grad, torch.zeros_like(leaf))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_points_far_from_unit_length(dtype):
    # each point is compared with the same point scaled by a power of two into [1/2, 2) in float64 (an exact
    # scaling, so the same direction; subnormal inputs carry fewer digits, and this keeps exactly those)
    tiny, huge = torch.finfo(dtype).tiny, torch.finfo(dtype).max
    directions = [[1.0, 0.0, 0.0], [1.0, 1.0, 0.0], [0.3, -0.5, 0.8], [0.0, 0.0, -1.0]]
    checked = 0
    for direction in directions:
        for factor in (1e-23, 1e20, tiny, tiny * 2.0**-10, huge / 2, 1e-300, 1e300):
            point = (torch.tensor(direction, dtype=torch.float64) * factor).to(dtype)
            if not torch.all(torch.isfinite(point)) or not torch.any(point != 0):
                continue  # the factor is outside this dtype's range
            exponent = math.frexp(point.abs().max().item())[1]
            rescaled = torch.ldexp(point.double(), torch.tensor(-exponent))
            expected = spherical_harmonics(8, rescaled)
            got = spherical_harmonics(8, point).double()
            bound = 1e-14 if dtype == torch.float64 else 2e-6
            assert (got - expected).abs().max() <= bound, (direction, factor, dtype)
            checked += 1
    assert checked >= 20


def test_gradient_scales_as_one_over_the_length():
    # Y(s·u) = Y(u), so ∂Y/∂r at s·u is ∂Y/∂r at u divided by s, for tiny and huge s alike
    unit = torch.tensor([[0.3, -0.5, 0.8]], dtype=torch.float64)
    unit = unit / torch.linalg.vector_norm(unit)
    gradient = torch.randn(1, 25, dtype=torch.float64, generator=torch.Generator().manual_seed(4))

    def grad_at(point):
        leaf = point.clone().requires_grad_()
        spherical_harmonics(4, leaf).backward(gradient)
        return leaf.grad

    reference = grad_at(unit)
    for factor in (1e-200, 1e-23, 1e20, 1e200):
        assert torch.allclose(grad_at(unit * factor) * factor, reference, rtol=1e-13, atol=0), factor


@pytest.mark.parametrize("normalize", [True, False])
def test_origin_gives_the_solid_harmonics_and_their_gradient(normalize):
    leaf = torch.zeros(1, 3, dtype=torch.float64, requires_grad=True)
    values = spherical_harmonics(4, leaf, normalize=normalize).detach()
    assert values[0, 0].item() == pytest.approx(1 / math.sqrt(4 * math.pi), rel=1e-15)
    assert torch.all(values[0, 1:] == 0)
    # ∇Y_{1,m} at the origin: Y_{1,(-1,0,1)} = √(3/4π) (y, z, x); every l ≥ 2 has zero gradient there
    c = math.sqrt(3 / (4 * math.pi))
    for index, axis in ((1, 1), (2, 2), (3, 0)):
        (gradient,) = torch.autograd.grad(spherical_harmonics(4, leaf, normalize=normalize)[0, index], leaf)
        expected = torch.zeros(1, 3, dtype=torch.float64)
        expected[0, axis] = c
        assert torch.allclose(gradient, expected, rtol=1e-15, atol=0)
    (gradient,) = torch.autograd.grad(spherical_harmonics(4, leaf, normalize=normalize)[0, 4:].sum(), leaf)
    assert torch.all(gradient == 0)


def test_non_finite_points_give_nan():
    points = torch.tensor([[float("nan"), 0.0, 1.0], [float("inf"), 0.0, 0.0], [0.3, -0.5, 0.8]],
                          dtype=torch.float64)
    values = spherical_harmonics(3, points)
    assert torch.all(torch.isnan(values[:2, 1:]))
    assert torch.all(torch.isfinite(values[2]))


ALL_CONVENTIONS = [
    {},
    {"normalization": "norm", "phase": "none", "polar_axis": "y"},
    {"normalization": "component", "polar_axis": "y"},
    {"basis": "complex", "normalization": "component"},
    {"basis": "complex", "phase": "none", "polar_axis": "y"},
]


@pytest.mark.parametrize("normalize", [True, False])
@pytest.mark.parametrize("conventions", ALL_CONVENTIONS)
def test_analytic_backward_equals_autograd_through_the_recurrence(conventions, normalize):
    # the custom backward (derivatives of solid harmonics from degree l−1) against autograd through the same
    # recurrence written out of place, at generic points, both poles, near-poles, axes and the origin
    points = torch.tensor((*POINTS, (0.0, 0.0, 0.0), (2e-3, -1e-3, 3.0)), dtype=torch.float64)
    generator = torch.Generator().manual_seed(5)
    lmax = 12
    values = spherical_harmonics(lmax, points, **conventions)
    upstream = torch.randn(values.shape, dtype=values.dtype, generator=generator)
    leaf = points.clone().requires_grad_()
    out = spherical_harmonics(lmax, leaf, normalize=normalize, **conventions)
    (fast,) = torch.autograd.grad(out, leaf, upstream)
    reference_leaf = points.clone().requires_grad_()
    with torch.enable_grad():
        # the out-of-place recurrence, differentiated by autograd (double backward takes this route)
        (reference,) = torch.autograd.grad(
            spherical_harmonics(lmax, reference_leaf, normalize=normalize, **conventions), reference_leaf,
            upstream, create_graph=True)
    scale = reference.abs().amax(dim=-1, keepdim=True).clamp_min(1.0)
    assert torch.all((fast - reference).abs() <= 1e-13 * scale), (fast - reference).abs().max()


@pytest.mark.peer
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_gradient_matches_sphericart_torch(dtype):
    sphericart_torch = pytest.importorskip("sphericart.torch")
    generator = torch.Generator().manual_seed(6)
    points = torch.randn(500, 3, dtype=dtype, generator=generator)
    for lmax in (1, 4, 12):
        upstream = torch.randn(500, (lmax + 1) ** 2, dtype=dtype, generator=generator)
        ours, theirs = points.clone().requires_grad_(), points.clone().requires_grad_()
        spherical_harmonics(lmax, ours).backward(upstream)
        sphericart_torch.SphericalHarmonics(lmax)(theirs).backward(upstream)
        tolerance = 1e-13 if dtype == torch.float64 else 2e-5
        scale = theirs.grad.abs().max()
        assert (ours.grad - theirs.grad).abs().max() <= tolerance * scale, lmax


def test_double_backward():
    points = torch.tensor([[0.3, -0.5, 0.8], [0.0, 0.0, 1.0], [-1.2, 0.4, 0.1]], dtype=torch.float64)
    for normalize in (True, False):
        def function(p, normalize=normalize):
            return spherical_harmonics(5, p, normalize=normalize)

        assert torch.autograd.gradgradcheck(function, (points.clone().requires_grad_(),))


def test_torch_func_transforms():
    point = torch.tensor([0.3, -0.5, 0.8], dtype=torch.float64)
    rows = []
    for k in range(36):
        leaf = point.clone().requires_grad_()
        rows.append(torch.autograd.grad(spherical_harmonics(5, leaf)[k], leaf)[0])
    expected = torch.stack(rows)
    assert torch.allclose(torch.func.jacrev(lambda p: spherical_harmonics(5, p))(point), expected,
                          rtol=1e-13, atol=1e-15)
    assert torch.allclose(torch.func.jacfwd(lambda p: spherical_harmonics(5, p))(point), expected,
                          rtol=1e-13, atol=1e-15)
    batch = torch.randn(7, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(8))
    assert torch.allclose(torch.func.vmap(lambda p: spherical_harmonics(3, p))(batch),
                          spherical_harmonics(3, batch), rtol=1e-14, atol=1e-15)


def test_functional_recurrence_equals_the_kernel():
    points = torch.tensor((*POINTS, (0.0, 0.0, 0.0)), dtype=torch.float64)
    scale = sh_kernel.scale_tensor(10, "integral", "condon_shortley", False, torch.float64, points.device)
    for normalize in (True, False):
        for polar_y in (False, True):
            functional = _real_functional(10, points, scale, normalize, polar_y)
            kernel = spherical_harmonics(10, points, normalize=normalize, polar_axis="y" if polar_y else "z")
            assert torch.allclose(functional, kernel, rtol=1e-14, atol=1e-14)


@pytest.mark.slow
def test_float32_above_the_native_degree_is_computed_in_float64():
    raw = torch.tensor(POLE_POINTS[3:], dtype=torch.float32)
    lmax = FLOAT32_MAX_NATIVE_DEGREE + 50
    values = spherical_harmonics(lmax, raw)
    assert values.dtype == torch.float32
    exact_points = [tuple(float(c) for c in row) for row in raw.double()]
    errors = {(p, l): e for i, p in enumerate(exact_points)
              for l, e in block_errors(values[i].double().numpy(), p, lmax, degrees=(lmax,)).items()}
    assert_within(errors, lambda l: (l + 1) ** 2 * 2.0**-23, "float32 at a high degree")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_matches_cpu():
    points = torch.tensor(POINTS, dtype=torch.float64)
    for conventions in ({}, {"basis": "complex", "normalization": "norm", "polar_axis": "y"}):
        on_device = spherical_harmonics(20, points.cuda(), **conventions)
        assert on_device.device.type == "cuda"
        assert torch.allclose(on_device.cpu(), spherical_harmonics(20, points, **conventions), rtol=0, atol=1e-13)
