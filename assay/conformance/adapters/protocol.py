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
        def spherical_harmonics(self, l_max, xyz):
            ...

The call signature of each so3 capability is documented in :data:`SO3_CAPABILITIES`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

__all__ = [
    "SO3_CAPABILITIES",
    "Adapter",
    "AdapterProtocol",
    "AdapterUnavailable",
    "Capability",
    "capability",
]

#: The so3 capabilities the suite tests, with the call signature an adapter must provide.
SO3_CAPABILITIES: dict[str, str] = {
    "so3.clebsch_gordan": "f(j1, j2, j3, m1, m2, m3) -> ⟨j1 m1; j2 m2 | j3 m3⟩ (sympy argument order; half-integer "
    "j allowed as Fraction); an exact value (SqrtRational, sympy, int, Fraction) or a float",
    "so3.wigner_3j": "f(j1, j2, j3, m1, m2, m3) -> (j1 j2 j3; m1 m2 m3), exact or float",
    "so3.gaunt": "f(l1, l2, l3, m1, m2, m3) -> ∫ Y_l1^m1 Y_l2^m2 Y_l3^m3 dΩ (complex SH, no conjugate), exact or float",
    "so3.real_gaunt": "f(l1, l2, l3, m1, m2, m3) -> ∫ Y_l1m1 Y_l2m2 Y_l3m3 dΩ (real SH), exact or float",
    "so3.coupling_tensor": "f(l1, l2, l3) -> array (2l1+1, 2l2+1, 2l3+1): the real invariant coupling tensor in the "
    "adapter's SH basis (so3.polar_axis, so3.m_order) with the normalization conventions['so3.coupling']",
    "so3.spherical_harmonics": "f(l_max, xyz) -> array (N, (l_max+1)**2): SH of degrees 0..l_max at the N unit "
    "vectors xyz (float64 array (N, 3)), degree-major, m in the declared order, in the declared convention",
    "so3.wigner_D": "f(l, alpha, beta, gamma) -> array (2l+1, 2l+1): D^l of the rotation with these Euler angles "
    "(conventions['so3.euler']), in the adapter's SH basis, so that Y_l(R r) = D^l(R) Y_l(r)",
    "so3.wigner_D_matrix": "f(l, R) -> array (2l+1, 2l+1): D^l of the 3x3 rotation matrix R, in the adapter's SH basis",
    "so3.gaunt_tensor_product": "f(x, y, l_out) -> z: x ((L1+1)**2,), y ((L2+1)**2,) real SH coefficients in the "
    "adapter's basis; z_{l3 m3} = Σ G(l1 m1, l2 m2, l3 m3) x_{l1 m1} y_{l2 m2} with the real Gaunt G, l3 ≤ l_out",
}


class AdapterUnavailable(RuntimeError):
    """Raised by an adapter factory when the library it wraps cannot be imported; the suite skips with the reason."""


@dataclass(frozen=True)
class Capability:
    """One provided capability: its name, the callable, and limits (e.g. ``{"max_degree": 12}``)."""

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
