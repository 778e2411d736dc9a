"""Convention fingerprints: which SH convention and coupling-tensor normalization an implementation uses, found
from its outputs alone (its declared conventions are not read, only compared at the end).

- **Spherical harmonics**: the adapter's harmonics for l ≤ 3 at fixed points are compared with the reference of
  every candidate convention — basis (real, complex) × normalization (integral, component, norm) × phase
  (Condon–Shortley, none) × polar axis (z, y) × m order (ascending, descending) — by
  ``max |Y − Y_cand| / ‖Y_l‖``. The best candidate is named when it agrees to ``tolerance`` (1e-6: any float32 or
  float64 implementation of a candidate is far closer; the next-best candidate is O(1) away); otherwise the
  result says that it matches no known convention and how far the nearest is.
- **Coupling tensors**: for a few triples the adapter's tensor ``C`` is fitted to the reference ``cg`` tensor
  (in the m order and phase found above) as ``C ≈ c · C_cg``. The shape residual must be small; the factors ``c``
  name the normalization: ``cg``/``cuequivariance`` (c = 1), ``e3nn`` (c = 1/√(2l3+1)), ``gaunt`` (the real Gaunt
  tensor, c = √((2l1+1)(2l2+1)/(4π)) |⟨l1 0 l2 0|l3 0⟩|, even triples only); the sign of ``c`` is reported too.
- **Euler angles** (when ``so3.wigner_D`` is provided): D at a few angles against the reference in the basis found
  above for each Euler convention (ZYZ, e3nn's Y–X–Y) and, in a complex basis, for Edmonds' D and its complex
  conjugate ("matches the conjugate of ZYZ Edmonds"); from ``so3.wigner_D_matrix`` alone, Edmonds or conjugate.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Fingerprint", "Match", "fingerprint"]

_POINTS = np.array([[0.3, -0.5, 0.81], [-0.72, 0.11, 0.4], [0.05, 0.93, -0.2], [0.6, 0.6, -0.52],
                    [-0.2, -0.3, -0.93]])
_POINTS = _POINTS / np.linalg.norm(_POINTS, axis=1, keepdims=True)
_TRIPLES = [(1, 1, 0), (1, 1, 1), (1, 1, 2), (1, 2, 3), (2, 2, 2), (2, 1, 1)]
_ANGLES = [(0.3, 1.1, -0.7), (2.0, 0.4, 0.9), (-1.2, 2.5, 0.15)]


@dataclass(frozen=True)
class Match:
    """The best candidate for one aspect, its distance, the runner-up, and whether it counts as identified."""

    aspect: str
    convention: dict[str, str]
    distance: float
    identified: bool
    runner_up: dict[str, str] | None = None
    runner_up_distance: float = math.inf
    detail: str = ""

    def describe(self) -> str:
        words = _words(self.aspect, self.convention)
        if self.identified:
            text = f"{words} (agrees to {self.distance:.1e}"
            if self.runner_up is not None:
                text += f"; the next candidate differs by {self.runner_up_distance:.2g}"
            return text + ")" + (f"; {self.detail}" if self.detail else "")
        return (f"matches no known convention; the nearest is {words}, which differs by {self.distance:.3g}"
                + (f"; {self.detail}" if self.detail else ""))


@dataclass
class Fingerprint:
    """The result of :func:`fingerprint`: one :class:`Match` per aspect the adapter provides."""

    implementation: str
    version: str
    declared: dict[str, str]
    matches: dict[str, Match] = field(default_factory=dict)
    not_provided: list[str] = field(default_factory=list)

    def text(self) -> str:
        lines = [f"{self.implementation} {self.version}".strip()]
        for aspect, match in self.matches.items():
            lines.append(f"  {aspect}: {match.describe()}")
            disagreements = [f"{k}={self.declared[k]!r} but found {v!r}" for k, v in match.convention.items()
                             if k in self.declared and match.identified and self.declared[k] != v]
            if disagreements:
                lines.append(f"    declared conventions disagree: {'; '.join(disagreements)}")
        for aspect in self.not_provided:
            lines.append(f"  {aspect}: not provided")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "implementation": self.implementation,
            "version": self.version,
            "declared": self.declared,
            "matches": {k: {"convention": m.convention, "distance": m.distance, "identified": m.identified,
                            "runner_up": m.runner_up, "runner_up_distance": m.runner_up_distance,
                            "description": m.describe()} for k, m in self.matches.items()},
            "not_provided": self.not_provided,
        }


def _words(aspect: str, c: dict[str, str]) -> str:
    if aspect == "spherical harmonics":
        phase = "Condon–Shortley phase" if c["so3.phase"] == "condon_shortley" else "no Condon–Shortley phase"
        return (f"{c['so3.basis']}, {c['so3.normalization']}-normalized, {phase}, polar axis {c['so3.polar_axis']}, "
                f"m {c['so3.m_order']} (−l..l)" if c["so3.m_order"] == "ascending" else
                f"{c['so3.basis']}, {c['so3.normalization']}-normalized, {phase}, polar axis {c['so3.polar_axis']}, "
                f"m descending (l..−l)")
    if aspect == "coupling tensors":
        names = {"cg": "cg / cuequivariance (Σ_{m1 m2} C² = 1 per m3)", "e3nn": "e3nn (Frobenius norm 1)",
                 "gaunt": "real Gaunt tensor"}
        return f"{names[c['so3.coupling']]}, {c['sign']}"
    if aspect in ("Euler angles", "Wigner D"):
        euler = {"zyz": "ZYZ", "e3nn_yxy": "Y–X–Y (e3nn)"}.get(c.get("so3.euler", ""), "")
        if c.get("so3.wigner_D") == "conjugate":
            return f"the conjugate of {euler + ' ' if euler else ''}Edmonds' D"
        if c.get("so3.wigner_D") == "edmonds":
            return f"{euler} (Edmonds)" if euler else "Edmonds' D"
        return euler
    return ", ".join(f"{k}={v}" for k, v in c.items())


def _sh_candidates() -> list[dict[str, str]]:
    keys = ("so3.basis", "so3.normalization", "so3.phase", "so3.polar_axis", "so3.m_order")
    values = (("real", "complex"), ("integral", "component", "norm"), ("condon_shortley", "none"), ("z", "y"),
              ("ascending", "descending"))
    return [dict(zip(keys, combo)) for combo in itertools.product(*values)]


def _sh_distance(got: np.ndarray, candidate: dict[str, str], lmax: int) -> float:
    from assay.conformance.so3.support import reference_sh_numpy, sh_block_norm

    worst = 0.0
    for l in range(lmax + 1):
        expected = reference_sh_numpy(l, _POINTS, candidate)
        block = got[:, l * l:(l + 1) ** 2]
        if np.iscomplexobj(block) != np.iscomplexobj(expected):
            if not np.iscomplexobj(block) or np.abs(block.imag).max() > 0:
                return math.inf
            block = block.real
        norm = sh_block_norm(l, "integral")
        worst = max(worst, float(np.abs(block - expected).max() / norm))
    return worst


def _best(aspect: str, scored: list[tuple[float, dict]], tolerance: float, detail: str = "") -> Match:
    scored = sorted(scored, key=lambda item: item[0])
    best_distance, best = scored[0]
    runner = scored[1] if len(scored) > 1 else (math.inf, None)
    return Match(aspect, best, best_distance, best_distance <= tolerance, runner[1], runner[0], detail)


def _coupling_factors(triple: tuple[int, int, int]) -> dict[str, float | None]:
    from assay.reference.so3.coupling import clebsch_gordan

    l1, l2, l3 = triple
    gaunt = None
    if (l1 + l2 + l3) % 2 == 0:
        gaunt = math.sqrt((2 * l1 + 1) * (2 * l2 + 1) / (4 * math.pi)) * abs(float(clebsch_gordan(l1, l2, l3, 0, 0, 0)))
    return {"cg": 1.0, "e3nn": 1 / math.sqrt(2 * l3 + 1), "gaunt": gaunt}


def _coupling_match(adapter: Any, sh_conventions: dict[str, str], tolerance: float) -> Match:
    from assay.conformance.so3.support import reference_coupling_tensor

    conventions = {**sh_conventions, "so3.coupling": "cg"}
    function = adapter.get("so3.coupling_tensor")
    factors, residual = [], 0.0
    for triple in _TRIPLES:
        got = np.asarray(function(*triple), dtype=np.float64)
        reference = reference_coupling_tensor(*triple, conventions)
        c = float(np.vdot(reference, got) / np.vdot(reference, reference))
        residual = max(residual, float(np.linalg.norm(got - c * reference) / max(np.linalg.norm(got), 1e-300)))
        factors.append((triple, c))
    scored = []
    for name in ("cg", "e3nn", "gaunt"):
        distance = 0.0
        for triple, c in factors:
            expected = _coupling_factors(triple)[name]
            if expected is None:
                continue
            distance = max(distance, abs(abs(c) - expected) / expected)
        scored.append((max(distance, residual), {"so3.coupling": name}))
    signs = {triple: math.copysign(1.0, c) for triple, c in factors}
    if all(s > 0 for s in signs.values()):
        sign = "sign as e3nn and cuEquivariance"
    elif all(s < 0 for s in signs.values()):
        sign = "overall sign opposite to e3nn and cuEquivariance"
    else:
        sign = "sign opposite to e3nn for " + ", ".join(str(t) for t, s in signs.items() if s < 0)
    for _, convention in scored:
        convention["sign"] = sign
    detail = "" if residual <= tolerance else f"shape residual {residual:.3g} against the invariant tensor"
    return _best("coupling tensors", scored, tolerance, detail)


def _conjugations(sh_conventions: dict[str, str]) -> tuple[str, ...]:
    """Edmonds' D and its complex conjugate differ only in a complex basis (a real D is its own conjugate)."""
    return ("edmonds", "conjugate") if sh_conventions.get("so3.basis") == "complex" else ("edmonds",)


def _euler_match(adapter: Any, sh_conventions: dict[str, str], tolerance: float) -> Match:
    from assay.conformance.so3.support import reference_wigner_D

    function = adapter.get("so3.wigner_D")
    scored = []
    for euler in ("zyz", "e3nn_yxy"):
        for conjugation in _conjugations(sh_conventions):
            conventions = {**sh_conventions, "so3.euler": euler, "so3.wigner_D": conjugation}
            named = {"so3.euler": euler}
            if sh_conventions.get("so3.basis") == "complex":  # Edmonds or its conjugate: a complex-basis question
                named["so3.wigner_D"] = conjugation
            distance = 0.0
            for l in (1, 2):
                for angles in _ANGLES:
                    got = np.asarray(function(l, *angles))
                    expected = reference_wigner_D(l, conventions, angles=angles, dps=20)
                    distance = max(distance, float(np.abs(got - expected).max()))
            scored.append((distance, named))
    return _best("Euler angles", scored, tolerance)


def _matrix_match(adapter: Any, sh_conventions: dict[str, str], tolerance: float) -> Match:
    """Edmonds' D or its conjugate, from ``so3.wigner_D_matrix`` (no Euler convention involved)."""
    from assay.conformance.so3.support import rotation_from_angles

    function = adapter.get("so3.wigner_D_matrix")
    from assay.conformance.so3.support import reference_wigner_D

    scored = []
    for conjugation in _conjugations(sh_conventions):
        conventions = {**sh_conventions, "so3.wigner_D": conjugation}
        distance = 0.0
        for l in (1, 2):
            for angles in _ANGLES:
                matrix = rotation_from_angles(angles, "zyz")
                got = np.asarray(function(l, matrix))
                expected = reference_wigner_D(l, conventions, matrix=matrix, dps=20)
                distance = max(distance, float(np.abs(got - expected).max()))
        scored.append((distance, {"so3.wigner_D": conjugation}))
    return _best("Wigner D", scored, tolerance)


def fingerprint(adapter: Any, tolerance: float = 1e-6) -> Fingerprint:
    """Identify the conventions of ``adapter`` (an adapter or a spec string) from its outputs alone."""
    if isinstance(adapter, str):
        from assay.conformance.adapters import load_adapter

        adapter = load_adapter(adapter)
    capabilities = adapter.capabilities()
    result = Fingerprint(adapter.name, getattr(adapter, "version", ""), dict(adapter.conventions))
    sh_conventions = {k: adapter.conventions[k] for k in ("so3.basis", "so3.normalization", "so3.phase",
                                                            "so3.polar_axis", "so3.m_order")
                      if k in adapter.conventions}
    if "so3.spherical_harmonics" in capabilities:
        lmax = min(3, capabilities["so3.spherical_harmonics"].limits.get("max_degree", 3))
        got = np.asarray(adapter.get("so3.spherical_harmonics")(lmax, _POINTS))
        scored = [(_sh_distance(got, c, lmax), c) for c in _sh_candidates()]
        match = _best("spherical harmonics", scored, tolerance)
        result.matches["spherical harmonics"] = match
        if match.identified:
            sh_conventions = match.convention
    else:
        result.not_provided.append("spherical harmonics")
    sh_conventions = {"so3.basis": "real", "so3.normalization": "integral", "so3.phase": "condon_shortley",
                      "so3.polar_axis": "z", "so3.m_order": "ascending", **sh_conventions}
    if "so3.coupling_tensor" in capabilities:
        result.matches["coupling tensors"] = _coupling_match(adapter, {**sh_conventions, "so3.basis": "real"},
                                                             tolerance)
    else:
        result.not_provided.append("coupling tensors")
    if "so3.wigner_D" in capabilities:
        result.matches["Euler angles"] = _euler_match(adapter, sh_conventions, tolerance)
    elif "so3.wigner_D_matrix" in capabilities:
        result.matches["Wigner D"] = _matrix_match(adapter, sh_conventions, tolerance)
    return result
