"""The accuracy figures of docs/frames.md: invariance/equivariance of the kernel and agreement with the reference.

64 generic clouds (12 points, every relative scatter gap ≥ 0.05), 10 E(3) elements (identity, a half-turn, random
rotations, every other one with the inversion; translations N(0, 5²)), the degree-4 probes of
:mod:`assay.properties.frames.checks`. Errors are relative to ``max(1, |value|)``.

Usage: ``python benchmarks/frames_accuracy.py``.
"""

from __future__ import annotations

import numpy as np
import torch

from assay.conformance.frames.support import generic_clouds, group_elements, reference_frames, reference_invariant
from assay.kernels.frames import frame_average, pca_frames
from assay.properties.frames.checks import PolynomialProbe, VectorProbe, frame_set_error


def main() -> None:
    phi, psi = PolynomialProbe(), VectorProbe()
    clouds = generic_clouds(64, 12)
    for dtype in (torch.float64, torch.float32):
        before = frame_average(phi, torch.tensor(clouds, dtype=dtype)).value.double().numpy()
        positions = frame_average(psi, torch.tensor(clouds, dtype=dtype), output="positions").value.double().numpy()
        invariance = equivariance = 0.0
        for R, t in group_elements(8, proper=False, translations=True):
            moved = torch.tensor(clouds @ R.T + t, dtype=dtype)
            after = frame_average(phi, moved).value.double().numpy()
            invariance = max(invariance, float(np.max(np.abs(after - before) / np.maximum(1, np.abs(before)))))
            moved_positions = frame_average(psi, moved, output="positions").value.double().numpy()
            error = np.abs(moved_positions - (positions @ R.T + t)).max(axis=(1, 2))
            equivariance = max(equivariance, float(np.max(error / np.maximum(1, np.abs(positions).max(axis=(1, 2))))))
        print(f"{dtype!s:<14} invariance {invariance:.2e}   positions equivariance {equivariance:.2e}")
    frames = pca_frames(torch.tensor(clouds[:12])).frames.numpy()
    frame_error = max(frame_set_error(reference_frames(c, "E(3)"), F, np.eye(3)) for c, F in zip(clouds[:12], frames))
    values = frame_average(phi, torch.tensor(clouds[:12])).value.numpy()
    value_error = max(abs(v - reference_invariant(c, "E(3)")) / max(1, abs(v)) for c, v in zip(clouds[:12], values))
    print(f"float64 frames vs reference (as sets) {frame_error:.2e}; invariant average vs reference {value_error:.2e}")


if __name__ == "__main__":
    main()
