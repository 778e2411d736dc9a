"""SO(3) ground truth: exact coupling coefficients, spherical harmonics, Wigner D, the Gaunt tensor product.

Exact values are :class:`~assay.core.exact.SqrtRational` (``float()`` is correctly rounded); functions of angles
are mpmath at any requested precision (``dps``). No torch here. Conventions are named (see ``docs/conventions.md``
and :mod:`assay.reference.so3.conventions`).

**Size limits.** Exact and high-precision work grows fast with the degree, so each function refuses degrees (and
precisions) beyond its stated limit with a ``ValueError`` before computing anything:

- ``wigner_3j``, ``clebsch_gordan``, ``gaunt``, ``real_gaunt``, ``wigner_small_d``: ``j, l ≤ 1000``;
- ``spherical_harmonic``: ``l ≤ 10000``; ``spherical_harmonics``, ``spherical_harmonics_xyz``: ``l ≤ 500``;
  ``spherical_harmonics_numpy``: ``l ≤ 1000``;
- ``wigner_D``, ``wigner_D_from_matrix``, ``wigner_D_from_quaternion``, ``wigner_small_d_matrix``: ``l ≤ 100``;
  ``wigner_small_d_half_pi_exact``: ``l ≤ 64``;
- ``real_coupling_tensor``: ``l1, l2, l3 ≤ 32``; ``change_of_basis``: ``l ≤ 1000`` (``l ≤ 32`` to or from e3nn's
  basis, and ``real_to_e3nn_entries``); ``sh_to_fourier``, ``fourier_to_sh``: ``l, umax ≤ 128``;
- ``gaunt_tensor_product`` (reference): ``L1, L2 ≤ 8``;
- every ``dps ≤ 10000`` (:data:`assay.core.validation.MAX_DPS`); every tolerance ``atol`` finite and ``>= 0``.
"""

from assay.reference.so3 import conventions
from assay.reference.so3.basis import E3NN_BASIS, change_of_basis, real_to_e3nn_entries
from assay.reference.so3.coupling import clebsch_gordan, wigner_3j
from assay.reference.so3.fourier import fourier_to_sh, sh_to_fourier
from assay.reference.so3.gaunt import gaunt, real_gaunt
from assay.reference.so3.harmonics import (
    spherical_harmonic,
    spherical_harmonics,
    spherical_harmonics_numpy,
    spherical_harmonics_xyz,
)
from assay.reference.so3.real_coupling import real_coupling_tensor
from assay.reference.so3.rotations import (
    euler_from_matrix,
    matrix_from_euler,
    matrix_from_quaternion,
    quaternion_from_euler,
    quaternion_from_matrix,
)
from assay.reference.so3.tables import CouplingTable, clebsch_gordan_table, wigner_3j_table
from assay.reference.so3.tensor_product import gaunt_tensor_product
from assay.reference.so3.wigner import (
    wigner_D,
    wigner_D_from_matrix,
    wigner_D_from_quaternion,
    wigner_small_d,
    wigner_small_d_half_pi_exact,
    wigner_small_d_matrix,
)

__all__ = [
    "E3NN_BASIS",
    "CouplingTable",
    "change_of_basis",
    "clebsch_gordan",
    "clebsch_gordan_table",
    "conventions",
    "euler_from_matrix",
    "fourier_to_sh",
    "gaunt",
    "gaunt_tensor_product",
    "matrix_from_euler",
    "matrix_from_quaternion",
    "quaternion_from_euler",
    "quaternion_from_matrix",
    "real_coupling_tensor",
    "real_gaunt",
    "real_to_e3nn_entries",
    "sh_to_fourier",
    "spherical_harmonic",
    "spherical_harmonics",
    "spherical_harmonics_numpy",
    "spherical_harmonics_xyz",
    "wigner_3j",
    "wigner_3j_table",
    "wigner_D",
    "wigner_D_from_matrix",
    "wigner_D_from_quaternion",
    "wigner_small_d",
    "wigner_small_d_half_pi_exact",
    "wigner_small_d_matrix",
]
