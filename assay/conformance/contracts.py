"""The contracts: capability × measure × dtype → the bound, its unit, and why that bound.

Each domain declares its contracts (:class:`~assay.conformance.registry.ContractSpec`) in its ``domain.py``; this
module turns them into one table (:func:`contracts`), read by the chapters, the JSON report and the docs.

Units:

- ``ulp`` — ``|actual − exact| / ulp(exact)`` in the format of the dtype (``assay.core.errors.ulp_error``), for
  scalars with an exact value. For an adapter that returns exact values (dtype ``exact``) the bound is 0: any
  difference, however small, is a failure. A structural zero (a selection rule) must be exactly zero.
- ``eps`` — an error relative to a stated natural scale, in units of the machine epsilon ε of the dtype
  (2⁻⁵² for float64, 2⁻²³ for float32). The scale is written in each contract (e.g. ``‖Y_l(r)‖``), so values near
  zero are measured against the size of what they belong to and ill-conditioned points cannot fail a correct kernel.
- ``rel`` — a plain relative error against the stated scale (used where the algorithm, not the dtype, sets the
  accuracy: iterative solvers, reverse-mode derivatives through several evaluation orders).
- ``count`` — an operation count that must equal a closed form; the bound is the allowed difference (0).
- ``stat`` — a statistical test on Monte-Carlo samples drawn with fixed seeds: the statistic (say, a z-score) has a
  known distribution for a correct implementation, and the bound is its quantile at ``1 − false_alarm``, so a
  correct implementation fails with probability at most ``false_alarm`` — and, the seeds being fixed, the verdict
  is the same on every run.
- ``exponent`` — complexity: the FLOP count of the adapter, measured over a range of sizes, is fitted by
  ``c · size^p``; ``p`` minus the exponent the adapter declares (e.g. ``complexity="L^3"``) must not exceed the bound.

A bound is chosen so that a correct implementation passes with room to spare at every size the suite uses and a
real mistake — a wrong sign, a wrong normalization, a float32 ingredient in a float64 result (≈ 2²⁹ ε), a swapped
angle — fails by orders of magnitude. The "why" of each entry says which.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

__all__ = ["EPS", "Contract", "contract_for", "contracts", "contracts_markdown"]

EPS = {"float64": 2.0**-52, "float32": 2.0**-23, "exact": 2.0**-52}

_EXACT_WHY = "an exact value must equal the exact reference exactly"
_FLOAT32_WHY = " In float32 the same multiple of ε (2⁻²³) applies: the algorithms are the same, only ε changes."


@dataclass(frozen=True)
class Contract:
    """A bound for one capability, one measure and one dtype."""

    capability: str
    measure: str
    dtype: str
    bound: float
    unit: str
    scale: str
    why: str
    false_alarm: float | None = None
    statistic: str = ""

    def describe(self) -> str:
        scale = f" of {self.scale}" if self.unit in ("eps", "rel") and self.scale else ""
        alarm = f", false alarm {self.false_alarm:g}" if self.false_alarm else ""
        return f"{self.bound:g} {self.unit}{scale} ({self.dtype}{alarm})"

    def to_absolute(self, error_in_unit: float) -> float:
        """An ``eps`` error converted back to a plain relative number (other units are returned unchanged)."""
        return error_in_unit * EPS[self.dtype] if self.unit == "eps" else error_in_unit

    def as_dict(self) -> dict:
        out = {
            "capability": self.capability,
            "measure": self.measure,
            "dtype": self.dtype,
            "bound": self.bound,
            "unit": self.unit,
            "scale": self.scale,
            "why": self.why,
        }
        if self.unit == "stat":
            out.update(false_alarm=self.false_alarm, statistic=self.statistic)
        return out


@lru_cache(maxsize=1)
def _table() -> dict[tuple[str, str, str], Contract]:
    from assay.conformance.registry import domains

    table: dict[tuple[str, str, str], Contract] = {}
    for domain in domains().values():
        for spec in domain.contracts:
            common = dict(unit=spec.unit, scale=spec.scale, false_alarm=spec.false_alarm, statistic=spec.statistic)
            table[(spec.capability, spec.measure, "float64")] = Contract(
                spec.capability, spec.measure, "float64", spec.bound, why=spec.why, **common)
            f32_bound = spec.bound if spec.float32_bound is None else spec.float32_bound
            f32_why = spec.why + (_FLOAT32_WHY if spec.unit in ("eps", "ulp") and spec.float32_bound is None else "")
            table[(spec.capability, spec.measure, "float32")] = Contract(
                spec.capability, spec.measure, "float32", f32_bound, why=f32_why, **common)
            if spec.exact:
                table[(spec.capability, spec.measure, "exact")] = Contract(
                    spec.capability, spec.measure, "exact", 0.0, "ulp", "", _EXACT_WHY)
    return table


def contracts() -> dict[tuple[str, str, str], Contract]:
    """The contract table of every registered domain, keyed by (capability, measure, dtype)."""
    return dict(_table())


def contract_for(capability: str, measure: str, dtype: str) -> Contract:
    """The contract for ``capability``/``measure`` at ``dtype`` (``exact`` falls back to float64 for non-scalars)."""
    table = _table()
    key = (capability, measure, dtype)
    if key in table:
        return table[key]
    if dtype == "exact" and (capability, measure, "float64") in table:
        return table[(capability, measure, "float64")]
    known = sorted({f"{c}/{m}" for c, m, _ in table if c.split(".")[0] == capability.split(".")[0]})
    raise KeyError(f"no contract for {capability}/{measure} at {dtype}; known in this domain: {', '.join(known)}")


def contracts_markdown() -> str:
    """The contract table as Markdown, one section per domain (used by docs/conformance.md)."""
    from assay.conformance.registry import domains

    table = _table()
    out = []
    for domain in domains().values():
        if not domain.contracts:
            continue
        out += [f"### {domain.title} (`{domain.name}`)", "",
                "| capability | measure | float64 | float32 | exact | why |", "|---|---|---|---|---|---|"]
        for spec in domain.contracts:
            f64 = table[(spec.capability, spec.measure, "float64")]
            f32 = table[(spec.capability, spec.measure, "float32")]
            scale = f" of {spec.scale}" if spec.unit in ("eps", "rel") and spec.scale not in ("", "1") else ""
            alarm = f" (false alarm {spec.false_alarm:g}; {spec.statistic})" if spec.unit == "stat" else ""
            cells = [f"`{spec.capability}`", spec.measure, f"{f64.bound:g} {spec.unit}{scale}{alarm}",
                     f"{f32.bound:g} {spec.unit}", "0 ulp (equal)" if spec.exact else "—", spec.why]
            out.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
        out.append("")
    return "\n".join(out)
