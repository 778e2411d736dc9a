"""Tests of the native (C) kernels' machinery (:mod:`assay.kernels._native`) and of the C forward pass of the
spherical harmonics against the torch route, which computes the same recurrence with torch operations.

Bounds: both routes are held to the accuracy contract against the mpmath reference in ``test_so3_harmonics.py``
(every test there runs on both); here they are compared with each other, point by point and degree by degree,
relative to the block norm: ``2 · 7e-15`` in float64 (each is within ``7e-15`` of the exact value for l ≤ 20) and
``2 · (l + 1)² · 2⁻²³`` in float32 — and exactly where the values are exact: zeros at the poles and the origin,
NaN for non-finite points, the same NaN pattern.
"""

from __future__ import annotations

import ctypes
import itertools
import multiprocessing
import platform
import shutil
import subprocess
import threading

import pytest
import torch

from assay.kernels import _native
from assay.kernels.so3 import _sh_kernel as sh_kernel
from assay.kernels.so3.harmonics import spherical_harmonics

pytestmark = pytest.mark.skipif(sh_kernel.native_forward(torch.float64) is None,
                                reason=f"the native kernel is not in use here: {_native.status()}")

SPECIAL_POINTS = [
    (0.0, 0.0, 1.0), (0.0, 0.0, -3.0), (1e-9, 2e-9, 1.0), (0.0, 0.0, 0.0), (1e300, -1e300, 1e299),
    (1e-310, 0.0, 0.0), (float("nan"), 0.0, 1.0), (0.0, float("inf"), 0.0), (0.6, 0.8, 0.0), (-0.0, 0.0, -0.0),
]


def _block_difference(native: torch.Tensor, torch_route: torch.Tensor, lmax: int) -> torch.Tensor:
    """Per point and degree, ``max_m |native − torch| / ‖torch block‖₂`` (shape ``(N, lmax + 1)``)."""
    columns = []
    for l in range(lmax + 1):
        a, b = native[:, l * l : (l + 1) ** 2].double(), torch_route[:, l * l : (l + 1) ** 2].double()
        columns.append((a - b).abs().amax(1) / torch.linalg.vector_norm(b, dim=1))
    return torch.stack(columns, 1)


def _both_routes(lmax, points, **options):
    native = spherical_harmonics(lmax, points, **options)
    with _native.disabled():
        torch_route = spherical_harmonics(lmax, points, **options)
    return native, torch_route


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("lmax", [1, 2, 3, 4, 5, 8, 9, 13, 20])
def test_native_forward_agrees_with_the_torch_route(dtype, lmax):
    # 203 points (full blocks and a short last one) of lengths 1e-3..1e3 (1e-1..1e1 for the solid harmonics,
    # whose |r|^l would overflow float32); every flag combination
    generator = torch.Generator().manual_seed(lmax)
    directions = torch.randn(203, 3, dtype=torch.float64, generator=generator)
    bound = 2 * 7e-15 if dtype == torch.float64 else None
    for normalize, polar_axis, normalization in itertools.product((True, False), ("z", "y"), ("integral", "norm")):
        decades = 3 if normalize else 1
        points = (directions * torch.logspace(-decades, decades, 203, dtype=torch.float64)[:, None]).to(dtype)
        native, torch_route = _both_routes(lmax, points, normalize=normalize, polar_axis=polar_axis,
                                           normalization=normalization)
        assert native.dtype == dtype and native.shape == (203, (lmax + 1) ** 2) and native.is_contiguous()
        difference = _block_difference(native, torch_route, lmax)
        degrees = torch.arange(lmax + 1, dtype=torch.float64)
        limit = torch.full_like(degrees, bound) if bound else 2 * (degrees + 1) ** 2 * 2.0**-23
        worst = (difference / limit).max()
        assert worst <= 1, (normalize, polar_axis, normalization, difference.max().item())


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("normalize", [True, False])
def test_native_special_points_match_the_torch_route_exactly_where_exact(dtype, normalize):
    points = torch.tensor(SPECIAL_POINTS, dtype=torch.float64).to(dtype)
    native, torch_route = _both_routes(6, points, normalize=normalize)
    assert torch.equal(native.isnan(), torch_route.isnan())
    assert torch.equal(native == 0, torch_route == 0)  # the exact zeros (poles, the origin, the equator)
    finite = ~torch_route.isnan() & torch_route.isfinite() & native.isfinite()
    scale = torch_route.abs().where(finite, 0).amax(1, keepdim=True).clamp_min(1e-300)
    assert ((native - torch_route).abs().where(finite, 0) / scale).max() <= 16 * torch.finfo(dtype).eps


def test_native_route_handles_strided_inputs_and_every_thread_count():
    generator = torch.Generator().manual_seed(5)
    points = torch.randn(3, 5000, dtype=torch.float64, generator=generator).T  # not contiguous
    previous = torch.get_num_threads()
    try:
        results = []
        for threads in (1, 2):
            torch.set_num_threads(threads)
            results.append(spherical_harmonics(7, points))
    finally:
        torch.set_num_threads(previous)
    assert torch.equal(results[0], results[1])  # each point is computed alone: no dependence on the split
    assert torch.equal(results[0], spherical_harmonics(7, points.contiguous()))


def _native_forward_values(lmax: int, points: torch.Tensor, scale: torch.Tensor, library=None) -> torch.Tensor:
    """The C forward pass called directly: ``scale[k] Q_k`` on the unit sphere, polar axis z (of this process's
    build, or of the built ``library``)."""
    if library is None:
        forward = sh_kernel.native_forward(points.dtype)
    else:
        forward = sh_kernel._native_functions(library)["forward", points.dtype]
    out = torch.full((points.shape[0], (lmax + 1) ** 2), float("nan"), dtype=points.dtype)
    betas = sh_kernel._flat_betas(max(lmax, 1), points.dtype)
    status = forward(points.shape[0], points.data_ptr(), lmax, betas.data_ptr(), scale.data_ptr(), 1, 0,
                     sh_kernel._least_subnormal(points.dtype), out.data_ptr())
    assert status == 0
    return out


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_native_output_writes_put_every_scaled_value_in_its_place(dtype):
    # The forward pass writes a block of points with vector gathers (through an index table up to one degree, in
    # tiles above: see _sh_native.c); each written value is one product fl(scale[k] Q_k), so with scale = 1 the
    # kernel writes Q itself and with any other scale exactly fl(scale[k] Q_k) — a misplaced index, a wrong
    # mask at a tile's or block's end, or a scale applied to the wrong component breaks the equality.
    generator = torch.Generator().manual_seed(11)
    for lmax, count in itertools.product([0, 1, 2, 4, 8, 9, 16, 17, 24, 33], [1, 17, 333]):
        points = torch.randn(count, 3, dtype=torch.float64, generator=generator).to(dtype)
        scale = (torch.rand((lmax + 1) ** 2, dtype=torch.float64, generator=generator) + 0.5).to(dtype)
        unscaled = _native_forward_values(lmax, points, torch.ones_like(scale))
        scaled = _native_forward_values(lmax, points, scale)
        assert not unscaled.isnan().any(), (lmax, count)  # every value written
        assert torch.equal(scaled, unscaled * scale), (lmax, count)
    assert torch.equal(_native_forward_values(0, points[:5], scale[:1]), scale[:1].expand(5, 1))


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"), reason="compares x86-64 instruction sets")
def test_native_kernel_gives_the_same_bits_without_vector_extensions(tmp_path):
    # The kernel is built with -march=native: AVX-512 gathers where the CPU has them, plain loops otherwise, and
    # the vector types split into whatever registers exist. Every value is the same sequence of correctly rounded
    # operations, so a build for the x86-64 baseline (SSE2 only) must give the same bits as this machine's.
    compiler = _native._compiler()
    if compiler is None:
        pytest.skip("no C compiler")
    flags = [flag if flag != "-march=native" else "-march=x86-64" for flag in _native.FLAGS]
    target = tmp_path / "sh_baseline.so"
    subprocess.run([*compiler, *flags, "-o", str(target), str(sh_kernel.NATIVE_SOURCE), "-lm"], check=True,
                   capture_output=True, timeout=300)
    baseline = ctypes.CDLL(str(target))
    generator = torch.Generator().manual_seed(12)
    for dtype, lmax in itertools.product([torch.float64, torch.float32], [1, 4, 8, 9, 16, 17, 24]):
        points = torch.randn(333, 3, dtype=torch.float64, generator=generator).to(dtype)
        scale = (torch.rand((lmax + 1) ** 2, dtype=torch.float64, generator=generator) + 0.5).to(dtype)
        bits = torch.int64 if dtype == torch.float64 else torch.int32
        native = _native_forward_values(lmax, points, scale)
        assert torch.equal(native.view(bits), _native_forward_values(lmax, points, scale, baseline).view(bits)), (
            dtype, lmax)


def _with_threads(count: int, function):
    previous = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        return function()
    finally:
        torch.set_num_threads(previous)


def test_helper_pool_gives_the_same_bits_for_any_helper_count_and_concurrent_callers():
    # The forward pass shares runs of points with the C pool's helpers (_native_pool.h); each point is computed
    # alone, so every split — more helpers than cores, fewer than the pool holds, a second caller that runs alone
    # while another call is in the pool — must give the same bits.
    generator = torch.Generator().manual_seed(6)
    points = torch.randn(40000, 3, dtype=torch.float64, generator=generator)
    expected = _with_threads(1, lambda: spherical_harmonics(5, points))
    for count in (2, 4, 3, 2):
        assert torch.equal(_with_threads(count, lambda: spherical_harmonics(5, points)), expected), count
    results, errors = [], []

    def caller():
        try:
            for _ in range(20):
                results.append(spherical_harmonics(5, points))
        except BaseException as error:  # re-raised in the test's thread below
            errors.append(error)

    threads = [threading.Thread(target=caller) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(results) == 60
    assert all(torch.equal(result, expected) for result in results)


def _harmonics_in_child(points, queue):
    queue.put(spherical_harmonics(5, points).numpy())  # a numpy copy: a tensor would travel as a shared handle


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork()")
def test_helper_pool_works_in_a_forked_child():
    # a forked child inherits the pool's state but none of its threads: it computes the same bits and does not hang
    points = torch.randn(40000, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(7))
    expected = _with_threads(2, lambda: spherical_harmonics(5, points))  # the parent's helpers exist now
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_harmonics_in_child, args=(points, queue))
    child.start()
    result = queue.get(timeout=120)
    child.join(timeout=120)
    assert child.exitcode == 0
    assert torch.equal(torch.from_numpy(result), expected)


def test_environment_variable_turns_native_kernels_off(monkeypatch):
    monkeypatch.setenv("ASSAY_NATIVE", "0")
    assert not _native.enabled()
    assert sh_kernel.native_forward(torch.float64) is None
    monkeypatch.setenv("ASSAY_NATIVE", "1")
    assert sh_kernel.native_forward(torch.float64) is not None


def test_disabled_is_per_thread_and_nests():
    with _native.disabled():
        with _native.disabled():
            assert not _native.enabled()
        assert not _native.enabled()
    assert _native.enabled()


def test_build_is_cached_on_disk_and_a_failed_build_falls_back(tmp_path, monkeypatch):
    source = tmp_path / "probe.c"
    source.write_text("int assay_probe(int x) { return x + 1; }\n")
    monkeypatch.setenv("ASSAY_NATIVE_CACHE", str(tmp_path / "cache"))
    library = _native.load(source)
    assert library is not None and library.assay_probe(41) == 42
    built = list((tmp_path / "cache").iterdir())
    assert len(built) == 1 and _native.status()[str(source)] == f"ready: {built[0]}"
    assert _native.load(source) is library  # once per process

    broken = tmp_path / "broken.c"
    broken.write_text("this is not C\n")
    assert _native.load(broken) is None
    assert _native.status()[str(broken)].startswith("build failed:")
    assert [path.name for path in (tmp_path / "cache").iterdir()] == [built[0].name]  # no partial file left


def test_missing_compiler_is_reported(tmp_path, monkeypatch):
    source = tmp_path / "lonely.c"
    source.write_text("int f(void) { return 0; }\n")
    monkeypatch.setattr(_native, "_compiler", lambda: None)
    assert _native.load(source) is None
    assert _native.status()[str(source)] == "no C compiler found (CC, cc, gcc or clang)"


def test_compiler_lookup_honours_cc(monkeypatch):
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("no C compiler")
    monkeypatch.setenv("CC", f"{compiler} -w")
    assert _native._compiler() == [compiler, "-w"]


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("lmax", [1, 2, 4, 9, 20])
def test_native_backward_agrees_with_the_torch_route(dtype, lmax):
    # The gradient is a sum of lmax² products per axis, which the routes add in different orders: a sum of n terms
    # is within n·eps of its terms' magnitudes, so the bound is (lmax + 1)² eps of the batch's largest gradient.
    generator = torch.Generator().manual_seed(100 + lmax)
    directions = torch.randn(203, 3, dtype=torch.float64, generator=generator)
    upstream = torch.randn(203, (lmax + 1) ** 2, dtype=torch.float64, generator=generator).to(dtype)
    points = (directions * torch.logspace(-1, 1, 203, dtype=torch.float64)[:, None]).to(dtype)
    for normalize, polar_axis, normalization in itertools.product((True, False), ("z", "y"), ("integral", "norm")):
        options = {"normalize": normalize, "polar_axis": polar_axis, "normalization": normalization}
        native = points.clone().requires_grad_()
        spherical_harmonics(lmax, native, **options).backward(upstream)
        reference = points.clone().requires_grad_()
        with _native.disabled():
            spherical_harmonics(lmax, reference, **options).backward(upstream)
        scale = reference.grad.abs().max()
        difference = (native.grad - reference.grad).abs().max()
        assert difference <= (lmax + 1) ** 2 * torch.finfo(dtype).eps * scale, (options, (difference / scale).item())


def test_native_backward_at_special_points():
    # the origin keeps the solid harmonics' gradient, a pole is an ordinary point, non-finite points give NaN
    points = torch.tensor(SPECIAL_POINTS[:6] + SPECIAL_POINTS[8:], dtype=torch.float64)
    upstream = torch.randn(len(points), 49, dtype=torch.float64, generator=torch.Generator().manual_seed(3))
    native = points.clone().requires_grad_()
    spherical_harmonics(6, native).backward(upstream)
    reference = points.clone().requires_grad_()
    with _native.disabled():
        spherical_harmonics(6, reference).backward(upstream)
    finite = reference.grad.isfinite()
    assert torch.equal(native.grad.isfinite(), finite)
    scale = reference.grad.abs().where(finite, 0).amax(1, keepdim=True).clamp_min(1e-300)
    assert ((native.grad - reference.grad).abs().where(finite, 0) / scale).max() <= 64 * torch.finfo(torch.float64).eps
