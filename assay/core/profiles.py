"""Hypothesis profiles used by assay's tests and by the conformance suite.

- ``ci``: **the default** — derandomized (fixed seeds: the same examples on every run, so a verdict never flips
  between runs), 30 examples, no database, no deadline.
- ``quick``: derandomized, 10 examples.
- ``dev``: randomized exploration, opt-in — 50 examples, no deadline (numeric and GPU code has first-call costs).
- ``thorough``: randomized exploration, opt-in (nightly) — 1000 examples, no deadline.

Every profile prints the ``@reproduce_failure`` blob of a failing example (``print_blob``) besides the example
itself, so a failure found by random exploration can be replayed. Each is registered with ``parent=``
Hypothesis' own default profile, so it never inherits whichever profile happened to be active.
:func:`load_profile` picks an explicit name, else ``$ASSAY_PROFILE``, else ``ci`` — with or without ``$CI``.
"""

from __future__ import annotations

import os

__all__ = ["DEFAULT_PROFILE", "DERANDOMIZED", "PROFILES", "load_profile", "register_profiles"]

PROFILES = ("dev", "ci", "thorough", "quick")
#: The profile used when none is named: derandomized, so a gating run is deterministic.
DEFAULT_PROFILE = "ci"
#: Profiles with fixed seeds; the others explore at random and are opt-in.
DERANDOMIZED = frozenset({"ci", "quick"})


_registered = False


def register_profiles() -> None:
    """Register assay's profiles with Hypothesis (once per process; later calls do nothing)."""
    global _registered
    from hypothesis import HealthCheck, settings

    if _registered:
        return

    parent = settings.get_profile("default")
    common = {"deadline": None, "print_blob": True,
              "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}
    settings.register_profile("quick", parent=parent, max_examples=10, derandomize=True, database=None, **common)
    settings.register_profile("dev", parent=parent, max_examples=50, **common)
    settings.register_profile("ci", parent=parent, max_examples=30, derandomize=True, database=None, **common)
    settings.register_profile("thorough", parent=parent, max_examples=1000, **common)
    _registered = True


def load_profile(name: str | None = None) -> str:
    """Load and return the profile ``name``, else ``$ASSAY_PROFILE``, else ``ci`` (derandomized).

    Randomized exploration (``dev``, ``thorough``) is opt-in: name it, or set ``ASSAY_PROFILE``.
    """
    from hypothesis import settings

    if name is not None and not isinstance(name, str):
        raise TypeError(f"name must be a str, one of {', '.join(PROFILES)}; got {type(name).__name__}")
    source = "name" if name is not None else "$ASSAY_PROFILE"
    chosen = name if name is not None else (os.environ.get("ASSAY_PROFILE", "").strip() or DEFAULT_PROFILE)
    if chosen not in PROFILES:
        raise ValueError(f"{source} must be one of {', '.join(PROFILES)}; got {chosen!r}")
    register_profiles()
    settings.load_profile(chosen)
    return chosen
