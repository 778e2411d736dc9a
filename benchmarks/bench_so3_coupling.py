"""asv benchmarks: exact coupling coefficients and tables against sympy (time) and their rounding error (track)."""

from __future__ import annotations

import numpy as np


class CouplingTable:
    """Every 3j symbol with l ≤ L, exact and correctly rounded (cold: the table cache is cleared each time)."""

    params = (6, 10)
    param_names = ("lmax",)
    timeout = 300

    def setup(self, lmax):
        from assay.reference.so3 import tables

        self.tables = tables

    def time_assay_wigner_3j_table(self, lmax):
        self.tables._build.cache_clear()
        self.tables.wigner_3j_table(lmax)

    def time_assay_clebsch_gordan_table(self, lmax):
        self.tables._build.cache_clear()
        self.tables.clebsch_gordan_table(lmax)

    def peakmem_assay_wigner_3j_table(self, lmax):
        self.tables._build.cache_clear()
        self.tables.wigner_3j_table(lmax)


class SympyWigner3j:
    """The same symbols through sympy.physics.wigner.wigner_3j, for the side-by-side ratio (L = 6 only: 7,651)."""

    timeout = 300

    def setup(self):
        from benchmarks.so3_coupling_table import symbols

        self.arguments = list(symbols(6))

    def time_sympy_all_3j_lmax_6(self):
        from sympy.physics.wigner import wigner_3j

        for args in self.arguments:
            float(wigner_3j(*args))


class SingleSymbols:
    """One symbol at a time, uncached: the cost a user pays per call."""

    params = ((5, 20, 60),)
    param_names = ("l",)

    def setup(self, l):
        from assay.reference.so3 import coupling

        self.coupling = coupling
        self.args = (l, l, l, 1, -1, 0) if l % 2 == 0 else (l, l, l - 1, 1, -1, 0)

    def time_assay_wigner_3j_float(self, l):
        self.coupling._wigner_3j_doubled.cache_clear()
        float(self.coupling.wigner_3j(*self.args))

    def time_sympy_wigner_3j_float(self, l):
        from sympy.physics.wigner import wigner_3j

        float(wigner_3j(*self.args))


def track_table_max_ulp_error_lmax_6():
    """Largest error of the L = 6 table against the exact symbols, in ulps (correct rounding: ≤ 0.5)."""
    from assay.core.errors import ulp_error
    from assay.reference.so3.coupling import wigner_3j
    from assay.reference.so3.tables import wigner_3j_table

    table = wigner_3j_table(6)
    exact = [wigner_3j(*key) for key in table.keys.tolist()]
    return float(np.max(ulp_error(table.values, exact)))


track_table_max_ulp_error_lmax_6.unit = "ulp"
