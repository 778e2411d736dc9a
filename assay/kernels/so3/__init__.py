"""SO(3) torch kernels: spherical harmonics, real Wigner D, and the Gaunt tensor product by three routes.

Every kernel follows its inputs' device and dtype (float32/float64, CPU/CUDA) and is differentiable. The SH layout
is e3nn's ``mul_ir`` flattening: degrees 0..L concatenated, ``m = −l..l`` within each degree (index ``l² + l + m``).

- :func:`spherical_harmonics` — any degree, every basis, normalization, phase and polar axis (stable recurrence).
- :func:`wigner_D_from_matrix`, :func:`wigner_D_from_angles`, :func:`wigner_D_blocks`,
  :func:`wigner_D_block_diagonal` — real basis, ``Y(R r) = D(R) Y(r)``, by a coupling recursion (no matrix exponential).
- :func:`gaunt_tensor_product` — ``method="auto" | "fourier" | "s2grid" | "cg"``; ``auto`` picks the fastest route
  measured on CPU (sparse CG for L ≤ 2, the S² grid above). :func:`coupling_tensor_product` is the sparse
  Clebsch–Gordan baseline with every path, odd parity included.

**Size limits** (refused with a ``ValueError`` before anything is built or allocated): Wigner D
(``wigner_D_from_matrix``, ``wigner_D_from_angles``) ``l ≤ 500``, ``wigner_D_blocks`` ``lmax ≤ 256``,
``wigner_D_block_diagonal`` ``lmax ≤ 64``; the Gaunt product ``L1, L2 ≤ 32`` on the Fourier and S²-grid routes and
``max(L1, L2, Lout) ≤ 24`` on the sparse CG route (also ``coupling_tensor_product``). Inputs must be float32 or
float64 (float16/bfloat16 are refused), of one dtype and device; empty batches give empty results.
"""

from assay.kernels.so3.cg_tensor_product import coupling_tensor_product
from assay.kernels.so3.gaunt_tensor_product import gaunt_tensor_product, select_method
from assay.kernels.so3.harmonics import harmonic_index, spherical_harmonics
from assay.kernels.so3.s2grid import s2grid_gaunt_tensor_product
from assay.kernels.so3.wigner import (
    rotation_from_angles,
    wigner_D_block_diagonal,
    wigner_D_blocks,
    wigner_D_from_angles,
    wigner_D_from_matrix,
)

__all__ = [
    "coupling_tensor_product",
    "gaunt_tensor_product",
    "harmonic_index",
    "rotation_from_angles",
    "s2grid_gaunt_tensor_product",
    "select_method",
    "spherical_harmonics",
    "wigner_D_block_diagonal",
    "wigner_D_blocks",
    "wigner_D_from_angles",
    "wigner_D_from_matrix",
]
