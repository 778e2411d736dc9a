"""Hypothesis profiles used by assay's tests and by the conformance suite.

- ``dev``: the default locally — 50 examples, no deadline (numeric and GPU code has first-call costs).
- ``ci``: derandomized (fixed seeds, so CI is deterministic), 30 examples, no database, no deadline.
- ``thorough``: nightly — 1000 examples, no deadline.

Each is registered with ``parent=`` Hypothesis' own default profile, so it never inherits whichever profile
happened to be active. :func:`load_profile` picks ``ci`` when the environment variable ``CI`` is set, unless
``ASSAY_PROFILE`` or an explicit name says otherwise.
"""

from __future__ import annotations

import os

__all__ = ["PROFILES", "load_profile", "register_profiles"]

PROFILES = ("dev", "ci", "thorough", "quick")


def register_profiles() -> None:
    """Register assay's profiles with Hypothesis (safe to call more than once)."""
    from hypothesis import HealthCheck, settings

    parent = settings.get_profile("default")
    common = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}
    settings.register_profile("quick", parent=parent, max_examples=10, derandomize=True, database=None, **common)
    settings.register_profile("dev", parent=parent, max_examples=50, **common)
    settings.register_profile("ci", parent=parent, max_examples=30, derandomize=True, database=None,
                              print_blob=True, **common)
    settings.register_profile("thorough", parent=parent, max_examples=1000, **common)


def load_profile(name: str | None = None) -> str:
    """Load and return the profile ``name``, else ``$ASSAY_PROFILE``, else ``ci`` when ``$CI`` is set, else ``dev``."""
    from hypothesis import settings

    register_profiles()
    chosen = name or os.environ.get("ASSAY_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
    if chosen not in PROFILES:
        raise ValueError(f"profile must be one of {', '.join(PROFILES)}; got {chosen!r}")
    settings.load_profile(chosen)
    return chosen
