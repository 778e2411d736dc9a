"""The forward and backward passes of the spherical-harmonics kernel, chunk by chunk (no autograd inside).

Two routes compute both passes. On the CPU, in float32/float64 and up to :data:`NATIVE_MAX_DEGREE`, a C kernel
(``_sh_native.c``, built at first use by :mod:`assay.kernels._native`) runs the recurrence and the normalization
below step for step on blocks of 16 (float64) or 32 (float32) points held in cache: the forward pass writes each
block's output once (vector gathers from the block) and shares runs of points between the calling thread (from
the front) and ``torch.get_num_threads() − 1`` helper threads of its own C pool (from the back); the backward pass
recomputes each block and gives each thread of :mod:`assay.kernels._threads` one contiguous run. Its values agree
with the torch route to a few units in the last place, and both are held to the same accuracy contract.
Everywhere else — GPUs, higher degrees, no compiler, ``ASSAY_NATIVE=0`` or inside
:func:`assay.kernels._native.disabled` — the torch route described next.

Torch route, layout: the recurrence of :mod:`assay.kernels.so3._sh_tables` runs on a ``((lmax+1)², P)`` buffer —
one row per component, the ``P`` points of a chunk along the row — so that every step is one vectorized torch
operation over a contiguous slab of rows (all orders ``m`` of a degree at once). Per chunk:

1. the points are loaded into rows 1..3 in the order ``(y, z, x)`` (``(x, y, z)`` for the y polar axis, which is the
   z-polar formula at ``(z, x, y)``) and, with ``normalize=True``, scaled to unit length robustly and nearly
   correctly rounded (:func:`_normalize`); row 2 then holds ``2z``;
2. the sectoral pairs ``Re/Im (x+iy)^l`` for all l at once, by repeated doubling of the powers of ``x + iy``
   (``⌈log₂ lmax⌉`` complex multiplications, each rounding-error path of length ≤ log₂ l), copied into their rows;
3. the two-term step ``Q_l = 2z Q_{l−1} − 4β r² Q_{l−2}`` for all ``|m| ≤ l−1``: two operations per degree;
4. the output ``out[p, k] = σ_k Q_k[p]``: one operation that transposes and scales (normalization, phase and the
   factor of the rescaled recurrence, rounded once per component in :func:`~._sh_tables.component_scales`).

The backward pass recomputes ``Q`` for the chunk, gathers the incoming gradient rows that feed each ``(l−1, m')``
(:func:`~._sh_tables.gradient_tables`), reduces against ``Q`` and, for unit vectors, projects out the radial part
and divides by the length: ``∂L/∂r = (G − (G·u) u)/|r|``.

Threads (CPU): runs of chunks go to ``torch.get_num_threads()`` threads of a pool in which torch runs every
operation on the calling thread (:mod:`assay.kernels._threads`), so a call synchronizes its threads once, as a
hand-written OpenMP kernel does, instead of once per operation — on the shared 2-core machine an operation split
over two busy cores was measured to wait milliseconds for the second
one. On a GPU the whole batch is one chunk. CPU workspaces are kept between calls (:data:`KEPT_BYTES` in all), so
a call touches no fresh memory except its output, which on the CPU comes from numpy's allocator (transparent huge
pages, see :func:`assay.kernels._memory.empty_output`).

Where the torch route's time goes (measured single-threaded on that machine, float64, per output value): the
transposing write ~0.9 ns at lmax = 4 to ~1.7–1.9 ns at lmax = 12–24 (a plain fill of the same output takes
~0.4–1.0 ns), the recurrence ~0.5–1.3 ns, the normalization ~10–25 ns per point; in all ~3.5 ns per value against
sphericart's 1.2–2.0 ns (C++, one pass that computes and writes). The C kernel, in cache: ~17 ns per point at
lmax = 4 (normalization ~5 ns, the scaled write ~8 ns), ~0.7 ns per value at lmax = 8; writing to memory adds
~0.9 ns per value at lmax ≥ 8 (``docs/so3-harmonics-wigner.md``).
"""

from __future__ import annotations

import ctypes
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch

from assay.kernels import _native
from assay.kernels._threads import run_split
from assay.kernels.so3._sh_tables import beta_table, component_scales, gradient_tables, mirror_index

__all__ = ["CHUNK_BYTES", "KEPT_BYTES", "MAX_CHUNK_POINTS", "backward_into", "chunk_points", "scale_tensor",
           "values_into"]

#: Chunk size on the CPU: about this many bytes of recurrence buffer, and at most :data:`MAX_CHUNK_POINTS` points
#: (measured single-threaded: 3.5 ns per value from 8192 points at lmax = 4 and 2048 at lmax = 12 on, against
#: 4.3 ns with 4096 and 1024 points).
CHUNK_BYTES = 8 << 20
MAX_CHUNK_POINTS = 16384

#: Bytes of workspaces kept for reuse between calls on the CPU (a workspace, forward or backward, is 5–11 MB).
KEPT_BYTES = 64 << 20


def chunk_points(lmax: int, count: int, device: torch.device, itemsize: int = 8, copies: int = 1) -> int:
    """Points per chunk: the whole batch on a GPU; on the CPU about :data:`CHUNK_BYTES` of buffer (``copies``
    buffers of ``(lmax+1)²`` rows), at least 64 and at most :data:`MAX_CHUNK_POINTS` points."""
    if device.type != "cpu":
        return max(count, 1)
    per_point = (lmax + 1) ** 2 * itemsize * copies
    return max(1, min(count, MAX_CHUNK_POINTS, max(64, CHUNK_BYTES // per_point)))


@lru_cache(maxsize=64)
def _beta_columns(lmax: int, dtype: torch.dtype, device: torch.device) -> tuple:
    return tuple(None if l < 2 else torch.as_tensor(values[:, None], dtype=dtype, device=device)
                 for l, values in enumerate(beta_table(lmax)))


@lru_cache(maxsize=64)
def scale_tensor(lmax: int, normalization: str, phase: str, halve: bool, dtype: torch.dtype,
                 device: torch.device) -> torch.Tensor:
    """``σ`` of :func:`~._sh_tables.component_scales` as a tensor."""
    return torch.as_tensor(component_scales(lmax, normalization, phase, halve), dtype=dtype, device=device)


@lru_cache(maxsize=32)
def _gradient_tensors(lmax: int, normalization: str, phase: str, halve: bool, dtype: torch.dtype,
                      device: torch.device) -> dict:
    tables = gradient_tables(lmax, normalization, phase, halve)

    def column(*names):
        return torch.as_tensor(np.stack([tables[n] for n in names])[..., None], dtype=dtype, device=device)

    return {"a": column("ax", "ay"), "b": column("bx", "by"), "z": column("cz")[0],
            "ia": torch.as_tensor(tables["ia"], device=device), "ib": torch.as_tensor(tables["ib"], device=device),
            "iz": torch.as_tensor(tables["iz"], device=device),
            "mirror": torch.as_tensor(mirror_index(lmax), device=device)}


@lru_cache(maxsize=64)
def _sectoral_rows(lmax: int, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """Rows of ``(l, −l)`` and ``(l, l)`` for ``l = 2..lmax``."""
    degrees = torch.arange(2, lmax + 1, device=device)
    return degrees * degrees, degrees * degrees + 2 * degrees


def _least_subnormal(dtype: torch.dtype) -> float:
    info = torch.finfo(dtype)
    return float(info.smallest_normal) * float(info.eps)


class _Workspace:
    """Buffers for chunks of up to ``points`` points, and the views of each step for the current chunk length."""

    def __init__(self, lmax: int, points: int, dtype: torch.dtype, device: torch.device, solid: bool,
                 backward: bool) -> None:
        self.lmax, self.points, self.solid = lmax, points, solid
        self.size = (lmax + 1) ** 2
        self.tiny = _least_subnormal(dtype)
        complex_dtype = torch.complex128 if dtype == torch.float64 else torch.complex64

        def empty(*shape, kind=dtype):
            return torch.empty(int(np.prod(shape)), dtype=kind, device=device)

        self.buffers = {
            "rows": empty(max(self.size, 4), points), "powers": empty(max(lmax, 1), points, kind=complex_dtype),
            "spare": empty(3, points), "pairs": empty(3, points), "largest": empty(points), "t": empty(points),
            "norm": empty(points), "factor": empty(points), "radial": empty(points),
            "scaled": empty(max(2 * lmax - 3, 1), points) if solid else None,
        }
        if backward:
            inner = lmax * lmax
            self.buffers.update(both=empty(2, self.size, points), terms=empty(3, inner, points),
                                second=empty(2, inner, points), gradient=empty(3, points), unit=empty(3, points))
        self.device = device
        self.nbytes = sum(b.numel() * b.element_size() for b in self.buffers.values() if b is not None)
        self.count = -1

    def bind(self, count: int) -> None:
        """Views of length ``count`` (contiguous, so that every operation is on dense memory)."""
        if count == self.count:
            return
        self.count = count

        def view(name, *shape):
            buffer = self.buffers[name]
            return None if buffer is None else buffer[: int(np.prod(shape)) * count].view(*shape, count)

        lmax = self.lmax
        rows = view("rows", max(self.size, 4))
        rows[0].fill_(1.0)
        self.rows, self.degree_one = rows[: self.size], rows[1:4]
        self.spare, self.pairs = view("spare", 3), view("pairs", 3)
        self.largest, self.t, self.norm, self.factor = (view(name) for name in ("largest", "t", "norm", "factor"))
        self.radial = view("radial", 1)  # 1 (0 at the zero vector) for unit vectors, r² for solid harmonics
        self.powers = view("powers", max(lmax, 1))
        self.doubling = []  # powers[k : k + m] = powers[0 : m] · powers[k − 1]: w^(k+1+j) = w^(j+1) · w^k
        k = 1
        while k < lmax:
            m = min(k, lmax - k)
            self.doubling.append((self.powers[0:m], self.powers[k - 1], self.powers[k : k + m]))
            k += m
        scaled = self.buffers["scaled"]
        self.steps = []
        for l in range(2, lmax + 1):
            start, previous, older = l * l, (l - 1) ** 2, (l - 2) ** 2
            self.steps.append((
                rows[previous:start],  # degree l − 1
                rows[start + 1 : start + 2 * l],  # |m| ≤ l − 1
                rows[start + 2 : start + 2 * l - 1],  # |m| ≤ l − 2
                self.radial if (l == 2 and not self.solid) else rows[older:previous],  # Q_{0,0} r² = r² at l = 2
                None if scaled is None else scaled[: (2 * l - 3) * count].view(2 * l - 3, count),
            ))
        if "both" in self.buffers:
            inner = lmax * lmax
            self.both, self.terms = view("both", 2, self.size), view("terms", 3, inner)
            self.second, self.gradient, self.unit = view("second", 2, inner), view("gradient", 3), view("unit", 3)


_KEPT: OrderedDict = OrderedDict()  # key → list of free workspaces, least recently used first
_KEPT_LOCK = threading.Lock()


def _take(key: tuple) -> _Workspace:
    with _KEPT_LOCK:
        free = _KEPT.get(key)
        if free:
            _KEPT.move_to_end(key)
            return free.pop()
    return _Workspace(*key)


def _give_back(key: tuple, work: _Workspace) -> None:
    """Keep ``work`` for the next call on the CPU, within :data:`KEPT_BYTES` in all (least recently used first
    out); GPU workspaces (the whole batch) are not kept."""
    if work.device.type != "cpu":
        return
    with _KEPT_LOCK:
        _KEPT.setdefault(key, []).append(work)
        _KEPT.move_to_end(key)
        while sum(w.nbytes for free in _KEPT.values() for w in free) > KEPT_BYTES:
            oldest = next(iter(_KEPT))
            _KEPT[oldest].pop(0)
            if not _KEPT[oldest]:
                del _KEPT[oldest]


def _load(work: _Workspace, points: torch.Tensor, polar_y: bool, normalize: bool) -> None:
    """Rows 1..3 ← ``(y, 2z, x)`` of the (unit) points in the z-polar frame, ``powers[0] ← x + iy``."""
    rows = work.degree_one
    if polar_y:  # Y_y(x, y, z) = Y_z(z, x, y): the z-polar (y, z, x) are the input's (x, y, z)
        rows.copy_(points.T)
    else:
        rows[0:2].copy_(points[:, 1:3].T)
        rows[2].copy_(points[:, 0])
    if normalize:
        _normalize(work)
    else:
        torch.mul(rows, rows, out=work.spare)
        torch.sum(work.spare, 0, keepdim=True, out=work.radial)  # r²
    if work.lmax >= 2:
        torch.complex(rows[2], rows[0], out=work.powers[0])
    rows[1].mul_(2.0)


def _normalize(work: _Workspace) -> None:
    """``rows ← rows / |rows|`` per point (column), nearly correctly rounded and without over/underflow.

    ``p' = p / max|p_i|`` has its largest coordinate exactly ±1, so ``|p'|² = 1 + t`` with ``t`` the sum of the
    two other squares — the smallest of the three pairwise sums, computed without the 1 and so to a relative
    rounding even when ``t`` is tiny. Then ``1/|p'| = 1 − e`` with ``e = t / (q (1 + q))``, ``q = √(1 + t)``,
    which is accurate to a relative rounding too, and ``u = p' (1 − e)``: the coordinate along the largest axis is
    one rounding of ``1 − e``. (Near a pole this matters: ``Y_l`` moves by ``l(l+1)/2`` times an error in ``z``,
    and the plain ``p / √(Σ p²)`` is off by up to two units in the last place there.) The zero vector stays zero,
    with the flag ``radial`` 0 (1 otherwise); ``largest`` and ``norm = |p'|`` are kept for the backward pass.
    """
    rows, spare, pairs = work.degree_one, work.spare, work.pairs
    largest, t, norm, factor = work.largest, work.t, work.norm, work.factor
    torch.abs(rows, out=spare)
    torch.amax(spare, 0, out=largest)
    torch.sign(largest, out=work.radial[0])
    torch.clamp_min(largest, work.tiny, out=factor)  # only the zero vector changes (and stays zero)
    rows.div_(factor)  # the largest coordinate is now exactly ±1
    torch.mul(rows, rows, out=spare)
    torch.add(spare[0:2], spare[1:3], out=pairs[0:2])
    torch.add(spare[2], spare[0], out=pairs[2])
    torch.amin(pairs, 0, out=t)  # the two squares other than the 1
    torch.add(t, 1.0, out=factor)  # |p'|²
    torch.sqrt(factor, out=norm)
    factor.add_(norm)  # q² + q
    torch.div(t, factor, out=factor)  # e = t / (q (q + 1)) = 1 − 1/|p'|
    factor.neg_().add_(1.0)
    rows.mul_(factor)


def _fill(work: _Workspace, points: torch.Tensor, betas: tuple, polar_y: bool, normalize: bool) -> torch.Tensor:
    """The rescaled values ``Q`` of ``points`` (one chunk) in ``work.rows``."""
    work.bind(points.shape[0])
    _load(work, points, polar_y, normalize)
    rows, z2 = work.rows, work.degree_one[1]
    if work.lmax >= 2:
        for factors, power, out in work.doubling:
            torch.mul(factors, power, out=out)
        negative, positive = _sectoral_rows(work.lmax, rows.device)
        sectoral = work.powers[1:]
        rows.index_copy_(0, negative, sectoral.imag)
        rows.index_copy_(0, positive, sectoral.real)
    for l, (previous, inner, middle, older, scaled) in enumerate(work.steps, start=2):
        torch.mul(previous, z2, out=inner)
        if scaled is not None:
            torch.mul(older, work.radial, out=scaled)
            older = scaled
        middle.addcmul_(older, betas[l], value=-1.0)
    return rows


def _run(task, count: int, chunk: int, device: torch.device) -> None:
    """``task(starts)`` over the chunk starts ``0, chunk, 2·chunk, …``: on the CPU shared among
    ``torch.get_num_threads()`` single-threaded workers (contiguous runs of chunks each), else on this thread."""
    starts = list(range(0, count, chunk))
    run_split(task, starts, torch.get_num_threads() if device.type == "cpu" else 1)


def _each_chunk(body, key: tuple, count: int, chunk: int, device: torch.device) -> None:
    """``body(workspace, start, stop)`` for every chunk of ``count`` points, spread over :func:`_run`'s threads, each
    thread holding one workspace of kind ``key`` for its run of chunks."""

    @torch.no_grad()  # grad mode is per thread
    def task(starts):
        work = _take(key)
        try:
            for start in starts:
                body(work, start, min(count, start + chunk))
        finally:
            _give_back(key, work)

    _run(task, count, chunk, device)


def values_into(out: torch.Tensor, lmax: int, points: torch.Tensor, scale: torch.Tensor, *, normalize: bool,
                polar_y: bool) -> torch.Tensor:
    """``out[p, k] = scale[k] Q_k(points[p])`` for ``(N, 3)`` ``points`` and an ``(N, (lmax+1)²)`` ``out`` (real
    harmonics in the convention that ``scale`` encodes)."""
    count = points.shape[0]
    if count == 0:
        return out
    if lmax == 0:
        return out.copy_(scale.expand(count, 1))
    if _native_values_into(out, lmax, points, scale, normalize, polar_y):
        return out
    chunk = chunk_points(lmax, count, points.device, points.element_size())
    key = (lmax, chunk, points.dtype, points.device, not normalize, False)
    betas = _beta_columns(lmax, points.dtype, points.device)

    def body(work: _Workspace, start: int, stop: int) -> None:
        rows = _fill(work, points[start:stop], betas, polar_y, normalize)
        torch.mul(rows.T, scale, out=out[start:stop])  # transposes into the output

    _each_chunk(body, key, count, chunk, points.device)
    return out


#: The C source of the fused CPU passes (see :mod:`assay.kernels._native`), and the body it includes.
NATIVE_SOURCE = Path(__file__).with_name("_sh_native.c")
NATIVE_BODY = Path(__file__).with_name("_sh_native_body.h")
NATIVE_POOL = Path(__file__).parent.parent / "_native_pool.h"

#: The native passes run up to this degree (the block buffer is ``16 (lmax+1)²`` doubles or ``32 (lmax+1)²`` floats,
#: 1.3 MB at the limit, twice that in the backward pass); above, the torch route, whose chunked buffers stay
#: cache-sized. Measured forward at lmax = 32 / 50 / 100 (2 threads): 0.66 / 0.42 / 0.53 of the torch route's
#: time in float64, 0.45 / 0.34 / 0.52 in float32.
NATIVE_MAX_DEGREE = 100

#: Below this many output values a native call stays on the calling thread; above, the forward pass shares runs of
#: points with ``torch.get_num_threads() − 1`` helper threads of the C library's own pool (``forward_parallel``,
#: see ``_native_pool.h``: this thread starts at once and takes runs from the front, the helpers from the back as
#: they wake), and in the backward pass each of ``torch.get_num_threads()`` threads of
#: :func:`~assay.kernels._threads.single_threaded_pool` computes one contiguous run. (Measured: runs shared out from
#: both ends took 0.87–0.98 of the time of contiguous runs; waking the helpers in C instead of handing each a
#: call through the Python pool, 0.87 of the time at lmax = 4 — 1.20 → 1.04 ms in float64, 0.78 → 0.68 ms in
#: float32 on 10⁵ points; Python-level pieces taken in turn were up to 2× slower at lmax ≥ 8, where the threads'
#: writes interleave.)
NATIVE_SPLIT_VALUES = 1 << 15

_NATIVE_ABI = 6


@lru_cache(maxsize=1)
def _native_functions(library: ctypes.CDLL) -> dict | None:
    """``{(pass, dtype): function}`` of the built library with their ctypes signatures (None: a stale ABI)."""
    library.assay_sh_native_abi.restype = ctypes.c_int
    if library.assay_sh_native_abi() != _NATIVE_ABI:
        return None
    pointer, integer = ctypes.c_void_p, ctypes.c_int
    functions = {}
    for dtype, suffix, real in ((torch.float64, "f64", ctypes.c_double), (torch.float32, "f32", ctypes.c_float)):
        forward = getattr(library, f"assay_sh_forward_{suffix}")
        forward.argtypes = [ctypes.c_int64, pointer, integer, pointer, pointer, integer, integer, real, pointer]
        parallel = getattr(library, f"assay_sh_forward_parallel_{suffix}")
        parallel.argtypes = [integer, *forward.argtypes]
        backward = getattr(library, f"assay_sh_backward_{suffix}")
        backward.argtypes = [ctypes.c_int64, pointer, integer, pointer, integer, integer, real, *[pointer] * 12]
        for name, function in (("forward", forward), ("forward_parallel", parallel), ("backward", backward)):
            function.restype = ctypes.c_int
            functions[name, dtype] = function
    return functions


def native_function(name: str, dtype: torch.dtype):
    """The C function ``name`` (``"forward"``, ``"forward_parallel"`` or ``"backward"``) for ``dtype``, or None
    where the torch route is used (native kernels off, not built, or another dtype);
    :func:`assay.kernels._native.status` says why."""
    if not _native.enabled():
        return None
    library = _native.load(NATIVE_SOURCE, depends=(NATIVE_BODY, NATIVE_POOL))
    if library is None:
        return None
    functions = _native_functions(library)
    return None if functions is None else functions.get((name, dtype))


def native_forward(dtype: torch.dtype):
    """The C forward function for ``dtype``, or None (see :func:`native_function`)."""
    return native_function("forward", dtype)


def _native_applies(lmax: int, points: torch.Tensor) -> bool:
    return (points.device.type == "cpu" and lmax <= NATIVE_MAX_DEGREE and not torch.compiler.is_compiling()
            and points.dtype in (torch.float32, torch.float64))


def _split_runs(task, count: int, size: int) -> None:
    """``task([(start, stop)])`` for one contiguous run of the ``count`` points per pool thread (one run on this
    thread below :data:`NATIVE_SPLIT_VALUES` values)."""
    threads = torch.get_num_threads() if count * size >= NATIVE_SPLIT_VALUES else 1
    pieces = max(1, min(threads, count))
    run_split(task, [(i * count // pieces, (i + 1) * count // pieces) for i in range(pieces)], pieces)


@lru_cache(maxsize=64)
def _flat_betas(lmax: int, dtype: torch.dtype) -> torch.Tensor:
    """``4β_{l,m}`` for ``l = 2..lmax`` one degree after another, as the C kernel reads them."""
    betas = beta_table(lmax)[2:]
    return torch.as_tensor(np.concatenate(betas) if betas else np.zeros(1), dtype=dtype).contiguous()


def _native_values_into(out: torch.Tensor, lmax: int, points: torch.Tensor, scale: torch.Tensor, normalize: bool,
                        polar_y: bool) -> bool:
    """:func:`values_into` through the C kernel; False (nothing written) where it does not apply."""
    if not _native_applies(lmax, points) or not out.is_contiguous() or out.dtype != points.dtype:
        return False
    function = native_function("forward_parallel", points.dtype)
    if function is None:
        return False
    points = points.contiguous()
    betas = _flat_betas(lmax, points.dtype)
    scale = scale.contiguous()
    count, size = points.shape[0], out.shape[1]
    helpers = torch.get_num_threads() - 1 if count * size >= NATIVE_SPLIT_VALUES else 0
    status = function(helpers, count, points.data_ptr(), lmax, betas.data_ptr(), scale.data_ptr(), int(normalize),
                      int(polar_y), _least_subnormal(points.dtype), out.data_ptr())
    if status:
        raise MemoryError(f"spherical_harmonics: the native kernel could not allocate its block buffer "
                          f"(lmax={lmax})")
    return True


@lru_cache(maxsize=32)
def _native_gradient_tables(lmax: int, normalization: str, phase: str, halve: bool, dtype: torch.dtype) -> tuple:
    """The factors and rows of :func:`~._sh_tables.gradient_tables` as the C backward reads them: ``ax, bx, ay,
    by, cz`` in ``dtype``, then the rows ``ia, ib``, the mirrored rows for y and ``iz`` (int64)."""
    tables = gradient_tables(lmax, normalization, phase, halve)
    mirror = mirror_index(lmax)
    factors = tuple(torch.as_tensor(tables[name], dtype=dtype).contiguous() for name in ("ax", "bx", "ay", "by", "cz"))
    rows = tuple(torch.as_tensor(np.ascontiguousarray(index), dtype=torch.int64)
                 for index in (tables["ia"], tables["ib"], mirror[tables["ia"]], mirror[tables["ib"]], tables["iz"]))
    return factors + rows


def _native_backward_into(grad_points: torch.Tensor, grad_out: torch.Tensor, lmax: int, points: torch.Tensor,
                          conventions: tuple, normalize: bool, polar_y: bool) -> bool:
    """:func:`backward_into` through the C kernel; False (nothing written) where it does not apply."""
    if (not _native_applies(lmax, points) or not grad_points.is_contiguous() or not grad_out.is_contiguous()
            or grad_out.dtype != points.dtype or grad_points.dtype != points.dtype):
        return False
    function = native_function("backward", points.dtype)
    if function is None:
        return False
    points = points.contiguous()
    betas = _flat_betas(lmax, points.dtype)
    tables = _native_gradient_tables(lmax, *conventions, points.dtype)
    addresses = [table.data_ptr() for table in tables]
    count, size, itemsize = points.shape[0], grad_out.shape[1], points.element_size()
    tiny = _least_subnormal(points.dtype)
    base, incoming, target = points.data_ptr(), grad_out.data_ptr(), grad_points.data_ptr()
    errors = []

    def task(runs: list[tuple[int, int]]) -> None:
        for start, stop in runs:
            if function(stop - start, base + 3 * start * itemsize, lmax, betas.data_ptr(), int(normalize),
                        int(polar_y), tiny, incoming + start * size * itemsize, *addresses,
                        target + 3 * start * itemsize):
                errors.append(start)

    _split_runs(task, count, 3 * size)
    if errors:
        raise MemoryError(f"spherical_harmonics: the native backward could not allocate its buffers (lmax={lmax})")
    return True


def backward_into(grad_points: torch.Tensor, grad_out: torch.Tensor, lmax: int, points: torch.Tensor, *,
                  normalization: str, phase: str, halve: bool, normalize: bool, polar_y: bool) -> torch.Tensor:
    """``grad_points = Σ_k grad_out[:, k] ∂out_k/∂points`` for the output of :func:`values_into` (same arguments;
    ``normalization, phase, halve`` name its ``scale``)."""
    count = points.shape[0]
    if count == 0 or lmax == 0:
        return grad_points.zero_()
    if _native_backward_into(grad_points, grad_out, lmax, points, (normalization, phase, halve), normalize,
                             polar_y):
        return grad_points
    dtype, device = points.dtype, points.device
    chunk = chunk_points(lmax, count, device, points.element_size(), copies=6)
    key = (lmax, chunk, dtype, device, not normalize, True)
    betas = _beta_columns(lmax, dtype, device)
    tables = _gradient_tensors(lmax, normalization, phase, halve, dtype, device)
    order = (1, 2, 0) if polar_y else (0, 1, 2)  # input axis i is z-polar frame axis order[i]

    def body(work: _Workspace, start: int, stop: int) -> None:
        rows = _fill(work, points[start:stop], betas, polar_y, normalize)
        gradient = _solid_gradient(work, rows, grad_out[start:stop], tables)
        if normalize:
            _project(work, gradient)
        for axis in range(3):
            grad_points[start:stop, axis].copy_(gradient[order[axis]])

    _each_chunk(body, key, count, chunk, device)
    return grad_points


def _solid_gradient(work: _Workspace, rows: torch.Tensor, grad_out: torch.Tensor, tables: dict) -> torch.Tensor:
    """``∂L/∂(x, y, z)`` of the solid harmonics at the points the recurrence saw (z-polar frame), ``(3, n)``."""
    g, t, b = work.both, work.terms, work.second
    inner = work.lmax * work.lmax
    g[0].copy_(grad_out.T)
    torch.index_select(g[0], 0, tables["mirror"], out=g[1])
    torch.index_select(g, 1, tables["ia"], out=t[0:2])
    t[0:2].mul_(tables["a"])
    torch.index_select(g, 1, tables["ib"], out=b)
    t[0:2].addcmul_(b, tables["b"])
    torch.index_select(g[0], 0, tables["iz"], out=t[2])
    t[2].mul_(tables["z"])
    t.mul_(rows[:inner])
    torch.sum(t, 1, out=work.gradient)
    return work.gradient


def _project(work: _Workspace, gradient: torch.Tensor) -> None:
    """``g ← (g − (g·u) u) / |r|`` (the chain rule through ``u = r/|r|``); at the zero vector ``g`` is kept (the
    gradient of the solid harmonics there, as the forward keeps their values)."""
    rows, unit, spare = work.degree_one, work.unit, work.spare  # rows: (y, 2z, x) of u
    unit[0].copy_(rows[2])
    unit[1].copy_(rows[0])
    torch.mul(rows[1], 0.5, out=unit[2])
    torch.mul(gradient, unit, out=spare)
    torch.sum(spare, 0, out=work.t)
    gradient.addcmul_(unit, work.t, value=-1.0)
    # |r| = largest · |p'| (as in the forward), and 1 at the zero vector (radial flag 0)
    torch.mul(work.largest, work.norm, out=work.factor)
    work.factor.add_(1.0 - work.radial[0])
    gradient.div_(work.factor)
