"""The ``sympy`` adapter: ``sympy.physics.wigner`` (exact CG, 3j, Gaunt, real Gaunt, Wigner D) and ``sympy.Ynm``.

Conventions: complex Condon–Shortley harmonics (``Ynm``), z polar axis, m = −l..l, Edmonds ZYZ Euler angles
(``wigner_d``; sympy ≥ 1.14 matches Edmonds — earlier versions swapped α and γ). Coupling scalars are exact sympy
numbers. ``Ynm`` is expanded symbolically once per (l, m) and evaluated with mpmath at 30 digits, then rounded to
float64; ``wigner_d`` is evaluated with ``evalf(30)``. sympy has no real-basis coupling tensors and no tensor
product. Declared limits are the suite's patience, not sympy's: Gaunt coefficients to l = 40 (near l = 100 each
takes minutes), harmonics to l = 16 (symbolic expansion of every (l, m) to l = 40 takes tens of minutes).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from assay.conformance.adapters.protocol import Adapter, AdapterUnavailable, capability

__all__ = ["SympyAdapter"]


@lru_cache(maxsize=512)
def _ynm_function(l: int, m: int):
    import sympy

    theta, phi = sympy.symbols("theta phi", real=True)
    return sympy.lambdify((theta, phi), sympy.Ynm(l, m, theta, phi).expand(func=True), "mpmath")


def _angles(point: np.ndarray) -> tuple[Any, Any]:
    import mpmath

    x, y, z = (mpmath.mpf(float(c)) for c in point)
    return mpmath.atan2(mpmath.sqrt(x * x + y * y), z), mpmath.atan2(y, x)


class SympyAdapter(Adapter):
    """``sympy`` under test (see the module docstring)."""

    def __init__(self) -> None:
        try:
            import sympy
            import sympy.physics.wigner
        except ImportError as error:
            raise AdapterUnavailable(f"sympy is not installed ({error}); pip install sympy") from error
        self.name = "sympy"
        self.version = sympy.__version__
        self.dtype = "float64"
        self.device = "cpu"
        self.conventions = {
            "so3.basis": "complex",
            "so3.normalization": "integral",
            "so3.phase": "condon_shortley",
            "so3.polar_axis": "z",
            "so3.m_order": "ascending",
            "so3.euler": "zyz",
        }

    @capability("so3.clebsch_gordan")
    def clebsch_gordan(self, j1, j2, j3, m1, m2, m3):
        from sympy import Rational
        from sympy.physics.wigner import clebsch_gordan

        return clebsch_gordan(*(Rational(v) for v in (j1, j2, j3, m1, m2, m3)))

    @capability("so3.wigner_3j")
    def wigner_3j(self, j1, j2, j3, m1, m2, m3):
        from sympy import Rational
        from sympy.physics.wigner import wigner_3j

        return wigner_3j(*(Rational(v) for v in (j1, j2, j3, m1, m2, m3)))

    # practical limits, not sympy's: its Gaunt coefficients take ~2 min each near l = 100 (the deep probes), and
    # expanding Ynm symbolically for every (l, m) up to l = 40 takes tens of minutes
    @capability("so3.gaunt", max_degree=40)
    def gaunt(self, l1, l2, l3, m1, m2, m3):
        from sympy.physics.wigner import gaunt

        return gaunt(l1, l2, l3, m1, m2, m3)

    @capability("so3.real_gaunt", max_degree=40)
    def real_gaunt(self, l1, l2, l3, m1, m2, m3):
        from sympy.physics.wigner import real_gaunt

        return real_gaunt(l1, l2, l3, m1, m2, m3)

    @capability("so3.spherical_harmonics", max_degree=16)
    def spherical_harmonics(self, lmax: int, xyz: np.ndarray) -> np.ndarray:
        import mpmath

        from assay.core.validation import as_degree

        lmax = as_degree(lmax, "lmax")  # sympy's Ynm itself takes any n; the layout needs lmax >= 0
        points = np.asarray(xyz, dtype=np.float64).reshape(-1, 3)
        out = np.empty((len(points), (lmax + 1) ** 2), dtype=np.complex128)
        with mpmath.workdps(30):
            for row, point in enumerate(points):
                theta, phi = _angles(point)
                for l in range(lmax + 1):
                    for m in range(-l, l + 1):
                        out[row, l * l + l + m] = complex(_ynm_function(l, m)(theta, phi))
        return out

    @capability("so3.wigner_D")
    def wigner_D(self, l: int, alpha: float, beta: float, gamma: float) -> np.ndarray:
        import sympy
        from sympy.physics.wigner import wigner_d

        matrix = wigner_d(l, *(sympy.Float(float(a), 30) for a in (alpha, beta, gamma)))
        return np.array(matrix.evalf(30).tolist(), dtype=np.complex128)
