"""Adapters that carry known, real-world bugs — the suite must flag each one, by the right property.

Each wraps the so3 builtin adapter and breaks exactly one thing, and provides only the capability it breaks:

- ``buggy-real-gaunt-sign`` (:class:`RealGauntSignBug`) — the symptom of sympy's ``real_gaunt`` before late
  2024 (sympy issue 25321, fixed by PR 27167): coefficients with two negative orders came out with the wrong sign,
  e.g. ``real_gaunt(1, 1, 2, -1, 1, -2)`` gave ``−√15/(10√π)`` instead of ``+√15/(10√π)``. Reproduced as a
  wrong sign whenever ``m3 < 0`` (then exactly one other order is negative), which includes that example.
  Caught by the real Gaunt **values** (and symmetry) tests.
- ``buggy-sh-negative-m`` (:class:`NegativeMSignFlip`) — real harmonics with every ``m < 0`` component
  sign-flipped, as in the official Gaunt tensor product code relative to e3nn. Caught by the **values** test;
  the normalization test passes (it is sign-blind), which is why both exist.
- ``buggy-coupling-float32`` (:class:`Float32CouplingTensors`) — coupling tensors built in float32 and used as
  float64 (declared dtype float64). Caught by the coupling tensor **values** test (≈ 10⁸ ε) and equivariance.
- ``buggy-wigner-d-swapped`` (:class:`SwappedEulerWignerD`) — a Wigner D from Euler angles with α and γ swapped.
  Still unitary (the unitarity test passes); caught by **values**, **equivariance** and **homomorphism** (the
  swap turns D into an anti-homomorphism).
"""

from __future__ import annotations

import numpy as np

from assay.conformance.adapters.protocol import Capability
from assay.conformance.so3.builtin import So3Builtin

__all__ = ["Float32CouplingTensors", "NegativeMSignFlip", "RealGauntSignBug", "SwappedEulerWignerD"]


class _OneCapability(So3Builtin):
    """The so3 builtin adapter reduced to one (broken) capability."""

    capability_name = ""
    bug = ""

    def __init__(self, **options: str) -> None:
        super().__init__(**options)
        self.name = f"buggy:{self.bug}"

    # each subclass defines ``broken(self, *args)``, the capability with its bug

    def capabilities(self) -> dict[str, Capability]:
        return {self.capability_name: Capability(self.capability_name, self.broken, note=self.__doc__ or "")}


class RealGauntSignBug(_OneCapability):
    """Real Gaunt coefficients with the wrong sign when m3 < 0 (sympy issue 25321)."""

    capability_name = "so3.real_gaunt"
    bug = "real-gaunt-sign"

    def broken(self, l1, l2, l3, m1, m2, m3):
        value = self.real_gaunt(l1, l2, l3, m1, m2, m3)
        return -value if m3 < 0 else value


class NegativeMSignFlip(_OneCapability):
    """Real spherical harmonics with every m < 0 component sign-flipped."""

    capability_name = "so3.spherical_harmonics"
    bug = "sh-negative-m"

    def broken(self, lmax: int, xyz: np.ndarray) -> np.ndarray:
        values = np.array(self.spherical_harmonics(lmax, xyz))
        for l in range(1, lmax + 1):
            values[:, l * l:l * l + l] *= -1  # columns m = −l..−1 of degree l
        return values


class Float32CouplingTensors(_OneCapability):
    """Coupling tensors computed in float32, then cast to float64 (declared dtype float64)."""

    capability_name = "so3.coupling_tensor"
    bug = "coupling-float32"

    def broken(self, l1: int, l2: int, l3: int) -> np.ndarray:
        return self.coupling_tensor(l1, l2, l3).astype(np.float32).astype(np.float64)


class SwappedEulerWignerD(_OneCapability):
    """Wigner D from Euler angles with α and γ swapped."""

    capability_name = "so3.wigner_D"
    bug = "wigner-d-swapped"

    def broken(self, l: int, alpha: float, beta: float, gamma: float) -> np.ndarray:
        return self.wigner_D(l, gamma, beta, alpha)
