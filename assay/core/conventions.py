"""The registry of named conventions.

Conventions are data, not folklore: every basis, normalization, phase, axis order, Euler order, ε scaling or
kernel parameterization that assay supports is a :class:`Convention` with a name, its aliases, its formula and a
description of its exact conversion to the default. Domain modules register theirs at import time (e.g.
``assay.reference.so3.conventions``); functions resolve user-supplied names through :func:`resolve`, so a misspelt
name fails with the list of valid ones.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Convention", "default", "default_name", "get", "kinds", "names", "register", "resolve"]


@dataclass(frozen=True)
class Convention:
    """One named convention of one kind (e.g. kind ``"so3.normalization"``, name ``"component"``)."""

    kind: str
    name: str
    formula: str
    description: str
    aliases: tuple[str, ...] = ()
    default: bool = False
    conversion: str = ""


_REGISTRY: dict[str, dict[str, Convention]] = {}
_ALIASES: dict[str, dict[str, str]] = {}


def register(convention: Convention) -> Convention:
    """Add ``convention`` to the registry (idempotent for an identical re-registration)."""
    if not isinstance(convention, Convention):
        raise TypeError(f"convention must be a Convention, got {type(convention).__name__}")
    by_name = _REGISTRY.setdefault(convention.kind, {})
    aliases = _ALIASES.setdefault(convention.kind, {})
    existing = by_name.get(convention.name)
    if existing is not None and existing != convention:
        raise ValueError(f"convention {convention.kind}:{convention.name} is already registered differently")
    if convention.default and any(c.default and c.name != convention.name for c in by_name.values()):
        raise ValueError(f"kind {convention.kind} already has a default convention")
    by_name[convention.name] = convention
    for key in (convention.name, *convention.aliases):
        owner = aliases.get(key.lower())
        if owner is not None and owner != convention.name:
            raise ValueError(f"alias {key!r} of {convention.kind} already names {owner!r}")
        aliases[key.lower()] = convention.name
    return convention


def kinds() -> list[str]:
    """All registered kinds of convention."""
    return sorted(_REGISTRY)


def names(kind: str) -> list[str]:
    """The canonical names registered for ``kind``."""
    if kind not in _REGISTRY:
        raise ValueError(f"unknown convention kind {kind!r}; known kinds: {', '.join(kinds())}")
    return sorted(_REGISTRY[kind])


def resolve(kind: str, name: str, argument: str | None = None) -> str:
    """The canonical name for ``name`` (or one of its aliases); a ``ValueError`` lists the valid choices."""
    _check_kind(kind)
    if not isinstance(name, str):
        raise TypeError(f"{argument or kind} must be a str naming a convention, got {type(name).__name__}")
    canonical = _ALIASES.get(kind, {}).get(name.lower())
    if canonical is None:
        choices = ", ".join(f"{n!r}" for n in sorted(_ALIASES.get(kind, {})))
        raise ValueError(f"{argument or kind} must be one of {choices}; got {name!r}")
    return canonical


def get(kind: str, name: str) -> Convention:
    """The :class:`Convention` registered as ``name`` (or an alias) for ``kind``."""
    return _REGISTRY[_check_kind(kind)][resolve(kind, name)]


def _check_kind(kind: object) -> str:
    if not isinstance(kind, str):
        raise TypeError(f"kind must be a str naming a kind of convention, got {type(kind).__name__}")
    if kind not in _REGISTRY:
        raise ValueError(f"kind must be one of {', '.join(sorted(_REGISTRY))}; got {kind!r}")
    return kind


def default(kind: str) -> Convention:
    """The default convention of ``kind``."""
    _check_kind(kind)
    for convention in _REGISTRY.get(kind, {}).values():
        if convention.default:
            return convention
    raise ValueError(f"kind {kind!r} has no default convention")


def default_name(kind: str) -> str:
    """The canonical name of the default convention of ``kind`` (the one source of every default)."""
    return default(kind).name
