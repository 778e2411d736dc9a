"""The ``pywigxjpf`` adapter: Wigner 3j symbols and Clebsch–Gordan coefficients from WIGXJPF (C, via cffi).

Wrapped: ``pywigxjpf.wig3jj(2j1, 2j2, 2j3, 2m1, 2m2, 2m3)`` — WIGXJPF takes every argument doubled, so
half-integers are odd integers — as ``so3.wigner_3j``; ``so3.clebsch_gordan`` is computed from it with the
Condon–Shortley relation ``⟨j1 m1; j2 m2 | J M⟩ = (−1)^(j1−j2+M) √(2J+1) (j1 j2 J; m1 m2 −M)`` (one extra
multiplication by a correctly rounded square root, so CG carries about one ulp more than 3j).

Conventions: the standard (Condon–Shortley) 3j/CG phases; values are float64.

Limits: WIGXJPF evaluates from prime-factorised factorial tables that must be initialised for the largest 2j:
this adapter calls ``wig_table_init(2·max_spin, 3)`` and ``wig_temp_init(2·max_spin)`` once per process with
``max_spin=200`` by default (option ``max_spin``), and declares that ``max_spin``; half-integer j are supported.

Invalid arguments: WIGXJPF returns 0 for a symbol that violates a selection rule, including |m| > j and negative
j, which the robustness chapter accepts as the conventional zero. An argument that is not a multiple of 1/2 has
no doubled integer form: the conversion raises ``ValueError`` here, before WIGXJPF is called.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from assay.conformance.adapters.protocol import Adapter, AdapterUnavailable, Capability, capability

__all__ = ["PywigxjpfAdapter"]

#: The 2j the WIGXJPF tables of this process were initialised for (the tables are global to the C library).
_TABLES: dict[str, int] = {}


def _twice(value: Any, name: str) -> int:
    """``2 · value`` as an int (WIGXJPF's doubled argument); ValueError when it is not a whole number."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a number, got {value!r}")
    try:
        doubled = 2 * Fraction(value)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be an integer or half-integer number, got {value!r}") from error
    if doubled.denominator != 1:
        raise ValueError(f"{name} must be an integer or a half-integer (WIGXJPF takes 2{name} as an integer), "
                         f"got {value!r}")
    return int(doubled)


class PywigxjpfAdapter(Adapter):
    """``pywigxjpf`` under test (see the module docstring)."""

    def __init__(self, max_spin: int | str = 200) -> None:
        try:
            import pywigxjpf
        except (ImportError, OSError) as error:
            raise AdapterUnavailable(f"pywigxjpf is not installed ({error}); pip install pywigxjpf") from error
        from importlib.metadata import PackageNotFoundError, version

        self.max_spin = int(max_spin)
        if self.max_spin < 1:
            raise ValueError(f"max_spin must be a positive integer, got {max_spin!r}")
        twice = 2 * self.max_spin
        if _TABLES.get("twice_j", -1) < twice:
            if _TABLES:
                pywigxjpf.wig_temp_free()
                pywigxjpf.wig_table_free()
            pywigxjpf.wig_table_init(twice, 3)
            pywigxjpf.wig_temp_init(twice)
            _TABLES["twice_j"] = twice
        self._wig3jj = pywigxjpf.wig3jj
        self.name = "pywigxjpf"
        try:
            self.version = version("pywigxjpf")
        except PackageNotFoundError:  # pragma: no cover
            self.version = "unknown"
        self.dtype = "float64"
        self.device = "cpu"
        self.conventions = {"so3.phase": "condon_shortley"}

    def _three_j_doubled(self, tj1: int, tj2: int, tj3: int, tm1: int, tm2: int, tm3: int) -> float:
        return float(self._wig3jj(tj1, tj2, tj3, tm1, tm2, tm3))

    @capability("so3.wigner_3j")
    def wigner_3j(self, j1, j2, j3, m1, m2, m3) -> float:
        names = ("j1", "j2", "j3", "m1", "m2", "m3")
        return self._three_j_doubled(*(_twice(v, n) for v, n in zip((j1, j2, j3, m1, m2, m3), names)))

    @capability("so3.clebsch_gordan")
    def clebsch_gordan(self, j1, j2, j3, m1, m2, m3) -> float:
        names = ("j1", "j2", "j3", "m1", "m2", "m3")
        tj1, tj2, tj3, tm1, tm2, tm3 = (_twice(v, n) for v, n in zip((j1, j2, j3, m1, m2, m3), names))
        value = self._three_j_doubled(tj1, tj2, tj3, tm1, tm2, -tm3)
        if value == 0.0:
            return 0.0
        # the symbol is non-zero only when j1 − j2 + M is an integer, so the doubled exponent is even here
        sign = -1.0 if ((tj1 - tj2 + tm3) // 2) % 2 else 1.0
        return sign * math.sqrt(tj3 + 1) * value

    def capabilities(self) -> dict[str, Capability]:
        found = super().capabilities()
        return {name: Capability(name, cap.function, {"max_spin": self.max_spin}, cap.note)
                for name, cap in found.items()}
