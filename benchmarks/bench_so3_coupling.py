"""asv benchmarks: coupling tables against pywigxjpf, wigners and sympy (time) and their rounding error (track).

The peers are timed exactly as in ``benchmarks/so3_coupling_table.py`` (one call per symbol from a Python loop over
prepared arguments), so the asv ratios and the script's table measure the same thing.
"""

from __future__ import annotations

import numpy as np

from benchmarks.so3_coupling_table import Pywigxjpf, Sympy, Wigners, symbols


class CouplingTable:
    """Every 3j symbol / CG coefficient with l ≤ L, correctly rounded (cold: the table cache is cleared each time)."""

    params = (6, 10, 20)
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


class PeerTables:
    """The same symbols through pywigxjpf (C) and wigners (Rust), one call per symbol: the side-by-side ratio."""

    params = ((10, 20), ("3j", "cg"))
    param_names = ("lmax", "kind")
    timeout = 600

    def setup(self, lmax, kind):
        arguments = list(symbols(lmax))
        try:
            self.pywigxjpf = Pywigxjpf(lmax, kind, arguments)
            self.wigners = Wigners(lmax, kind, arguments)
        except ImportError as error:  # asv skips a benchmark whose setup raises NotImplementedError
            raise NotImplementedError(f"peer not installed: {error}") from error

    def time_pywigxjpf(self, lmax, kind):
        self.pywigxjpf()

    def time_wigners(self, lmax, kind):
        self.wigners()


class SympyWigner3j:
    """The same symbols through sympy.physics.wigner.wigner_3j (L = 6 only: 7,651 symbols in about 1.3 s)."""

    timeout = 300

    def setup(self):
        self.sympy = Sympy(6, "3j", list(symbols(6)))

    def time_sympy_all_3j_lmax_6(self):
        self.sympy()


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


def track_table_fallbacks_lmax_20():
    """How many values of the L = 20 3j table the exact fallback rounded (Ziv's test undecided)."""
    from assay.reference.so3._fast3j import coupling_values

    return coupling_values(20, "3j").fallbacks


track_table_fallbacks_lmax_20.unit = "values"
