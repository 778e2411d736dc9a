"""How much each conformance profile checks, per domain (degrees, points, rotations, deep probes…).

Each domain declares its rows (``Domain.sizes``: ``quick``, ``ci``, ``thorough``); ``--assay-profile`` picks a
row, and the Hypothesis settings of the same name (``assay.core.profiles``) are loaded too. Without the option the
``ci`` row is used.
"""

from __future__ import annotations

from typing import Any

__all__ = ["DEFAULT_PROFILE", "PROFILES", "sizes"]

DEFAULT_PROFILE = "ci"
PROFILES = ("quick", "ci", "thorough")


def sizes(profile: str | None, domain: str) -> dict[str, Any]:
    """The size row of ``profile`` (``None`` → ``ci``) for ``domain``."""
    from assay.conformance.registry import domains

    name = profile or DEFAULT_PROFILE
    if name not in PROFILES:
        raise ValueError(f"profile must be one of {', '.join(PROFILES)}; got {name!r}")
    registered = domains()
    if domain not in registered:
        raise ValueError(f"domain must be one of {', '.join(registered)}; got {domain!r}")
    return dict(registered[domain].sizes.get(name, {}))
