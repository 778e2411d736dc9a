"""Conformance: the frame itself (``frames.frames``) — size, orthogonality, handedness, equivariance as a set, and
agreement with the reference frame.

Properties (each catches different mistakes):

- **size** — ``|F| = 2^d`` (O/E) or ``2^(d−1)`` (SO/SE). Catches a canonicalization passed off as a frame.
- **orthogonality** — every ``R`` has ``RᵀR = I``.
- **determinant** — ``det R = +1`` for SO/SE (``|det R| = 1`` for O/E). Catches a left-handed third axis.
- **equivariance** — ``F(gX) = g F(X)`` as sets (matched up to order) for random elements of the declared group
  (reflections only for O/E, translations only for E/SE). Catches signs fixed by a non-equivariant rule.
- **value** — the frame equals the reference frame (:func:`assay.reference.frames.sign_frames`, 30 digits) as a set.
"""

from __future__ import annotations

import numpy as np
import pytest

from assay.conformance.contracts import contract_for
from assay.conformance.frames.support import declared_group, generic_clouds, group_elements, reference_frames, snippet
from assay.conformance.support import summarize_eps
from assay.core.errors import summarize
from assay.properties.frames.checks import determinant_error, frame_set_error, orthogonality_error

FRAMES = "frames.frames"


def _frames(adapter, points: np.ndarray) -> np.ndarray:
    frames = np.asarray(adapter.get(FRAMES)(points), dtype=np.float64)
    if frames.ndim != 4 or frames.shape[0] != len(points) or frames.shape[2:] != (3, 3):
        raise AssertionError(f"{adapter.name}: {FRAMES} returned shape {frames.shape}, expected (B, F, 3, 3)")
    return frames


def _snippet(adapter, cloud: np.ndarray, check: str) -> str:
    return snippet(adapter.spec, FRAMES, cloud, "F = np.asarray(f(X))[0]", check)


@pytest.mark.assay_capability(FRAMES)
def test_frame_size(assay_adapter, assay_check, assay_sizes):
    _, proper, _ = declared_group(assay_adapter)
    clouds = generic_clouds(assay_sizes["clouds"], assay_sizes["points"])
    frames = _frames(assay_adapter, clouds)
    expected = 4 if proper else 8
    summary = summarize(np.full(len(clouds), abs(frames.shape[1] - expected), dtype=float), "count")
    assay_check.check(summary, contract_for(FRAMES, "size", assay_adapter.dtype),
                      f"|F| = {expected} for the declared group", _snippet(assay_adapter, clouds[0], "print(len(F))"))


@pytest.mark.assay_capability(FRAMES)
def test_frame_orthogonality_and_determinant(assay_adapter, assay_check, assay_sizes):
    _, proper, _ = declared_group(assay_adapter)
    clouds = generic_clouds(assay_sizes["clouds"], assay_sizes["points"])
    frames = _frames(assay_adapter, clouds)
    orthogonality = [orthogonality_error(F) for F in frames]
    determinant = [determinant_error(F, proper) for F in frames]
    inputs = [f"cloud {i}" for i in range(len(clouds))]
    summary = summarize_eps(np.array(orthogonality), 1.0, assay_adapter.dtype, inputs)
    worst = clouds[summary.worst_index[0]]
    assay_check.check(summary, contract_for(FRAMES, "orthogonality", assay_adapter.dtype), "RᵀR = I for every R",
                      _snippet(assay_adapter, worst, "print(np.abs(np.swapaxes(F, 1, 2) @ F - np.eye(3)).max())"))
    summary = summarize_eps(np.array(determinant), 1.0, assay_adapter.dtype, inputs)
    worst = clouds[summary.worst_index[0]]
    assay_check.check(summary, contract_for(FRAMES, "determinant", assay_adapter.dtype),
                      "det R = +1 (a right-handed frame)" if proper else "|det R| = 1",
                      _snippet(assay_adapter, worst, "print(np.linalg.det(F))"))


@pytest.mark.assay_capability(FRAMES)
def test_frame_equivariance_as_sets(assay_adapter, assay_check, assay_sizes):
    _, proper, translations = declared_group(assay_adapter)
    clouds = generic_clouds(assay_sizes["clouds"], assay_sizes["points"])
    frames = _frames(assay_adapter, clouds)
    errors, inputs = [], []
    for k, (R, t) in enumerate(group_elements(assay_sizes["elements"], proper, translations)):
        moved = _frames(assay_adapter, clouds @ R.T + t)
        for i in range(len(clouds)):
            errors.append(frame_set_error(frames[i], moved[i], R))
            inputs.append(f"cloud {i}, element {k}: R = {R.tolist()}, t = {t.tolist()}")
    summary = summarize_eps(np.array(errors), 1.0, assay_adapter.dtype, inputs)
    cloud = clouds[summary.worst_index[0] % len(clouds)]
    assay_check.check(summary, contract_for(FRAMES, "equivariance", assay_adapter.dtype),
                      "F(gX) = g F(X) as sets, g in the declared group",
                      _snippet(assay_adapter, cloud, "print(F)  # compare with f(X @ R.T + t)[0] and R @ F"))


@pytest.mark.assay_capability(FRAMES)
def test_frame_values(assay_adapter, assay_check, assay_sizes):
    group, _, _ = declared_group(assay_adapter)
    clouds = generic_clouds(assay_sizes["clouds"], assay_sizes["points"])
    frames = _frames(assay_adapter, clouds)
    errors = []
    for cloud, F in zip(clouds, frames):
        reference = reference_frames(cloud, group)
        errors.append(frame_set_error(reference, F, np.eye(3)) if F.shape == reference.shape else np.inf)
    summary = summarize_eps(np.array(errors), 1.0, assay_adapter.dtype, [f"cloud {i}" for i in range(len(clouds))])
    cloud = clouds[summary.worst_index[0]]
    check = ("from assay.reference.frames import sign_frames\n"
             f"print(F, np.array(sign_frames(X[0], {group!r}, 30), dtype=float))")
    assay_check.check(summary, contract_for(FRAMES, "value", assay_adapter.dtype),
                      "the frame equals the reference frame as a set", _snippet(assay_adapter, cloud, check))
