"""Convention fingerprints of every domain: which conventions an implementation uses, found from its outputs alone.

Each domain that can identify conventions names a function in ``Domain.fingerprint`` (for so3,
:func:`assay.conformance.so3.fingerprint.fingerprint`); :func:`fingerprint` runs those whose capabilities the
adapter provides and gathers the results, which ``assay fingerprint`` prints.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FingerprintReport", "fingerprint"]


@dataclass
class FingerprintReport:
    """The fingerprint of each domain the adapter takes part in, keyed by domain name."""

    implementation: str
    results: dict[str, Any] = field(default_factory=dict)

    def text(self) -> str:
        if not self.results:
            return f"{self.implementation}: no domain with a fingerprint is provided"
        return "\n\n".join(result.text() for result in self.results.values())

    def as_dict(self) -> dict:
        return {name: result.as_dict() for name, result in self.results.items()}


def fingerprint(adapter: Any, tolerance: float = 1e-6) -> FingerprintReport:
    """Fingerprint ``adapter`` (an adapter or a spec string) in every domain whose capabilities it provides."""
    from assay.conformance.registry import domains

    if isinstance(adapter, str):
        from assay.conformance.adapters import load_adapter

        adapter = load_adapter(adapter)
    provided = set(adapter.capabilities())
    report = FingerprintReport(getattr(adapter, "name", "implementation"))
    for name, domain in domains().items():
        if not domain.fingerprint or not any(c.name in provided for c in domain.capabilities):
            continue
        module, _, function = domain.fingerprint.partition(":")
        report.results[name] = getattr(importlib.import_module(module), function)(adapter, tolerance=tolerance)
    return report
