"""Batched PCA frames in torch: centroid, scatter, eigen-decomposition, degeneracy check, sign frames.

Same convention as :mod:`assay.reference.frames.pca` (``frames.frame_matrix = eigenvector_columns``): for each
cloud ``X`` (rows are points; padded rows excluded by ``mask``) with centroid ``t`` (E/SE; ``t = 0`` for O/SO) and
scatter ``C = Σ_i (x_i − t)(x_i − t)ᵀ = V Λ Vᵀ`` (``torch.linalg.eigh``, eigenvalues ascending), the frame is
``{V diag(s)}`` over all ``s ∈ {±1}^d`` (O, E: 2^d) or those with ``det(V diag(s)) = +1`` (SO, SE: 2^(d−1)).

Degeneracy check: relative gaps ``g_i = (λ_(i+1) − λ_i) / max(λ_d, tiny)``; a cloud is *degenerate* when some
``g_i ≤ gap_tol``. Default ``gap_tol = √ε`` of the dtype (1.5e-8 in float64, 3.5e-4 in float32): the eigensolver's
eigenvalues carry an absolute error of a few ``ε λ_d``, so an exactly repeated eigenvalue shows a gap of that
size, far below √ε; and an eigenvector is perturbed by about ``ε λ_d / gap``, so accepting gaps above √ε keeps the
frame's rounding sensitivity below √ε. The check costs ``d − 1`` subtractions per cloud next to the ``O(d³)``
eigensolve (measured in ``benchmarks/frames_benchmark.py``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache

import torch

from assay.core.validation import as_device, as_floating_dtype
from assay.kernels.frames._validate import (
    MAX_SIGN_DIMENSION,
    check_bool,
    check_mask,
    check_points,
)

__all__ = ["PCAFrames", "default_gap_tol", "pca_frames", "sign_patterns"]


def default_gap_tol(dtype: torch.dtype) -> float:
    """``√ε`` of ``dtype`` (see the module docstring)."""
    return float(torch.finfo(dtype).eps) ** 0.5


@lru_cache(maxsize=32)
def _patterns(d: int, proper: bool) -> tuple[tuple[int, ...], ...]:
    patterns = list(itertools.product((1, -1), repeat=d))
    if proper:
        patterns = [s for s in patterns if _parity(s) == 1]
    return tuple(patterns)


def _parity(signs: tuple[int, ...]) -> int:
    out = 1
    for s in signs:
        out *= s
    return out


def sign_patterns(d: int, proper: bool, dtype: torch.dtype, device: torch.device | str) -> torch.Tensor:
    """``(F, d)`` sign patterns in the order of ``itertools.product((1, −1), …)``; with ``proper`` only those with
    ``Π s = +1`` (``F = 2^(d−1)``). ``1 <= d <= MAX_SIGN_DIMENSION``."""
    if isinstance(d, bool) or not isinstance(d, int):
        raise TypeError(f"d must be an int, got {type(d).__name__}")
    if not 1 <= d <= MAX_SIGN_DIMENSION:
        raise ValueError(f"d must satisfy 1 <= d <= {MAX_SIGN_DIMENSION} (2^d sign patterns), got {d}")
    check_bool(proper, "proper")
    dtype = as_floating_dtype(dtype)
    device = as_device(device)
    return torch.tensor(_patterns(d, proper), dtype=dtype, device=device)


@dataclass(frozen=True)
class PCAFrames:
    """Per-cloud PCA data for a batch of B clouds in ℝ^d (F frames each)."""

    centroid: torch.Tensor  # (B, d); zeros for O(d)/SO(d)
    eigenvalues: torch.Tensor  # (B, d), ascending
    eigenvectors: torch.Tensor  # (B, d, d), columns
    frames: torch.Tensor  # (B, F, d, d): V diag(s)
    signs: torch.Tensor  # (B, F, d): the s of each frame element
    relative_gaps: torch.Tensor  # (B, d − 1)
    degenerate: torch.Tensor  # (B,) bool
    centred: torch.Tensor  # (B, n, d): (X − t), zero at padded points
    gap_tol: float


def _scatter(points: torch.Tensor, mask: torch.Tensor | None, translations: bool):
    if mask is None:
        centroid = points.mean(dim=1) if translations else points.new_zeros(points.shape[0], points.shape[-1])
        centred = points - centroid[:, None, :]
    else:
        weights = mask.to(points.dtype)[..., None]
        count = weights.sum(dim=1)
        centroid = (points * weights).sum(dim=1) / count if translations else points.new_zeros(
            points.shape[0], points.shape[-1])
        centred = (points - centroid[:, None, :]) * weights
    scatter = centred.transpose(1, 2) @ centred
    return centroid, centred, scatter


def pca_frames(points: torch.Tensor, *, proper: bool = False, translations: bool = True,
               mask: torch.Tensor | None = None, gap_tol: float | None = None,
               frame_gradients: bool = False) -> PCAFrames:
    """PCA frames of a batch of clouds ``points`` (``(B, n, d)``; see the module docstring).

    ``proper``: SO/SE frames (det +1); ``translations``: subtract the centroid (E/SE) or not (O/SO, where the frame
    comes from ``Σ x_i x_iᵀ``). Frames are detached unless ``frame_gradients``.
    """
    points = check_points(points)
    mask = check_mask(mask, points)
    for flag, name in ((proper, "proper"), (translations, "translations"), (frame_gradients, "frame_gradients")):
        check_bool(flag, name)
    if gap_tol is None:
        gap_tol = default_gap_tol(points.dtype)
    elif not (isinstance(gap_tol, (int, float)) and not isinstance(gap_tol, bool)) or not 0 <= gap_tol < 1:
        raise ValueError(f"gap_tol must be a number in [0, 1), got {gap_tol!r}")
    d = points.shape[-1]
    centroid, centred, scatter = _scatter(points, mask, translations)
    source = scatter if frame_gradients else scatter.detach()
    eigenvalues, eigenvectors = torch.linalg.eigh(source)
    scale = eigenvalues[:, -1:].clamp_min(torch.finfo(points.dtype).tiny)
    gaps = (eigenvalues[:, 1:] - eigenvalues[:, :-1]) / scale
    degenerate = (gaps <= gap_tol).any(dim=1) if d > 1 else torch.zeros_like(eigenvalues[:, 0], dtype=torch.bool)
    patterns = sign_patterns(d, proper, points.dtype, points.device)  # (F, d)
    if proper:
        # det(V diag(s)) = det V · Π s: flip the last sign where det V = −1 so every frame has det +1
        det_sign = torch.sign(torch.linalg.det(eigenvectors.detach()))
        flip = torch.ones(eigenvectors.shape[0], d, dtype=points.dtype, device=points.device)
        flip[:, -1] = det_sign
        signs = patterns[None, :, :] * flip[:, None, :]  # (B, F, d)
    else:
        signs = patterns[None, :, :].expand(eigenvectors.shape[0], -1, -1)
    frames = eigenvectors[:, None, :, :] * signs[:, :, None, :]
    return PCAFrames(centroid, eigenvalues, eigenvectors, frames, signs, gaps, degenerate, centred, float(gap_tol))
