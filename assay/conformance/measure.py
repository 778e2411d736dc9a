"""Recording a measured error against its contract, and the failure message a maintainer reads.

A conformance test computes an :class:`~assay.core.errors.ErrorSummary` (max, mean, worst input), then calls
:meth:`Checker.check` with the contract and a reproduction snippet. The measurement is stored on the test item
(``user_properties``, which also travel from pytest-xdist workers) for the JSON report; when the bound is exceeded
the test fails with the measured error, the bound and why, the worst input, and a snippet that reproduces the worst
case in a fresh Python.
"""

from __future__ import annotations

import math
import textwrap
from typing import Any

from assay.conformance.contracts import Contract
from assay.core.errors import to_plain

__all__ = ["MEASURE_KEY", "Checker", "ConformanceFailure", "failure_message"]

MEASURE_KEY = "assay_measure"


class ConformanceFailure(AssertionError):
    """A measured error above its contract bound (or a property that does not hold)."""


def _value_text(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 300 else text[:297] + "..."


def failure_message(adapter_name: str, contract: Contract, summary: Any, what: str, reproduce: str) -> str:
    """The text of a contract failure: measured vs bound, the worst input, a copy-paste snippet."""
    lines = [
        f"{adapter_name}: {what}",
        f"  {contract.capability} / {contract.measure} [{contract.dtype}]: max error {summary.max:.4g} {contract.unit}"
        f" exceeds the bound {contract.bound:g} {contract.unit}"
        + (f" (scale: {contract.scale})" if contract.unit == "eps" and contract.scale else ""),
        f"  mean error {summary.mean:.4g} {contract.unit} over {summary.count} values",
    ]
    if summary.worst_input is not None:
        lines.append(f"  worst input: {_value_text(summary.worst_input)}")
    if summary.worst_actual is not None or summary.worst_expected is not None:
        lines.append(f"  got {_value_text(summary.worst_actual)}, expected {_value_text(summary.worst_expected)}")
    lines.append(f"  why this bound: {contract.why}")
    if reproduce:
        lines.append("  reproduce in a fresh Python:")
        lines.append(textwrap.indent(textwrap.dedent(reproduce).strip("\n"), "    "))
    return "\n".join(lines)


class Checker:
    """Bound to one test item: ``check`` records a measurement and fails the test when it breaks the contract;
    ``compare`` does the whole comparison of an array result with its reference in one call."""

    def __init__(self, item: Any, adapter: Any) -> None:
        self.item = item
        self.adapter = adapter

    def compare(self, capability: str, measure: str, actual: Any, expected: Any, *, scale: Any = 1.0,
                inputs: list | None = None, what: str = "", reproduce: Any = "", dtype: str | None = None) -> Any:
        """Compare ``actual`` with ``expected`` under the contract of ``capability``/``measure``: the shapes must
        agree (an ``AssertionError`` naming both otherwise), the error is measured in the contract's unit
        (``eps``: ``|a − e| / scale`` in ε of the dtype; ``rel``: ``|a − e| / scale``), NaN counts as ∞, and the
        summary (max, mean, worst input with its values) is checked with the reproduction snippet — a string, or
        a function of the summary that writes one for the worst case. Returns the summary."""
        __tracebackhide__ = True
        import numpy as np

        from assay.conformance.contracts import contract_for
        from assay.conformance.support import summarize_eps, summarize_rel

        dtype = dtype or self.adapter.dtype
        got, want = np.asarray(actual), np.asarray(expected)
        if got.shape != want.shape:
            raise AssertionError(f"{getattr(self.adapter, 'name', 'implementation')}: {capability} returned shape "
                                 f"{got.shape}, expected {want.shape}")
        contract = contract_for(capability, measure, dtype)
        kind = np.complex128 if np.iscomplexobj(got) or np.iscomplexobj(want) else np.float64
        difference = got.astype(kind) - want.astype(kind)
        if contract.unit == "eps":
            summary = summarize_eps(difference, scale, dtype, inputs, actual=got, expected=want)
        elif contract.unit == "rel":
            summary = summarize_rel(np.abs(difference), scale, inputs, actual=got, expected=want)
        else:
            raise ValueError(f"compare measures eps or rel contracts; {capability}/{measure} is in {contract.unit}")
        snippet = reproduce(summary) if callable(reproduce) else reproduce
        self.check(summary, contract, what or f"{capability} equals the reference", snippet)
        return summary

    def check(self, summary: Any, contract: Contract, what: str, reproduce: str = "") -> None:
        """Record ``summary`` for the report; raise :class:`ConformanceFailure` when ``summary.max > bound``."""
        __tracebackhide__ = True
        within = bool(summary.max <= contract.bound) and not math.isnan(summary.max)
        record = {
            "what": what,
            "contract": contract.as_dict(),
            "within": within,
            **summary.as_dict(),
        }
        if not within and reproduce:
            record["reproduce"] = textwrap.dedent(reproduce).strip("\n")
        self.item.user_properties.append((MEASURE_KEY, to_plain(record)))
        if not within:
            name = getattr(self.adapter, "name", "implementation")
            raise ConformanceFailure(failure_message(name, contract, summary, what, reproduce))
