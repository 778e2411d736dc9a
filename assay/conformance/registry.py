"""The domain registry: each conformance domain registers itself once, and everything else iterates over it.

A domain is one folder, ``assay/conformance/<name>/``, holding

- ``domain.py`` with ``DOMAIN = Domain(...)``: the capabilities with their call signatures, the limits an adapter
  may declare, the accuracy/statistical/complexity contracts, the profile sizes and the builtin adapter;
- ``builtin.py``: assay's own implementation of the domain (an :class:`~assay.conformance.adapters.Adapter`);
- ``support.py`` (optional): helpers its chapters share (reference values in a declared convention…);
- ``test_<name>_<chapter>.py``: the chapters.

The plugin, the contract table, the report, the matrix, the fingerprint command and the docs read the registry, so
adding a domain touches that folder only (plus its ``reference``/``properties``/``kernels`` folders).
Discovery: every sub-package of :mod:`assay.conformance` with a ``domain`` module is a domain. ``domain.py`` must
import nothing heavy (it is read at plugin start-up).

Limits. A capability lists the limits an adapter may declare for it; each :class:`Limit` bounds one *quantity*
that tests attach to their cases (``degree``, ``spin``, ``dimension``, ``steps``…). ``kind="max"`` caps the
quantity; ``kind="integer"`` (a flag) admits integer values only — an integer-only CG library declares
``integer_spins=True`` and is then tested on integers. Cases outside a declared limit are "not provided", never
failures.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Any

__all__ = [
    "CONTRACT_UNITS",
    "CapabilitySpec",
    "ContractSpec",
    "Domain",
    "Limit",
    "allows",
    "capability_spec",
    "check_declared_limits",
    "domain_of",
    "domains",
    "limit_violation",
]

#: The units a contract may be written in (see :mod:`assay.conformance.contracts`).
CONTRACT_UNITS = ("ulp", "eps", "rel", "count", "stat", "exponent")


@dataclass(frozen=True)
class Limit:
    """A limit an adapter may declare on a capability: ``kind="max"`` caps ``quantity``; ``kind="integer"`` (a
    boolean flag) restricts it to integers."""

    name: str
    quantity: str
    kind: str
    doc: str

    def __post_init__(self) -> None:
        if self.kind not in ("max", "integer"):
            raise ValueError(f"Limit.kind must be 'max' or 'integer', got {self.kind!r}")

    def validate(self, value: Any, capability: str) -> None:
        """Refuse a declared value of the wrong type."""
        if self.kind == "integer":
            if not isinstance(value, bool):
                raise TypeError(f"limit {self.name} of {capability} must be True or False, got {value!r}")
        elif isinstance(value, bool) or not isinstance(value, (int, float, Fraction)) or value < 0:
            raise TypeError(f"limit {self.name} of {capability} must be a non-negative number, got {value!r}")

    def violation(self, value: Any, setting: Any) -> str | None:
        """Why ``value`` of the quantity is outside this limit set to ``setting`` (``None`` when inside)."""
        values = value if isinstance(value, (tuple, list)) else (value,)
        if self.kind == "max":
            worst = max(values)
            return None if worst <= setting else f"{self.quantity} {worst} (declared {self.name}={setting})"
        if setting:
            odd = [v for v in values if Fraction(v).denominator != 1]
            return None if not odd else f"{self.quantity} {odd[0]} (declared {self.name}=True)"
        return None


@dataclass(frozen=True)
class CapabilitySpec:
    """A capability: its name (``<domain>.<what>``), the call signature an adapter provides, the limits it may
    declare, the convention kinds it reads, and the claims it may declare (e.g. ``complexity``)."""

    name: str
    signature: str
    limits: tuple[str, ...] = ()
    conventions: tuple[str, ...] = ()
    claims: tuple[str, ...] = ()


@dataclass(frozen=True)
class ContractSpec:
    """An accuracy, statistical or complexity contract of one capability and measure.

    ``bound`` is in ``unit`` (:data:`CONTRACT_UNITS`); ``float32_bound`` overrides it for float32 (default: the same
    multiple of that dtype's ε for ``eps``/``ulp``; required to differ for ``rel``). ``exact=True`` adds an
    ``exact`` row with bound 0 (an exact value must equal the exact reference). ``false_alarm`` is the probability
    that a correct implementation fails a ``stat`` contract; ``statistic`` says what is measured.
    """

    capability: str
    measure: str
    bound: float
    unit: str
    scale: str = ""
    why: str = ""
    float32_bound: float | None = None
    exact: bool = False
    false_alarm: float | None = None
    statistic: str = ""

    def __post_init__(self) -> None:
        if self.unit not in CONTRACT_UNITS:
            raise ValueError(f"ContractSpec.unit must be one of {', '.join(CONTRACT_UNITS)}, got {self.unit!r}")
        if not (isinstance(self.bound, (int, float)) and math.isfinite(self.bound) and self.bound >= 0):
            raise ValueError(f"ContractSpec.bound must be a finite number >= 0, got {self.bound!r}")
        if self.unit == "stat" and not (self.false_alarm and 0 < self.false_alarm < 1):
            raise ValueError(f"a 'stat' contract ({self.capability}/{self.measure}) needs false_alarm in (0, 1)")
        if not self.why:
            raise ValueError(f"contract {self.capability}/{self.measure} needs a 'why'")


@dataclass(frozen=True)
class Domain:
    """One conformance domain (see the module docstring)."""

    name: str
    title: str
    capabilities: tuple[CapabilitySpec, ...]
    limits: tuple[Limit, ...] = ()
    contracts: tuple[ContractSpec, ...] = ()
    sizes: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    builtin: str = ""
    fingerprint: str = ""
    order: int = 100

    def __post_init__(self) -> None:
        object.__setattr__(self, "capabilities", tuple(self.capabilities))
        object.__setattr__(self, "limits", tuple(self.limits))
        object.__setattr__(self, "contracts", tuple(self.contracts))
        limit_names = {limit.name for limit in self.limits}
        for spec in self.capabilities:
            if not spec.name.startswith(self.name + "."):
                raise ValueError(f"capability {spec.name!r} of domain {self.name!r} must start with {self.name}.")
            unknown = set(spec.limits) - limit_names
            if unknown:
                raise ValueError(f"capability {spec.name} names undeclared limits {sorted(unknown)}")
        names = {spec.name for spec in self.capabilities}
        for contract in self.contracts:
            if contract.capability not in names:
                raise ValueError(f"contract for unknown capability {contract.capability!r} in domain {self.name}")
        rows = set(self.sizes)
        if rows and rows != {"quick", "ci", "thorough"}:
            raise ValueError(f"domain {self.name} sizes must have the rows quick, ci, thorough; got {sorted(rows)}")

    def capability(self, name: str) -> CapabilitySpec:
        for spec in self.capabilities:
            if spec.name == name:
                return spec
        raise KeyError(f"domain {self.name} has no capability {name!r}")

    def limit(self, name: str) -> Limit:
        for limit in self.limits:
            if limit.name == name:
                return limit
        raise KeyError(f"domain {self.name} has no limit {name!r}")


@lru_cache(maxsize=1)
def _discover() -> dict[str, Domain]:
    import assay.conformance as package

    found: list[Domain] = []
    for info in pkgutil.iter_modules(package.__path__):
        if not info.ispkg:
            continue
        try:
            module = importlib.import_module(f"assay.conformance.{info.name}.domain")
        except ModuleNotFoundError as error:
            if error.name == f"assay.conformance.{info.name}.domain":
                continue  # a sub-package that is not a domain (adapters)
            raise
        domain = getattr(module, "DOMAIN", None)
        if not isinstance(domain, Domain):
            raise TypeError(f"assay.conformance.{info.name}.domain must define DOMAIN = Domain(...)")
        if domain.name != info.name:
            raise ValueError(f"the domain in folder {info.name!r} is named {domain.name!r}; they must agree")
        found.append(domain)
    return {d.name: d for d in sorted(found, key=lambda d: (d.order, d.name))}


def domains() -> dict[str, Domain]:
    """Every registered domain, in a stable order (``order``, then name)."""
    return dict(_discover())


def domain_of(capability: str) -> Domain:
    """The domain a capability name belongs to (its prefix before the first dot)."""
    prefix = capability.split(".", 1)[0]
    registered = _discover()
    if prefix not in registered:
        raise KeyError(f"capability {capability!r} belongs to no registered domain ({', '.join(registered)})")
    return registered[prefix]


def capability_spec(capability: str) -> CapabilitySpec | None:
    """The registered spec of ``capability``, or ``None`` for a name outside every domain (e.g. a demo)."""
    try:
        return domain_of(capability).capability(capability)
    except KeyError:
        return None


def check_declared_limits(capability: str, limits: Mapping[str, Any]) -> None:
    """Refuse a capability a registered domain does not have (a typo would silently test nothing), limits it does
    not admit (with the legal ones named) and limits of the wrong type."""
    spec = capability_spec(capability)
    if spec is None:
        prefix = capability.split(".", 1)[0]
        registered = _discover()
        if prefix in registered:
            known = ", ".join(c.name for c in registered[prefix].capabilities)
            raise ValueError(f"domain {prefix} has no capability {capability!r}; its capabilities: {known}")
        return
    domain = domain_of(capability)
    allowed = set(spec.limits) | set(spec.claims)
    for name, value in limits.items():
        if name not in allowed:
            legal = ", ".join(sorted(allowed)) or "none"
            raise ValueError(f"{capability} does not take the limit {name!r}; legal limits and claims: {legal}")
        if name in spec.limits:
            domain.limit(name).validate(value, capability)


def limit_violation(capability: str, declared: Mapping[str, Any], quantities: Mapping[str, Any]) -> str | None:
    """Why a case with these ``quantities`` is outside the adapter's ``declared`` limits, or ``None``.

    Works for any capability: limits named by its domain are checked against the quantities they bound; a
    capability outside every domain (a demo) understands ``max_degree`` on the quantity ``degree``.
    """
    spec = capability_spec(capability)
    limits: Iterable[Limit]
    if spec is None:
        limits = [Limit("max_degree", "degree", "max", "the largest degree")]
    else:
        domain = domain_of(capability)
        limits = [domain.limit(name) for name in spec.limits]
    for limit in limits:
        if limit.name in declared and limit.quantity in quantities:
            reason = limit.violation(quantities[limit.quantity], declared[limit.name])
            if reason:
                return reason
    return None


def allows(adapter: Any, capability: str, **quantities: Any) -> bool:
    """Whether a case with these ``quantities`` (``degree=…``, ``spin=(j1, j2, j3)``…) is inside the limits the
    adapter declares for ``capability``: chapters filter the cases inside one test with it."""
    declared = adapter.capabilities().get(capability)
    if declared is None:
        return False
    return limit_violation(capability, dict(declared.limits), quantities) is None
