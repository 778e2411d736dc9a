"""The accuracy contracts: capability × measure × dtype → the bound, its unit, and why that bound.

Tests, the JSON report and the docs all read this one table (:data:`CONTRACTS`).

Units:

- ``ulp`` — ``|actual − exact| / ulp(exact)`` in the format of the dtype (``assay.core.errors.ulp_error``). Used
  for scalars with an exact value (CG, 3j, Gaunt). For an adapter that returns exact values (dtype ``exact``) the
  bound is 0: any difference, however small, is a failure.
- ``eps`` — an error relative to a stated natural scale, in units of the machine epsilon ε of the dtype
  (2⁻⁵² for float64, 2⁻²³ for float32). The scale is written in each contract (e.g. ``‖Y_l(r)‖``, the norm of the
  degree-l block, which is the same at every point of the sphere). Values near zero are thus measured against the
  size of what they belong to, not against themselves, so ill-conditioned points cannot fail a correct kernel.

A bound is chosen so that a correct implementation passes with room to spare at every degree the suite uses
(l ≤ 20) and a real mistake — a wrong sign, a wrong normalization, a float32 ingredient in a float64 result
(≈ 2²⁹ ε), a swapped angle — fails by orders of magnitude. The "why" of each entry says which.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CONTRACTS", "EPS", "Contract", "contract_for", "contracts_markdown"]

EPS = {"float64": 2.0**-52, "float32": 2.0**-23, "exact": 2.0**-52}


@dataclass(frozen=True)
class Contract:
    """An accuracy bound for one capability, one measure and one dtype."""

    capability: str
    measure: str
    dtype: str
    bound: float
    unit: str
    scale: str
    why: str

    def describe(self) -> str:
        scale = f" of {self.scale}" if self.unit == "eps" and self.scale else ""
        return f"{self.bound:g} {self.unit}{scale} ({self.dtype})"

    def to_absolute(self, error_in_unit: float) -> float:
        """An ``eps`` error converted back to a plain relative number (``ulp`` errors are returned unchanged)."""
        return error_in_unit * EPS[self.dtype] if self.unit == "eps" else error_in_unit

    def as_dict(self) -> dict:
        return {
            "capability": self.capability,
            "measure": self.measure,
            "dtype": self.dtype,
            "bound": self.bound,
            "unit": self.unit,
            "scale": self.scale,
            "why": self.why,
        }


_EXACT_WHY = "an exact value must equal the exact reference exactly"
_SCALAR_WHY = (
    "±√(p/q) (or ±√(p/q)/√π) needs one square root and one division after exact integer work; a few roundings "
    "give ≤ 2 ulp, and 4 ulp leaves room for a library that evaluates the Racah sum in floating point without "
    "cancellation; catastrophic cancellation (QuTiP gave 8986860 for a value of order 0.1) fails by far"
)

# (capability, measure): (bound for float64 and float32 in their unit, unit, scale, why)
_TABLE: dict[tuple[str, str], tuple[float, str, str, str]] = {
    ("so3.clebsch_gordan", "value"): (4, "ulp", "", _SCALAR_WHY),
    ("so3.wigner_3j", "value"): (4, "ulp", "", _SCALAR_WHY),
    ("so3.gaunt", "value"): (4, "ulp", "", _SCALAR_WHY),
    ("so3.real_gaunt", "value"): (4, "ulp", "", _SCALAR_WHY + "; a sign error is an error of 2|value|"),
    ("so3.clebsch_gordan", "orthogonality"): (
        16, "eps", "1",
        "Σ_{m1 m2} ⟨j1 m1 j2 m2|J M⟩⟨j1 m1 j2 m2|J' M'⟩ = δ δ sums ≤ 2j+1 products of values each within 4 ulp",
    ),
    ("so3.wigner_3j", "symmetry"): (
        8, "ulp", "",
        "the column-permutation and m-reversal symmetries relate two computed values, each within 4 ulp",
    ),
    ("so3.gaunt", "symmetry"): (8, "ulp", "", "permuting the three (l, m) pairs relates two values each within 4 ulp"),
    ("so3.real_gaunt", "symmetry"): (
        8, "ulp", "", "permuting the three (l, m) pairs relates two values each within 4 ulp",
    ),
    ("so3.coupling_tensor", "value"): (
        16, "eps", "max |C_ref| (the largest entry of the reference tensor in the same convention)",
        "entries are short sums of products of correctly rounded factors; a numerically computed null space "
        "(e3nn) reaches ≈ 1 ε; a tensor built in float32 and used as float64 is ≈ 10⁸ ε off",
    ),
    ("so3.coupling_tensor", "equivariance"): (
        256, "eps", "max |C|",
        "contracting C with three Wigner D matrices sums (2l+1)³ products; D itself carries ≲ 10 ε",
    ),
    ("so3.spherical_harmonics", "value"): (
        256, "eps", "‖Y_l(r)‖ (norm of the degree-l block, constant on the sphere)",
        "recurrences in l lose about one ε per step; 256 ε covers l ≤ 20 with room while a sign or "
        "normalization mistake is an O(1) error",
    ),
    ("so3.spherical_harmonics", "normalization"): (
        256, "eps", "‖Y_l‖²",
        "Σ_m |Y_lm(r)|² is the same at every point (addition theorem); sums 2l+1 values each within 256 ε",
    ),
    ("so3.wigner_D", "value"): (
        4096, "eps", "1 (entries of a unitary matrix)",
        "D is built from recurrences or a matrix exponential (e3nn: ‖DDᵀ−I‖ 2.6e-13 ≈ 1200 ε at l = 30); 4096 ε "
        "(≈ 9e-13) allows that and fails a swapped angle or a float32 ingredient",
    ),
    ("so3.wigner_D", "equivariance"): (
        4096, "eps", "‖Y_l(r)‖",
        "Y(Rr) − D(R)Y(r) combines the D error (≤ 4096 ε) with the SH error of the reference",
    ),
    ("so3.wigner_D", "unitarity"): (4096, "eps", "1", "‖D Dᴴ − I‖_max of a unitary matrix built as above"),
    ("so3.wigner_D", "homomorphism"): (
        8192, "eps", "1", "D(R1 R2) − D(R1) D(R2) compares three matrices each within 4096 ε",
    ),
    ("so3.wigner_D_matrix", "value"): (4096, "eps", "1", "as for so3.wigner_D"),
    ("so3.wigner_D_matrix", "equivariance"): (4096, "eps", "‖Y_l(r)‖", "as for so3.wigner_D"),
    ("so3.wigner_D_matrix", "unitarity"): (4096, "eps", "1", "as for so3.wigner_D"),
    ("so3.wigner_D_matrix", "homomorphism"): (8192, "eps", "1", "as for so3.wigner_D"),
    ("so3.gaunt_tensor_product", "value"): (
        1024, "eps", "‖x‖·‖y‖ (the product of the input norms bounds every output coefficient up to √(1/π))",
        "a Fourier or grid route sums O(L²) products of transforms that are each ≈ ε accurate; the official "
        "float32 transforms (2.9e-7 at L=3, 2.4e-4 at L=13) fail a float64 contract",
    ),
    ("so3.gaunt_tensor_product", "equivariance"): (
        1024, "eps", "‖x‖·‖y‖", "z(D x, D y) − D z(x, y) with the reference D; same budget as the values",
    ),
}

_FLOAT32_WHY = " In float32 the same multiple of ε (2⁻²³) applies: the algorithms are the same, only ε changes."


def _build() -> dict[tuple[str, str, str], Contract]:
    table: dict[tuple[str, str, str], Contract] = {}
    for (cap, measure), (bound, unit, scale, why) in _TABLE.items():
        table[(cap, measure, "float64")] = Contract(cap, measure, "float64", bound, unit, scale, why)
        table[(cap, measure, "float32")] = Contract(cap, measure, "float32", bound, unit, scale, why + _FLOAT32_WHY)
        if unit == "ulp":
            table[(cap, measure, "exact")] = Contract(cap, measure, "exact", 0.0, "ulp", "", _EXACT_WHY)
    return table


#: The contract table, keyed by (capability, measure, dtype).
CONTRACTS: dict[tuple[str, str, str], Contract] = _build()


def contract_for(capability: str, measure: str, dtype: str) -> Contract:
    """The contract for ``capability``/``measure`` at ``dtype`` (``exact`` falls back to float64 for non-scalars)."""
    key = (capability, measure, dtype)
    if key in CONTRACTS:
        return CONTRACTS[key]
    if dtype == "exact" and (capability, measure, "float64") in CONTRACTS:
        return CONTRACTS[(capability, measure, "float64")]
    known = sorted({f"{c}/{m}" for c, m, _ in CONTRACTS})
    raise KeyError(f"no accuracy contract for {capability}/{measure} at {dtype}; known: {', '.join(known)}")


def contracts_markdown() -> str:
    """The contract table as Markdown (used by docs/conformance.md)."""
    lines = [
        "| capability | measure | float64 | float32 | exact | why |",
        "|---|---|---|---|---|---|",
    ]
    for (cap, measure), (_, unit, scale, why) in _TABLE.items():
        f64 = CONTRACTS[(cap, measure, "float64")]
        f32 = CONTRACTS[(cap, measure, "float32")]
        exact = CONTRACTS.get((cap, measure, "exact"))
        scale_text = f" of {scale}" if unit == "eps" and scale not in ("", "1") else ""
        lines.append(
            f"| `{cap}` | {measure} | {f64.bound:g} {unit}{scale_text} | {f32.bound:g} {unit} | "
            f"{'0 ulp (equal)' if exact else '—'} | {why} |"
        )
    return "\n".join(lines) + "\n"
