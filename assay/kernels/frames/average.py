"""Frame averaging of a function over PCA frames, batched over padded clouds (Puny et al., ICLR 2022).

One entry point, :func:`frame_average`. For each cloud ``X`` (points as rows, ``mask`` marking the real ones)
and each frame element ``R ∈ F(X)`` (:mod:`assay.kernels.frames.pca`), ``fn`` is evaluated on the framed input
``Y_R = (X − 1tᵀ) R`` (padded rows set to zero, so they sit at the origin in every frame and cannot break
invariance) and

    output="invariant"               mean_R fn(Y_R)
    output="vectors" / "equivariant" mean_R fn(Y_R) Rᵀ          (fn returns (..., d); free vectors: no translation)
    output="positions"               mean_R fn(Y_R) Rᵀ + t      (E/SE: the centroid is added back)

``fn`` receives framed inputs ``(M, n, d)`` in pieces: each piece holds every frame element of
``max(1, chunk // |F|)`` consecutive clouds, framed just before the call and averaged just after it
(``chunk="auto"``: about :data:`AUTO_CHUNK_POINTS` points per call on CPU — the framed copies and the activations
of a small MLP then stay near the core instead of streaming through memory, measured 2.5–3.4× faster than one call
on the whole ``B · |F|`` batch in ``benchmarks/frames_benchmark.py`` — and the whole batch in one call on other
devices; ``chunk=None``:
always one call). So ``fn`` must act on each leading index independently (an MLP, a per-cloud network).

Frames: ``frames="all"`` uses the 2^d (O/E) or 2^(d−1) (SO/SE) sign frames; ``frames="stochastic"`` draws
``num_samples`` of them uniformly per cloud (with replacement; ``generator`` for reproducibility) — unbiased, but
exactly invariant only in distribution.

Degenerate spectra (``degenerate=``; detection with ``gap_tol``, see :mod:`assay.kernels.frames.pca`):

- ``"haar"`` (default): the frame of a degenerate cloud is ``V·H``, ``H = Π_j O(k_j)`` over its eigenspaces
  (det +1 for SO/SE); ``haar_samples`` elements are drawn from its Haar measure (Gaussian QR with the sign fix of
  Mezzadri 2007 on each block; for SO/SE a right multiplication by ``diag(−1, 1, …) ∈ H`` moves a draw into the
  det +1 coset, which preserves Haar measure). The result is an unbiased Monte-Carlo estimate of the exact Haar
  average (:func:`assay.reference.frames.invariant_average`), with error ``O(σ/√haar_samples)``.
- ``"refuse"``: raise ``ValueError`` naming the degenerate clouds.
- ``"ignore"``: use the sign frames anyway (what most libraries do; not equivariant there).

The result reports which clouds were degenerate and their relative gaps either way.

Gradients: frames are detached by default — gradients then treat the frame as a constant, which differs from the
true derivative of the frame-averaged function. ``frame_gradients=True`` differentiates through
``torch.linalg.eigh`` (eigenvector derivatives scale like ``1/(λ_i − λ_j)``); it is refused on degenerate clouds,
where the derivative does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from assay.core.conventions import resolve
from assay.core.validation import as_device, as_floating_dtype
from assay.kernels.frames._validate import check_mask, check_points
from assay.kernels.frames.pca import pca_frames
from assay.reference.frames.conventions import DEGENERACY, parse_group

__all__ = ["AUTO_CHUNK_POINTS", "FrameAverage", "frame_average", "haar_orthogonal"]

#: points (framed clouds × n) per call of ``fn`` with ``chunk="auto"`` on CPU. ``benchmarks/frames_benchmark.py
#: --chunks`` (minimum of alternating runs, 1 and 2 threads, MLPs 3→16→1 and 3→32→32→1 on 4096 × 64 points):
#: 8192 points per call takes 1.16–1.7× the time of 32768 (more calls of fn), 65536 takes 0.96–1.7× (its
#: activations, 4–8 MiB per layer, leave the 2 MiB L2).
AUTO_CHUNK_POINTS = 32768

OUTPUTS = ("invariant", "vectors", "equivariant", "positions")
FRAME_MODES = ("all", "stochastic")


@dataclass(frozen=True)
class FrameAverage:
    """The frame average and what was found on the way."""

    value: torch.Tensor  # (B, ...) or (...) for a single cloud
    degenerate: torch.Tensor  # (B,) bool: a relative eigenvalue gap ≤ gap_tol
    relative_gaps: torch.Tensor  # (B, d − 1)
    num_frames: int  # frames per non-degenerate cloud (sign frames or stochastic draws)
    gap_tol: float


#: The most numbers one :func:`haar_orthogonal` draw may hold (2^28: 2 GiB in float64).
MAX_HAAR_ELEMENTS = 1 << 28


def haar_orthogonal(shape: tuple[int, ...], k: int, *, dtype: torch.dtype, device: torch.device | str,
                    generator: torch.Generator | None = None) -> torch.Tensor:
    """Haar-distributed ``k × k`` orthogonal matrices of batch shape ``shape`` (QR of a Gaussian, signs fixed).

    ``shape`` is a tuple of non-negative ints, ``1 <= k``, and the draw holds at most ``MAX_HAAR_ELEMENTS`` numbers.
    """
    if isinstance(shape, (str, bytes)) or not isinstance(shape, (tuple, list, torch.Size)):
        raise TypeError(f"shape must be a tuple of ints, got {type(shape).__name__}")
    if any(isinstance(s, bool) or not isinstance(s, int) or s < 0 for s in shape):
        raise ValueError(f"shape must be a tuple of non-negative ints, got {tuple(shape)!r}")
    if isinstance(k, bool) or not isinstance(k, int):
        raise TypeError(f"k must be an int, got {type(k).__name__}")
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    elements = k * k
    for size in shape:
        elements *= size
    if elements > MAX_HAAR_ELEMENTS:
        raise ValueError(f"shape {tuple(shape)} with k = {k} asks for {elements} numbers; at most "
                         f"MAX_HAAR_ELEMENTS = {MAX_HAAR_ELEMENTS}")
    dtype = as_floating_dtype(dtype)
    device = as_device(device)
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator or None, got {type(generator).__name__}")
    source = generator.device if generator is not None else device  # draw where the generator lives
    gaussian = torch.randn(*shape, k, k, dtype=dtype, device=source, generator=generator).to(device)
    q, r = torch.linalg.qr(gaussian)
    signs = torch.sign(torch.diagonal(r, dim1=-2, dim2=-1))
    signs = torch.where(signs == 0, torch.ones_like(signs), signs)
    return q * signs[..., None, :]


@dataclass(frozen=True)
class _Part:
    """Clouds ``index`` framed either by sign frames ``V diag(s)`` (``basis``, ``signs``: the product is applied as
    ``(Y V) diag(s)``, one matmul per cloud) or by explicit ``rotations`` ``(b, S, d, d)`` (Haar draws)."""

    index: torch.Tensor
    basis: torch.Tensor | None
    signs: torch.Tensor | None = None
    rotations: torch.Tensor | None = None

    @property
    def count(self) -> int:
        return (self.signs if self.signs is not None else self.rotations).shape[1]

    def piece(self, start: int, stop: int) -> _Part:
        """Clouds ``start:stop`` of this part."""
        def cut(tensor: torch.Tensor | None) -> torch.Tensor | None:
            return None if tensor is None else tensor[start:stop]

        return _Part(self.index[start:stop], cut(self.basis), cut(self.signs), cut(self.rotations))

    def framed(self, centred: torch.Tensor) -> torch.Tensor:
        """``(b · F, n, d)``: every frame element applied to every cloud."""
        if self.signs is not None:
            return ((centred @ self.basis)[:, None] * self.signs[:, :, None, :]).flatten(0, 1)
        return (centred[:, None] @ self.rotations).flatten(0, 1)

    def average(self, result: torch.Tensor, equivariant: bool) -> torch.Tensor:
        """Mean over the frame of ``result`` (``(b · F, ...)``), mapped back by ``Rᵀ`` when ``equivariant``."""
        chunk = result.unflatten(0, (self.index.numel(), self.count))
        if not equivariant:
            return chunk.mean(dim=1)
        d = chunk.shape[-1]
        if self.signs is not None:  # mean_s (y diag(s)) Vᵀ = (mean_s y·s) Vᵀ
            shape = (chunk.shape[0], self.count) + (1,) * (chunk.ndim - 3) + (d,)
            mean = (chunk * self.signs.reshape(shape)).mean(dim=1)
            return (mean.reshape(mean.shape[0], -1, d) @ self.basis.transpose(1, 2)).reshape(mean.shape)
        rotations = self.rotations.reshape(*self.rotations.shape[:2], *([1] * (chunk.ndim - 3)), d, d)
        return (chunk[..., None, :] * rotations).sum(-1).mean(dim=1)


def _block_structure(gaps: torch.Tensor, gap_tol: float) -> list[tuple[int, ...]]:
    """Per cloud: the sizes of runs of tied eigenvalues, e.g. (1, 2)."""
    out = []
    for row in (gaps <= gap_tol).tolist():
        sizes = [1]
        for tied in row:
            if tied:
                sizes[-1] += 1
            else:
                sizes.append(1)
        out.append(tuple(sizes))
    return out


def _haar_frames(eigenvectors: torch.Tensor, structure: tuple[int, ...], samples: int, proper: bool,
                 generator: torch.Generator | None) -> torch.Tensor:
    """``(b, samples, d, d)`` draws ``V Q``, ``Q`` Haar on ``Π O(k_j)`` (det ``V Q`` = +1 when ``proper``)."""
    b, d, _ = eigenvectors.shape
    Q = eigenvectors.new_zeros(b, samples, d, d)
    start = 0
    for size in structure:
        Q[:, :, start:start + size, start:start + size] = haar_orthogonal(
            (b, samples), size, dtype=eigenvectors.dtype, device=eigenvectors.device, generator=generator)
        start += size
    frames = eigenvectors[:, None, :, :] @ Q
    if proper:
        det = torch.sign(torch.linalg.det(frames))
        frames = frames.clone()
        frames[..., :, 0] = frames[..., :, 0] * det[..., None]
    return frames


def chunk_rows(chunk: int | str | None, n: int, device: torch.device) -> int | None:
    """Framed clouds per call of ``fn`` (None: all at once); ``chunk`` as in :func:`frame_average`."""
    if chunk is None:
        return None
    if isinstance(chunk, str):
        if chunk != "auto":
            raise ValueError(f"chunk must be 'auto', None or an int >= 1; got {chunk!r}")
        return max(1, AUTO_CHUNK_POINTS // n) if device.type == "cpu" else None
    if isinstance(chunk, bool) or not isinstance(chunk, int):
        raise TypeError(f"chunk must be 'auto', None or an int >= 1, got {type(chunk).__name__}")
    if chunk < 1:
        raise ValueError(f"chunk must be >= 1 (framed clouds per call of fn), got {chunk}")
    return chunk


def evaluate_in_chunks(fn: Callable[..., torch.Tensor], batch: torch.Tensor, rows: int | None,
                       extra: torch.Tensor | None = None) -> torch.Tensor:
    """``fn(batch)`` (or ``fn(batch, extra)``) evaluated on consecutive pieces of ``rows`` leading entries and
    concatenated; each piece must return one result per leading entry."""
    size = batch.shape[0]
    step = size if rows is None else rows
    pieces = []
    for start in range(0, size, step):
        part = batch[start:start + step]
        result = fn(part) if extra is None else fn(part, extra[start:start + step])
        if not isinstance(result, torch.Tensor):
            raise TypeError(f"fn must return a torch.Tensor, got {type(result).__name__}")
        if result.shape[:1] != part.shape[:1]:
            raise ValueError(f"fn must return one result per framed cloud (leading size {part.shape[0]}), got "
                             f"shape {tuple(result.shape)}")
        pieces.append(result)
    return pieces[0] if len(pieces) == 1 else torch.cat(pieces, dim=0)


def frame_average(
    fn: Callable[..., torch.Tensor],
    points: torch.Tensor,
    *,
    group: str = "E(3)",
    output: str = "invariant",
    mask: torch.Tensor | None = None,
    frames: str = "all",
    num_samples: int = 1,
    degenerate: str = "haar",
    gap_tol: float | None = None,
    haar_samples: int = 64,
    generator: torch.Generator | None = None,
    frame_gradients: bool = False,
    pass_mask: bool = False,
    chunk: int | str | None = "auto",
) -> FrameAverage:
    """Frame-average ``fn`` over the PCA frames of ``points`` (``(B, n, d)`` or one cloud ``(n, d)``).

    ``fn(Y)`` (or ``fn(Y, mask)`` with ``pass_mask``) gets the framed inputs ``(M, n, d)`` and returns ``(M, ...)``;
    for ``output`` ``"vectors"``/``"equivariant"``/``"positions"`` the last axis must have length d. Per-point
    outputs ``(M, n, d)`` are zeroed at padded points. ``chunk``: framed clouds per call of ``fn`` (``"auto"``,
    None for one call, or an int). See the module docstring for the formulas, the frame modes, the chunking and
    the degeneracy policy.
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    single = isinstance(points, torch.Tensor) and points.ndim == 2
    if single:
        points = points[None]
        if mask is not None:
            if not isinstance(mask, torch.Tensor) or mask.ndim != 1:
                raise ValueError("mask must have shape (n,) for a single cloud (n, d)")
            mask = mask[None]
    points = check_points(points)
    mask = check_mask(mask, points)
    _, dimension, proper, translations = parse_group(group)
    d = points.shape[-1]
    if dimension is not None and dimension != d:
        raise ValueError(f"group {group!r} acts on ℝ^{dimension} but points have d = {d} (points.shape[-1])")
    if output not in OUTPUTS:
        raise ValueError(f"output must be one of {', '.join(OUTPUTS)}; got {output!r}")
    if frames not in FRAME_MODES:
        raise ValueError(f"frames must be one of {', '.join(FRAME_MODES)}; got {frames!r}")
    policy = resolve(DEGENERACY, degenerate, "degenerate")
    rows = chunk_rows(chunk, points.shape[1], points.device)
    for name, value in (("num_samples", num_samples), ("haar_samples", haar_samples)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int, got {type(value).__name__}")
        if value < 1:
            raise ValueError(f"{name} must be >= 1, got {value}")

    pca = pca_frames(points, proper=proper, translations=translations, mask=mask, gap_tol=gap_tol,
                     frame_gradients=frame_gradients)
    B = points.shape[0]
    degenerate_flags = pca.degenerate
    any_degenerate = bool(degenerate_flags.any())
    if any_degenerate and policy == "refuse":
        bad = torch.nonzero(degenerate_flags).flatten().tolist()
        raise ValueError(
            f"points: clouds {bad[:10]} have a repeated scatter eigenvalue (relative gap <= gap_tol = "
            f"{pca.gap_tol:.3g}) and degenerate='refuse'; no sign frame is equivariant there")
    if any_degenerate and frame_gradients and policy == "haar":
        raise ValueError("frame_gradients=True needs simple spectra; some clouds are degenerate (the eigenvector "
                         "derivative 1/(λi − λj) does not exist there)")

    signs = pca.signs  # (B, F, d): sign frames V diag(s)
    if frames == "stochastic":
        source = generator.device if generator is not None else points.device
        pick = torch.randint(signs.shape[1], (B, num_samples), generator=generator,
                             device=source).to(points.device)
        signs = torch.gather(signs, 1, pick[:, :, None].expand(-1, -1, d))
    num_frames = signs.shape[1]

    everything = torch.arange(B, device=points.device)
    parts: list[_Part] = []
    if any_degenerate and policy == "haar":
        regular = torch.nonzero(~degenerate_flags).flatten()
        special = torch.nonzero(degenerate_flags).flatten()
        if regular.numel():
            parts.append(_Part(regular, pca.eigenvectors[regular], signs=signs[regular]))
        structures = _block_structure(pca.relative_gaps[special], pca.gap_tol)
        groups: dict[tuple[int, ...], list[int]] = {}
        for position, structure in enumerate(structures):
            groups.setdefault(structure, []).append(int(special[position]))
        for structure, members in groups.items():
            member_index = torch.tensor(members, device=points.device)
            parts.append(_Part(member_index, None, rotations=_haar_frames(
                pca.eigenvectors[member_index], structure, haar_samples, proper, generator)))
    else:
        parts.append(_Part(everything, pca.eigenvectors, signs=signs))

    # frame, evaluate and average one piece at a time: the framed copies and fn's activations of a piece stay in
    # cache, and nothing of size B·|F|·n·d is materialised at once (unless chunk=None)
    equivariant = output != "invariant"
    mask_full = None
    if pass_mask:
        mask_full = torch.ones(points.shape[:2], dtype=torch.bool, device=points.device) if mask is None else mask
    value = None
    for part in parts:
        whole = part.index.numel() == B
        centred = pca.centred if whole else pca.centred[part.index]
        size = part.index.numel()
        step = size if rows is None else max(1, rows // part.count)
        averages = []
        for start in range(0, size, step):
            piece = part.piece(start, start + step)
            batch = piece.framed(centred[start:start + step])
            extra = None if mask_full is None else mask_full[piece.index].repeat_interleave(piece.count, dim=0)
            result = evaluate_in_chunks(fn, batch, None, extra)
            if equivariant and (result.ndim < 2 or result.shape[-1] != d):
                raise ValueError(f"fn must return (..., d = {d}) for output={output!r}, got shape "
                                 f"{tuple(result.shape)}")
            averages.append(piece.average(result, equivariant))
        averaged = averages[0] if len(averages) == 1 else torch.cat(averages, dim=0)
        if whole:
            value = averaged
        else:
            if value is None:
                value = averaged.new_zeros((B, *averaged.shape[1:]))
            value[part.index] = averaged
    if output == "positions":
        value = value + pca.centroid.reshape(B, *([1] * (value.ndim - 2)), d)
    if equivariant and mask is not None and value.ndim == 3 and value.shape[1] == points.shape[1]:
        value = value * mask[..., None].to(value.dtype)
    if single:
        value = value[0]
    return FrameAverage(value, degenerate_flags, pca.relative_gaps, num_frames, pca.gap_tol)
