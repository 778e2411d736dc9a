"""asv benchmarks: the torch spherical-harmonics and real Wigner D kernels against their peers (time) and their
error (track).

- Spherical harmonics: 10⁵ points, all degrees ≤ lmax ∈ {4, 8, 12, 24}, float64 and float32, real
  integral-normalized, polar axis z: assay's ``spherical_harmonics`` (forward — on the CPU its C kernel, and its
  torch route —, and forward + backward with a fixed upstream gradient), sphericart's numpy
  ``SphericalHarmonics(lmax).compute`` and ``sphericart.torch``'s module (forward, forward + backward) on the same
  points; e3nn's ``o3.spherical_harmonics(range(lmax+1), normalize=True)`` (lmax ≤ 12, float64) in its own
  (y-polar) basis against assay's ``polar_axis="y"`` (the same numbers). ``benchmarks/so3_kernels_table.py`` times
  the same cases alternately in one run and prints the ratios.
- Wigner D: 1000 rotation matrices, float64, the block-diagonal matrix of all degrees ≤ lmax; e3nn's
  ``Irreps("0e + 1o + …").D_from_matrix`` (Euler angles, then one ``matrix_exp`` of the generators per degree and
  angle) with the default dtype set to float64 (e3nn builds its generators in the default dtype), against
  ``wigner_D_block_diagonal(..., polar_axis="y")``.
A peer's benchmarks are skipped (``NotImplementedError`` in setup, asv's convention) when it is not installed.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np


def _points(count: int, dtype):
    import torch

    generator = torch.Generator().manual_seed(0)
    return torch.randn(count, 3, dtype=dtype, generator=generator)


def _rotations(count: int, dtype):
    import torch

    generator = torch.Generator().manual_seed(1)
    q = torch.randn(count, 4, dtype=dtype, generator=generator)
    w, x, y, z = (q / torch.linalg.vector_norm(q, dim=-1, keepdim=True)).unbind(-1)
    rows = [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
            2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
            2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)]
    return torch.stack(rows, dim=-1).reshape(count, 3, 3)


def _e3nn_o3():
    try:
        from e3nn import o3
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise NotImplementedError("e3nn is not installed") from error
    return o3


def _sphericart():
    try:
        import sphericart
        import sphericart.torch as sphericart_torch
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise NotImplementedError("sphericart / sphericart-torch are not installed") from error
    return sphericart, sphericart_torch


class _HarmonicsCase:
    """10⁵ points, degrees 0..lmax, in the given dtype; an upstream gradient for the backward pass."""

    params: ClassVar[list] = [[4, 8, 12, 24], ["float64", "float32"]]
    param_names: ClassVar[list] = ["lmax", "dtype"]

    def setup(self, lmax, dtype):
        import torch

        self.torch = torch
        self.points = _points(100_000, getattr(torch, dtype))
        self.leaf = self.points.clone().requires_grad_()
        self.gradient = torch.randn(100_000, (lmax + 1) ** 2, dtype=getattr(torch, dtype),
                                    generator=torch.Generator().manual_seed(lmax))


class SphericalHarmonics(_HarmonicsCase):
    """assay's kernel: forward, and forward + backward."""

    def setup(self, lmax, dtype):
        super().setup(lmax, dtype)
        from assay.kernels.so3.harmonics import spherical_harmonics

        self.kernel = spherical_harmonics
        self.kernel(lmax, self.points)  # tables

    def time_assay(self, lmax, dtype):
        self.kernel(lmax, self.points)

    def time_assay_forward_backward(self, lmax, dtype):
        self.leaf.grad = None
        self.kernel(lmax, self.leaf).backward(self.gradient)

    def time_assay_torch_route(self, lmax, dtype):
        # the forward pass without the C kernel (GPUs, no compiler): what the CPU used before it
        from assay.kernels import _native

        with _native.disabled():
            self.kernel(lmax, self.points)

    def peakmem_assay(self, lmax, dtype):
        self.kernel(lmax, self.points)


class SphericalHarmonicsSphericart(_HarmonicsCase):
    """sphericart (numpy API, C++) and sphericart-torch on the same points."""

    def setup(self, lmax, dtype):
        super().setup(lmax, dtype)
        sphericart, sphericart_torch = _sphericart()
        self.numpy_points = self.points.numpy()
        self.numpy_calculator = sphericart.SphericalHarmonics(lmax)
        self.torch_calculator = sphericart_torch.SphericalHarmonics(lmax)
        self.numpy_calculator.compute(self.numpy_points)
        self.torch_calculator(self.points)

    def time_sphericart(self, lmax, dtype):
        self.numpy_calculator.compute(self.numpy_points)

    def time_sphericart_torch(self, lmax, dtype):
        self.torch_calculator(self.points)

    def time_sphericart_torch_forward_backward(self, lmax, dtype):
        self.leaf.grad = None
        self.torch_calculator(self.leaf).backward(self.gradient)


class SphericalHarmonicsYPolar:
    """assay with ``polar_axis="y"`` (e3nn's basis), 10⁵ points, float64, the e3nn comparison's degrees."""

    params: ClassVar[list] = [4, 8, 12]
    param_names: ClassVar[list] = ["lmax"]

    def setup(self, lmax):
        import torch

        from assay.kernels.so3.harmonics import spherical_harmonics

        self.points = _points(100_000, torch.float64)
        self.kernel = spherical_harmonics
        self.kernel(lmax, self.points, polar_axis="y")

    def time_assay(self, lmax):
        self.kernel(lmax, self.points, polar_axis="y")


class SphericalHarmonicsE3nn:
    """e3nn's ``o3.spherical_harmonics`` on the same points."""

    params: ClassVar[list] = [4, 8, 12]
    param_names: ClassVar[list] = ["lmax"]

    def setup(self, lmax):
        import torch

        self.o3 = _e3nn_o3()
        self.points = _points(100_000, torch.float64)
        self.degrees = list(range(lmax + 1))
        self.o3.spherical_harmonics(self.degrees, self.points, normalize=True)  # compile / warm up

    def time_e3nn(self, lmax):
        self.o3.spherical_harmonics(self.degrees, self.points, normalize=True)


class WignerD:
    """1000 rotation matrices, float64, the block-diagonal D of degrees 0..lmax."""

    params: ClassVar[list] = [4, 10]
    param_names: ClassVar[list] = ["lmax"]

    def setup(self, lmax):
        import torch

        from assay.kernels.so3.wigner import wigner_D_block_diagonal, wigner_D_blocks

        self.rotations = _rotations(1000, torch.float64)
        self.block_diagonal = wigner_D_block_diagonal
        self.blocks = wigner_D_blocks
        self.blocks(lmax, self.rotations, polar_axis="y")  # builds the coupling tables

    def time_assay_block_diagonal(self, lmax):
        self.block_diagonal(lmax, self.rotations, polar_axis="y")

    def time_assay_blocks(self, lmax):
        self.blocks(lmax, self.rotations, polar_axis="y")


class WignerDE3nn:
    """e3nn's ``Irreps.D_from_matrix`` on the same rotations (default dtype float64 during the call)."""

    params: ClassVar[list] = [4, 10]
    param_names: ClassVar[list] = ["lmax"]

    def setup(self, lmax):
        import torch

        self.o3 = _e3nn_o3()
        self.torch = torch
        self.rotations = _rotations(1000, torch.float64)
        self.irreps = self.o3.Irreps([(1, (l, (-1) ** l)) for l in range(lmax + 1)])
        self.previous = torch.get_default_dtype()
        torch.set_default_dtype(torch.float64)
        self.irreps.D_from_matrix(self.rotations)

    def teardown(self, lmax):
        self.torch.set_default_dtype(self.previous)

    def time_e3nn_D_from_matrix(self, lmax):
        self.irreps.D_from_matrix(self.rotations)


def track_harmonics_float64_max_error_l20():
    """Largest error of the degree ≤ 20 blocks at the test points (generic, poles, near-poles), relative to each
    block's norm (float64; the accuracy contract is 7e-15)."""
    import torch

    from assay.kernels.so3.harmonics import spherical_harmonics
    from assay.reference.so3.harmonics import spherical_harmonics_xyz

    points = [(0.3, -0.5, 0.8), (-0.2, 0.9, -0.1), (0.0, 0.0, 1.0), (0.0, 0.0, -2.5), (1e-9, 2e-9, 1.0),
              (1e-3, 0.0, -1.0), (0.6, 0.8, 0.0), (-0.7, 0.1, 0.7)]
    values = spherical_harmonics(20, torch.tensor(points, dtype=torch.float64)).numpy()
    errors = []
    for row, point in zip(values, points):
        for l in range(21):
            expected = spherical_harmonics_xyz(l, list(point), basis="real", dps=30).astype(np.float64)
            errors.append(np.abs(row[l * l : (l + 1) ** 2] - expected).max() / np.linalg.norm(expected))
    return float(max(errors))


track_harmonics_float64_max_error_l20.unit = "relative"


def track_harmonics_float64_max_error_l100_pole():
    """Largest error of the degree-100 block at the north pole and next to the south pole, relative to the block
    norm (float64; bound 1e-12)."""
    import torch

    from assay.kernels.so3.harmonics import spherical_harmonics
    from assay.reference.so3.harmonics import spherical_harmonics_xyz

    points = [(0.0, 0.0, 1.0), (1e-3, 0.0, -1.0)]
    values = spherical_harmonics(100, torch.tensor(points, dtype=torch.float64))[:, 100 * 100 :].numpy()
    errors = []
    for row, point in zip(values, points):
        expected = spherical_harmonics_xyz(100, list(point), basis="real", dps=30).astype(np.float64)
        errors.append(np.abs(row - expected).max() / np.linalg.norm(expected))
    return float(max(errors))


track_harmonics_float64_max_error_l100_pole.unit = "relative"


def track_wigner_float64_orthogonality_l20():
    """``max |D Dᵀ − I|`` at l = 20 over 100 random rotations (float64; bound 1e-13)."""
    import torch

    from assay.kernels.so3.wigner import wigner_D_from_matrix

    D = wigner_D_from_matrix(20, _rotations(100, torch.float64))
    return float((D @ D.transpose(-1, -2) - torch.eye(41, dtype=torch.float64)).abs().max())


track_wigner_float64_orthogonality_l20.unit = "absolute"
