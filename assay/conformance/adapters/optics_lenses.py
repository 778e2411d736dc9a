"""Adapter for the PyPI ``lenses`` package (``from lenses import lens``): its lens kinds as law cases.

Load it with ``pytest --pyargs assay.conformance --assay-impl assay.conformance.adapters.optics_lenses:LensesAdapter``.

Capabilities (signatures in :mod:`assay.conformance.optics.domain`):

- ``optics.lens_laws`` — ``f() -> list[LawCase]``: each lens kind of the package with finite domains of states and
  views, and the laws the package's own semantics give up on those domains (``breaks``). ``get``/``put`` call the
  package (``l.get()(s)``, ``l.set(v)(s)``), so the suite checks the package, not a re-implementation.
- ``optics.make_lens`` — ``f(get, put) -> (get, put)``: a custom lens built with ``lens.Lens(getter, setter)``, so
  the suite can feed law-breaking getters/setters through the package and expect the checker to name the law.
- ``optics.compose`` — ``f(case1, case2) -> (get, put)``: the package's composition ``l1 & l2``.

Known deviations declared in ``breaks`` (each is the package's documented behaviour on that domain, not a bug):
``Get(key, default)`` on a dict without the key writes the default back (GetPut); ``Item(key)`` set to a pair with
another key moves the entry and overwrites that key (PutGet, PutPut); ``Contains`` on a list with duplicates
removes all copies and re-adds one (PutPut); the ``Json`` iso re-serialises non-canonical JSON (GetPut);
``Norm(round)`` rounds on set (GetPut,
PutGet); ``Tuple(lens[0], lens[0])`` focuses one place twice (PutGet).
"""

from __future__ import annotations

import itertools
from collections import namedtuple
from typing import Any

from assay.conformance.adapters.protocol import Adapter, AdapterUnavailable, capability
from assay.properties.optics.laws import LawCase

__all__ = ["LensesAdapter"]

_Point = namedtuple("_Point", "x y")


def _import_lens() -> Any:
    try:
        from lenses import lens
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise AdapterUnavailable(f"the 'lenses' package is not installed ({error}); pip install lenses") from error
    return lens


def _case(optic: Any, name: str, states: Any, views: Any, breaks: tuple[str, ...] = (), **labels: Any) -> LawCase:
    def get(state: Any) -> Any:
        return optic.get()(state)

    def put(state: Any, view: Any) -> Any:
        return optic.set(view)(state)

    return LawCase(name, get, put, tuple(states), tuple(views), frozenset(breaks), **labels)


class LensesAdapter(Adapter):
    """The ``lenses`` package under test (pure Python: dtype ``exact``)."""

    name = "lenses"
    device = "cpu"
    dtype = "exact"

    def __init__(self) -> None:
        self._lens = _import_lens()
        import lenses

        self.version = getattr(lenses, "__version__", "") or _distribution_version()

    @capability("optics.lens_laws", note="lens kinds of the lenses package with finite domains")
    def lens_laws(self) -> list[LawCase]:
        lens = self._lens
        small = range(3)
        lists = [list(t) for t in itertools.product(small, repeat=3)]
        tuples = [tuple(t) for t in itertools.product(small, repeat=2)]
        dicts = [{"a": a, "b": b} for a in small for b in small]
        partial = [{"b": b} for b in small] + [{"a": a} for a in small]
        points = [_Point(x, y) for x in small for y in small]
        nested = [[[a, b], [c]] for a in small for b in small for c in small]
        return [
            _case(lens[1], "GetItem[list]", lists, small, source="list3", target="int"),
            _case(lens[0], "GetItem[tuple]", tuples, small, source="tuple2", target="int"),
            _case(lens["a"], "GetItem[dict]", dicts, small, source="dict", target="int"),
            _case(lens.GetAttr("y"), "GetAttr[namedtuple]", points, small, source="point", target="int"),
            _case(lens.Get("a", 0), "Get[dict with key]", dicts, small, source="dict", target="int"),
            _case(lens.Get("a", 0), "Get[dict without key]", partial, small, ("GetPut",)),
            _case(lens.Item("a"), "Item[same key]", [*dicts, *partial], [None, ("a", 0), ("a", 1)]),
            _case(lens.Item("a"), "Item[other key]", dicts, [("a", 1), ("b", 1)], ("PutGet", "PutPut")),
            _case(lens.Contains(1), "Contains[set]", [set(c) for c in _subsets(small)], [True, False]),
            _case(lens.Contains(1), "Contains[list with duplicates]", [[1, 0, 1], [0], [1, 2]], [True, False],
                  ("PutPut",)),
            _case(lens.Decode(), "Decode[utf-8]", [b"", b"ab", "é".encode()], ["", "xy", "ü"]),
            _case(lens.Json(), "Json[canonical]", ['{"a": 1}', "[1, 2]", "3"], [{"a": 1}, [1, 2], 3]),
            _case(lens.Json(), "Json[non-canonical]", ['{"a":1}', "[1,2]"], [{"a": 1}], ("GetPut",)),
            _case(lens.Norm(round), "Norm[integers]", [0, 1, 2], [0, 1, 2]),
            _case(lens.Norm(round), "Norm[reals]", [0.4, 1.0, 2.6], [0.4, 2.0], ("GetPut", "PutGet")),
            _case(lens.Tuple(lens[0], lens[2]), "Tuple[disjoint]", lists, list(itertools.product(small, small))),
            _case(lens.Tuple(lens[0], lens[0]), "Tuple[overlapping]", lists, [(0, 1), (2, 2)], ("PutGet",)),
            _case(lens[0][1], "GetItem & GetItem[nested]", nested, small, source="nested", target="int"),
        ]

    @capability("optics.make_lens", note="lens.Lens(getter, setter)")
    def make_lens(self, get: Any, put: Any) -> tuple[Any, Any]:
        optic = self._lens.Lens(get, put)
        return (lambda s: optic.get()(s)), (lambda s, v: optic.set(v)(s))

    @capability("optics.compose", note="l1 & l2")
    def compose(self, first: LawCase, second: LawCase) -> tuple[Any, Any]:
        optic = self._lens.Lens(first.get, first.put) & self._lens.Lens(second.get, second.put)
        return (lambda s: optic.get()(s)), (lambda s, v: optic.set(v)(s))


def _subsets(items: Any) -> list[tuple[Any, ...]]:
    items = list(items)
    return [combo for r in range(len(items) + 1) for combo in itertools.combinations(items, r)]


def _distribution_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("lenses")
    except PackageNotFoundError:  # pragma: no cover
        return ""
