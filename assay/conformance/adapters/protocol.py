"""The adapter protocol: how an implementation under test tells the suite what it provides and in which convention.

An adapter is an object with

- ``name`` (str), ``version`` (str), ``device`` (str, e.g. ``"cpu"``), ``dtype`` (``"float64"``, ``"float32"`` or
  ``"exact"``): shown in the report header and the JSON report;
- ``conventions`` (``dict[str, str]``): the conventions its outputs use, keyed by convention kind
  (``"so3.basis"``, ``"so3.normalization"``, ``"so3.phase"``, ``"so3.polar_axis"``, ``"so3.m_order"``,
  ``"so3.euler"``, ``"so3.coupling"``, …). The suite converts its exact references into these conventions, so a
  library in a different but declared convention can pass;
- ``capabilities()`` → ``dict[str, Capability]``: the capabilities it provides. A capability is just a name
  (``"so3.spherical_harmonics"``, ``"optics.lens_laws"``…) with the callable that implements it and optional limits
  (``max_degree``). Tests of a capability that is not listed are skipped as "not provided by <name>";
- ``get(name)`` → the callable of a capability.

The easy way to write one is to subclass :class:`Adapter` and mark methods with :func:`capability`::

    class MyAdapter(Adapter):
        name = "mylib"
        conventions = {"so3.basis": "real", "so3.normalization": "integral", "so3.polar_axis": "z"}

        @capability("so3.spherical_harmonics", max_degree=8)
        def spherical_harmonics(self, lmax, xyz):
            ...

The call signature of each capability, the limits it admits (``max_degree``, ``integer_spins``, ``max_dimension``…)
and the claims it may declare (``complexity``) are registered by its domain: see
:func:`assay.conformance.registry.domains` and ``docs/adapters.md``. A limit or claim the capability does not admit
is refused when the adapter's capabilities are listed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

__all__ = [
    "Adapter",
    "AdapterProtocol",
    "AdapterUnavailable",
    "Capability",
    "assay_version",
    "capability",
]

class AdapterUnavailable(RuntimeError):
    """Raised by an adapter factory when the library it wraps cannot be imported; the suite skips with the reason."""


@dataclass(frozen=True)
class Capability:
    """One provided capability: its name, the callable, and its declared limits and claims (e.g.
    ``{"max_degree": 12}``, ``{"integer_spins": True}``, ``{"complexity": "L^3"}``)."""

    name: str
    function: Callable[..., Any]
    limits: Mapping[str, Any] = field(default_factory=dict)
    note: str = ""


@runtime_checkable
class AdapterProtocol(Protocol):
    """What the suite needs from an implementation under test (see the module docstring)."""

    name: str
    version: str
    device: str
    dtype: str
    conventions: Mapping[str, str]

    def capabilities(self) -> Mapping[str, Capability]: ...

    def get(self, name: str) -> Callable[..., Any]: ...


def capability(name: str, *, note: str = "", **limits: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark an :class:`Adapter` method as the implementation of capability ``name`` (limits as keywords)."""
    if not isinstance(name, str) or not name:
        raise TypeError("capability name must be a non-empty str such as 'so3.spherical_harmonics'")

    def mark(function: Callable[..., Any]) -> Callable[..., Any]:
        function.__assay_capability__ = (name, dict(limits), note)  # type: ignore[attr-defined]
        return function

    return mark


class Adapter:
    """Base class for adapters: collects the methods marked with :func:`capability`.

    Subclasses set ``name``, ``version``, ``device``, ``dtype`` and ``conventions`` as class or instance
    attributes. ``spec`` is filled in by :func:`assay.conformance.adapters.load_adapter` with the string that
    loaded the adapter, so reproduction snippets can load it again.
    """

    name: str = "unnamed"
    version: str = ""
    device: str = "cpu"
    dtype: str = "float64"
    conventions: Mapping[str, str] = {}
    spec: str = ""

    def capabilities(self) -> dict[str, Capability]:
        found: dict[str, Capability] = {}
        for klass in reversed(type(self).__mro__):
            for attribute, value in vars(klass).items():
                marker = getattr(value, "__assay_capability__", None)
                if marker is not None:
                    cap_name, limits, note = marker
                    found[cap_name] = Capability(cap_name, getattr(self, attribute), limits, note)
        return found

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        from assay.conformance.registry import check_declared_limits

        for klass in cls.__mro__:
            for value in vars(klass).values():
                marker = getattr(value, "__assay_capability__", None)
                if marker is not None:
                    check_declared_limits(marker[0], marker[1])

    def provides(self, name: str) -> bool:
        return name in self.capabilities()

    def get(self, name: str) -> Callable[..., Any]:
        try:
            return self.capabilities()[name].function
        except KeyError:
            raise KeyError(f"{self.name} does not provide {name!r}") from None

    def limit(self, name: str, key: str, default: Any = None) -> Any:
        cap = self.capabilities().get(name)
        return default if cap is None else cap.limits.get(key, default)

    def __repr__(self) -> str:
        return f"<assay adapter {self.name} {self.version} ({self.dtype}, {self.device})>"


def assay_version() -> str:
    """The installed version of assay (``unknown`` when run from a source tree that is not installed)."""
    try:
        from importlib.metadata import version

        return version("assay")
    except Exception:
        return "unknown"
