"""asv benchmarks: the so3 kernel measurements ``bench_so3_harmonics_wigner.py`` leaves out.

- ``WignerDMemory.peakmem_assay_blocks``: peak memory of :func:`~assay.kernels.so3.wigner.wigner_D_blocks` for 1000
  rotations (float64), every degree ≤ lmax.
- ``WignerDFlops.track_flops``: matrix-product FLOPs of ``wigner_D_blocks`` for 100 rotations
  (``assay.core.flops.count_flops``); the coupling recursion is a chain of batched products, so the count grows as
  ``L⁴`` per rotation and a change of route shows as a step.
- ``track_wigner_D_max_error_eps_l8`` / ``track_harmonics_max_error_eps_l12``: the largest error of the float64
  kernels against the mpmath reference (30 digits) at generic inputs, in units of ε = 2⁻⁵²: D entries are bounded by
  1, harmonics are measured against the norm of their degree block. Smaller is better.

The spherical harmonics kernel has no FLOP track: it is an elementwise recurrence, which torch's counter (matrix
products, convolutions, FFTs) counts as zero; its cost is tracked by ``time_`` and ``peakmem_``.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

EPS64 = 2.0**-52


def _rotations(count: int, seed: int):
    """``count`` rotation matrices (float64 torch) from normalized Gaussian quaternions."""
    import torch

    q = torch.randn(count, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(seed))
    w, x, y, z = (q / torch.linalg.vector_norm(q, dim=-1, keepdim=True)).unbind(-1)
    rows = [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
            2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
            2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)]
    return torch.stack(rows, dim=-1).reshape(count, 3, 3)


class WignerDMemory:
    """1000 rotations, float64, the blocks of every degree ≤ lmax."""

    params: ClassVar = ([4, 10],)
    param_names: ClassVar = ["lmax"]

    def setup(self, lmax):
        from assay.kernels.so3.wigner import wigner_D_blocks

        self.rotations = _rotations(1000, 1)
        self.blocks = wigner_D_blocks
        self.blocks(lmax, self.rotations[:2])  # the coupling tables are built once per degree, outside the measure

    def peakmem_assay_blocks(self, lmax):
        self.blocks(lmax, self.rotations)


class WignerDFlops:
    """FLOPs of the Wigner D blocks of 100 rotations."""

    params: ClassVar = ([4, 8, 16],)
    param_names: ClassVar = ["lmax"]

    def track_flops(self, lmax):
        from assay.core.flops import count_flops
        from assay.kernels.so3.wigner import wigner_D_blocks

        return count_flops(wigner_D_blocks, lmax, _rotations(100, 2))

    track_flops.unit = "FLOPs"


def track_wigner_D_max_error_eps_l8():
    """``max |D_kernel − D_ref|`` over degrees 0..8 and 3 generic rotations, in ε (float64)."""
    from assay.kernels.so3.wigner import wigner_D_from_matrix
    from assay.reference.so3.wigner import wigner_D_from_matrix as reference

    rotations = _rotations(3, 3)
    worst = 0.0
    for l in range(9):
        got = wigner_D_from_matrix(l, rotations).numpy()
        for matrix, block in zip(rotations.numpy(), got):
            expected = reference(l, matrix, basis="real", dps=30).astype(np.float64)
            worst = max(worst, float(np.max(np.abs(block - expected))))
    return worst / EPS64


track_wigner_D_max_error_eps_l8.unit = "eps"


def track_harmonics_max_error_eps_l12():
    """``max_l max_m |Y_kernel − Y_ref| / ‖Y_ref,l‖`` over degrees 0..12 at 5 generic points, in ε (float64)."""
    import torch

    from assay.kernels.so3.harmonics import spherical_harmonics
    from assay.reference.so3.harmonics import spherical_harmonics_xyz

    points = np.random.default_rng(4).standard_normal((5, 3))
    values = spherical_harmonics(12, torch.tensor(points)).numpy()
    worst = 0.0
    for row, point in zip(values, points):
        for l in range(13):
            expected = spherical_harmonics_xyz(l, list(point), basis="real", dps=30).astype(np.float64)
            error = np.max(np.abs(row[l * l : (l + 1) * (l + 1)] - expected)) / np.linalg.norm(expected)
            worst = max(worst, float(error))
    return worst / EPS64


track_harmonics_max_error_eps_l12.unit = "eps"
