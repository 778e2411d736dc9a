"""The ``spherical`` adapter: moble's ``spherical`` (with ``quaternionic``): Wigner 𝔇, spin-weighted harmonics, 3j.

Wrapped:

- ``so3.wigner_D`` — ``spherical.Wigner(l).D(R)`` with ``R = quaternionic.array.from_euler_angles(α, β, γ)``,
  which its documentation defines as ``R = exp(α z/2) exp(β y/2) exp(γ z/2)``: the rotation
  ``R_z(α) R_y(β) R_z(γ)``, i.e. ZYZ. The degree-l block of the flat result (ordered ``ell, mp, m``) is returned as
  a ``(2l+1, 2l+1)`` matrix, rows m' = −l..l, columns m = −l..l. spherical's 𝔇 is the complex conjugate of Edmonds'
  D (``𝔇_{m'm} = e^{+im'α} d_{m'm}(β) e^{+imγ}``): declared as ``so3.wigner_D = "conjugate"``;
- ``so3.wigner_D_matrix`` — the same with ``R = quaternionic.array.from_rotation_matrix(R)``;
- ``so3.spherical_harmonics`` — ``Wigner(lmax).sYlm(0, R)`` with ``R = quaternionic.array.from_spherical_coordinates(θ,
  φ)`` (θ from +z, φ from +x; computed here from the points with ``arctan2``): complex Condon–Shortley
  harmonics, orthonormal, spin weight 0, ordered by ``Yindex(ell, m)`` (l-major, m ascending);
- ``so3.wigner_3j`` — ``spherical.Wigner3j(j1, j2, j3, m1, m2, m3)`` and ``so3.clebsch_gordan`` —
  ``spherical.clebsch_gordan(j1, m1, j2, m2, j3, m3)`` (numba, float64 recursions).

Each convention above was established from spherical's docstrings and checked numerically against assay's
references (D agrees with the conjugated Edmonds D to 6e-16 at l ≤ 3; sYlm with the complex harmonics to 3e-16).

Limits: the 3j/CG functions take integers only (``integer_spins=True``: "Half integer arguments are sacrificed so
that we can use numba"). Arguments are passed through unchanged apart from turning an integral ``Fraction`` into an
``int`` (the robustness chapter sees what spherical does with invalid ones). One ``Wigner`` object is built per
degree and reused. Options: none (float64, CPU).

Measured (quick and ci profiles): harmonics and D values, unitarity and homomorphism pass; the 3j/CG deep probes
are 14/13 ulp off at j ≈ 100 (contract 4 ulp; e.g. ``Wigner3j(50, 51, 101, 50, -51, 1)``). ``Wigner(1.5)``
accepts a non-integer degree and computes up to l = 1 (the robustness chapter flags the harmonics probe).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.conformance.adapters._numbers import plain_integer
from assay.conformance.adapters.protocol import Adapter, AdapterUnavailable, capability

__all__ = ["SphericalAdapter"]


class SphericalAdapter(Adapter):
    """moble's ``spherical`` under test (see the module docstring)."""

    def __init__(self) -> None:
        try:
            import quaternionic
            import spherical
        except ImportError as error:
            raise AdapterUnavailable(
                f"spherical is not installed ({error}); pip install spherical quaternionic") from error
        self._spherical = spherical
        self._quaternionic = quaternionic
        self.name = "spherical"
        self.version = getattr(spherical, "__version__", "unknown")
        self.dtype = "float64"
        self.device = "cpu"
        self.conventions = {
            "so3.basis": "complex",
            "so3.normalization": "integral",
            "so3.phase": "condon_shortley",
            "so3.polar_axis": "z",
            "so3.m_order": "ascending",
            "so3.euler": "zyz",
            "so3.wigner_D": "conjugate",
        }
        self._wigner: dict[Any, Any] = {}

    def _wigner_of(self, ell_max: Any) -> Any:
        if ell_max not in self._wigner:
            self._wigner[ell_max] = self._spherical.Wigner(ell_max)
        return self._wigner[ell_max]

    def _block(self, l: Any, rotor: Any) -> np.ndarray:
        l = plain_integer(l)
        wigner = self._wigner_of(l)
        flat = np.asarray(wigner.D(rotor))
        start = wigner.Dindex(l, -l, -l)
        return flat[start:start + (2 * l + 1) ** 2].reshape(2 * l + 1, 2 * l + 1)

    @capability("so3.wigner_D")
    def wigner_D(self, l: int, alpha: float, beta: float, gamma: float) -> np.ndarray:
        rotor = self._quaternionic.array.from_euler_angles(float(alpha), float(beta), float(gamma))
        return self._block(l, rotor)

    @capability("so3.wigner_D_matrix")
    def wigner_D_matrix(self, l: int, R: np.ndarray) -> np.ndarray:
        rotor = self._quaternionic.array.from_rotation_matrix(np.asarray(R, dtype=np.float64))
        return self._block(l, rotor)

    @capability("so3.spherical_harmonics")
    def spherical_harmonics(self, lmax: int, xyz: np.ndarray) -> np.ndarray:
        points = np.asarray(xyz, dtype=np.float64).reshape(-1, 3)
        theta = np.arctan2(np.hypot(points[:, 0], points[:, 1]), points[:, 2])
        phi = np.arctan2(points[:, 1], points[:, 0])
        rotors = self._quaternionic.array.from_spherical_coordinates(theta, phi)
        values = np.asarray(self._wigner_of(plain_integer(lmax)).sYlm(0, rotors))
        return values.reshape(len(points), -1)

    @capability("so3.wigner_3j", integer_spins=True)
    def wigner_3j(self, j1, j2, j3, m1, m2, m3) -> float:
        return float(self._spherical.Wigner3j(*(plain_integer(v) for v in (j1, j2, j3, m1, m2, m3))))

    @capability("so3.clebsch_gordan", integer_spins=True)
    def clebsch_gordan(self, j1, j2, j3, m1, m2, m3) -> float:
        j1, j2, j3, m1, m2, m3 = (plain_integer(v) for v in (j1, j2, j3, m1, m2, m3))
        return float(self._spherical.clebsch_gordan(j1, m1, j2, m2, j3, m3))
