"""Tables shared by the Fourier and S²-grid routes of the Gaunt product: the SH → torus-Fourier matrices and
their upload to a device. Both routes import from here, so neither imports the other."""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import numpy as np
import torch

from assay.core.exact import SqrtRational

__all__ = ["forward_matrices", "i_power", "to_device"]

_ROOT_HALF = SqrtRational.sqrt(Fraction(1, 2))


def i_power(power: int) -> tuple[int, int]:
    return ((1, 0), (0, 1), (-1, 0), (0, -1))[power % 4]


@lru_cache(maxsize=16)
def forward_matrices(lmax: int) -> np.ndarray:
    """``M[k, row, (u, part)]`` (float64): ``[x_{l,k} | x_{l,−k}] ↦ [Re, Im] of G[u, k]`` for ``u = −L..L``.

    ``G[u, k] = i^{−k} (P − iQ)``, ``P = Σ_l A x_{l,k}``, ``Q = Σ_l A x_{l,−k}``,
    ``A = N_{l,k} r_{l,k}[u] / √2^{[k>0]}``.
    Rows ``0..L`` are cos (m = +k) inputs, ``L+1..2L+1`` sin (m = −k) inputs; columns are ``2(u+L) + part``.
    ``lmax ≤`` :data:`assay.reference.so3.fourier.MAX_DEGREE` (the exact series' limit); the 16 most recent
    degrees are cached (``8 L³`` numbers each: 17 MB at L = 64).
    """
    from assay.reference.so3.fourier import legendre_fourier_series, normalization_constant

    size = lmax + 1
    matrices = np.zeros((size, 2 * size, 2 * (2 * lmax + 1)))
    for k in range(size):
        omega_re, omega_im = i_power(-k)
        for l in range(k, size):
            scale = normalization_constant(l, k) * (_ROOT_HALF if k else 1)
            for u, r in legendre_fourier_series(l, k).items():
                a = float(scale * r)
                column = 2 * (u + lmax)
                matrices[k, l, column] = omega_re * a
                matrices[k, l, column + 1] = omega_im * a
                if k:
                    matrices[k, size + l, column] = omega_im * a
                    matrices[k, size + l, column + 1] = -omega_re * a
    return matrices


def to_device(array: np.ndarray, dtype: torch.dtype, device: torch.device) -> torch.Tensor:
    if device.type == "meta":  # shape-only plans for FLOP counting
        return torch.empty(array.shape, dtype=dtype, device=device)
    return torch.tensor(array, dtype=dtype, device=device)  # a copy: the numpy tables are cached
