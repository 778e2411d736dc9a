"""SO(3) ground truth: exact coupling coefficients, spherical harmonics, Wigner D, the Gaunt tensor product.

Exact values are :class:`~assay.core.exact.SqrtRational` (``float()`` is correctly rounded); functions of angles
are mpmath at any requested precision (``dps``). No torch here. Conventions are named (see ``docs/conventions.md``
and :mod:`assay.reference.so3.conventions`).
"""

from assay.reference.so3 import conventions
from assay.reference.so3.basis import change_of_basis
from assay.reference.so3.coupling import clebsch_gordan, wigner_3j
from assay.reference.so3.gaunt import gaunt, real_gaunt
from assay.reference.so3.real_coupling import real_coupling_tensor
from assay.reference.so3.tables import CouplingTable, clebsch_gordan_table, wigner_3j_table

__all__ = [
    "CouplingTable",
    "change_of_basis",
    "clebsch_gordan",
    "clebsch_gordan_table",
    "conventions",
    "gaunt",
    "real_coupling_tensor",
    "real_gaunt",
    "wigner_3j",
    "wigner_3j_table",
]
