"""The ``wigners`` adapter: the Rust ``wigners`` package (Clebsch–Gordan, 3j, CG arrays, Wigner D).

Wrapped:

- ``so3.clebsch_gordan`` — ``wigners.clebsch_gordan(j1, m1, j2, m2, j3, m3)`` (note wigners' argument order,
  ⟨j1 m1; j2 m2 | j3 m3⟩, Condon–Shortley), reordered from the suite's sympy order;
- ``so3.wigner_3j`` — ``wigners.wigner_3j(j1, j2, j3, m1, m2, m3)``;
- ``so3.coupling_tensor`` — ``wigners.clebsch_gordan_array(l1, l2, l3)``, the complex-basis CG array
  (index ``m + j``), taken to the real (Wikipedia) basis by the exact complex → real change of basis
  ``C = i^(l1+l2−l3) Σ U1 U2 conj(U3) CG`` (:func:`assay.reference.so3.change_of_basis`), so the normalization is
  ``cg`` (Σ_{m1 m2} C² = 1 per m3). wigners has no real-basis tensor of its own: this tests its CG array, and the
  basis change adds ≲ 1 ε;
- ``so3.wigner_D`` — ``wigners.wigner_D_array(l, α, β, γ)[l]``: complex basis, Edmonds' convention
  ``D_{m'm} = ⟨l m'| e^{−iαJz} e^{−iβJy} e^{−iγJz} |l m⟩`` (ZYZ, rows m', columns m, both −l..l), as its docstring
  states and the suite's values test confirms.

Limits: integer angular momenta only — the C interface takes ``uint32`` j and ``int32`` m — so CG and 3j declare
``integer_spins=True`` (half-integer cases are "not provided"). Arguments are passed through unchanged apart from
turning an integral ``Fraction`` into an ``int``: what wigners does with an invalid argument is what the robustness
chapter observes. wigners *aborts the process* (a non-unwinding Rust panic, SIGABRT) on some of them, e.g.
``wigner_3j(1, 1, 1, 2, 0, -2)`` (|m| > j), ``clebsch_gordan`` with |m3| > j3 and ``wigner_D_array(-1, …)``; a
negative j wraps around to 2³²−1 in ``ctypes`` and gives 0. Valid arguments return Python floats.

Measured (quick and ci profiles): every value, symmetry, orthogonality, coupling-tensor and Wigner D test passes;
the deep probes fail the 4-ulp contract — ``wigner_3j(50, 51, 101, 50, -51, 1)`` ≈ 1.17e-31 is 85 ulp off (CG up
to 76 ulp) at j ≈ 100, where WIGXJPF is exact — and the robustness chapter records the aborts above.

Options: none (wigners computes in float64 on the CPU).
"""

from __future__ import annotations

import numpy as np

from assay.conformance.adapters._numbers import plain_integer
from assay.conformance.adapters.protocol import Adapter, AdapterUnavailable, capability

__all__ = ["WignersAdapter"]


class WignersAdapter(Adapter):
    """``wigners`` under test (see the module docstring)."""

    def __init__(self) -> None:
        try:
            import wigners
        except (ImportError, OSError) as error:
            raise AdapterUnavailable(f"wigners is not installed ({error}); pip install wigners") from error
        from importlib.metadata import PackageNotFoundError, version

        self._wigners = wigners
        self.name = "wigners"
        try:
            self.version = version("wigners")
        except PackageNotFoundError:  # pragma: no cover
            self.version = "unknown"
        self.dtype = "float64"
        self.device = "cpu"
        self.conventions = {
            "so3.basis": "complex",
            "so3.normalization": "integral",
            "so3.phase": "condon_shortley",
            "so3.polar_axis": "z",
            "so3.m_order": "ascending",
            "so3.euler": "zyz",
            "so3.wigner_D": "edmonds",
            "so3.coupling": "cg",
        }

    @capability("so3.clebsch_gordan", integer_spins=True)
    def clebsch_gordan(self, j1, j2, j3, m1, m2, m3) -> float:
        j1, j2, j3, m1, m2, m3 = (plain_integer(v) for v in (j1, j2, j3, m1, m2, m3))
        return self._wigners.clebsch_gordan(j1, m1, j2, m2, j3, m3)

    @capability("so3.wigner_3j", integer_spins=True)
    def wigner_3j(self, j1, j2, j3, m1, m2, m3) -> float:
        return self._wigners.wigner_3j(*(plain_integer(v) for v in (j1, j2, j3, m1, m2, m3)))

    @capability("so3.coupling_tensor",
                note="wigners.clebsch_gordan_array (complex basis) taken to the real basis by assay's exact "
                     "change of basis")
    def coupling_tensor(self, l1: int, l2: int, l3: int) -> np.ndarray:
        from assay.reference.so3.basis import change_of_basis

        l1, l2, l3 = (plain_integer(v) for v in (l1, l2, l3))
        cg = self._wigners.clebsch_gordan_array(l1, l2, l3)
        u1, u2, u3 = (change_of_basis(l, "complex", "real") for l in (l1, l2, l3))
        tensor = (1j ** ((l1 + l2 - l3) % 4)) * np.einsum("ai,bj,ck,ijk->abc", u1, u2, u3.conj(), cg)
        return np.ascontiguousarray(tensor.real)

    @capability("so3.wigner_D")
    def wigner_D(self, l: int, alpha: float, beta: float, gamma: float) -> np.ndarray:
        l = plain_integer(l)
        return self._wigners.wigner_D_array(l, float(alpha), float(beta), float(gamma))[l]
