"""The ``builtin`` adapter: assay's own implementation of every registered domain, held to the same suite as any peer.

It is composed of one builtin adapter per domain (``Domain.builtin``, e.g.
:class:`assay.conformance.so3.builtin.So3Builtin`), each with its own options. Options given as
``builtin[key=value,...]`` go to every domain builtin that takes ``key`` (``dtype`` and ``device`` are taken by
all); ``builtin[so3.method=fourier]`` addresses one domain. An option no domain takes is refused with the list of
those that are taken.
"""

from __future__ import annotations

import inspect
from typing import Any

from assay.conformance.adapters.protocol import Adapter, Capability, assay_version

__all__ = ["BuiltinAdapter", "domain_builtins"]


def _builtin_class(target: str) -> type:
    import importlib

    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute)


def domain_builtins() -> dict[str, type]:
    """The builtin adapter class of every registered domain that has one."""
    from assay.conformance.registry import domains

    return {name: _builtin_class(domain.builtin) for name, domain in domains().items() if domain.builtin}


def _parameters(klass: type) -> set[str]:
    return {name for name in inspect.signature(klass.__init__).parameters if name != "self"}


class BuiltinAdapter(Adapter):
    """assay's references and kernels for every domain (see the module docstring)."""

    name = "builtin"

    def __init__(self, **options: str) -> None:
        classes = domain_builtins()
        per_domain: dict[str, dict[str, Any]] = {name: {} for name in classes}
        taken: dict[str, set[str]] = {name: _parameters(klass) for name, klass in classes.items()}
        for key, value in options.items():
            domain, dot, option = key.partition(".")
            if dot:
                if domain not in classes or option not in taken[domain]:
                    known = ", ".join(f"{d}.{o}" for d in classes for o in sorted(taken[d]))
                    raise ValueError(f"builtin option {key!r} is not taken by any domain; options: {known}")
                per_domain[domain][option] = value
                continue
            receivers = [name for name in classes if key in taken[name]]
            if not receivers:
                known = sorted(set().union(*taken.values()))
                raise ValueError(f"builtin option {key!r} is not taken by any domain; options: {', '.join(known)}")
            for name in receivers:
                per_domain[name][key] = value
        self.parts = {name: klass(**per_domain[name]) for name, klass in classes.items()}
        first = next(iter(self.parts.values()))
        self.dtype = first.dtype
        self.device = first.device
        self.version = assay_version()
        self.conventions = {}
        for part in self.parts.values():
            self.conventions.update(part.conventions)

    def capabilities(self) -> dict[str, Capability]:
        found: dict[str, Capability] = {}
        for part in self.parts.values():
            found.update(part.capabilities())
        return found

