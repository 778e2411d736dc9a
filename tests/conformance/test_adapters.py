"""Adapter specs, the registry and the shipped adapters' declarations."""

from __future__ import annotations

import numpy as np
import pytest

from assay.conformance.adapters import (
    REGISTRY,
    Adapter,
    AdapterProtocol,
    AdapterUnavailable,
    capability,
    load_adapter,
    parse_spec,
    register_adapter,
)


def test_parse_spec_splits_name_and_options():
    assert parse_spec("e3nn") == ("e3nn", {})
    assert parse_spec("e3nn[normalization=component, dtype=float32]") == (
        "e3nn", {"normalization": "component", "dtype": "float32"})
    assert parse_spec("pkg.mod:Factory[x=1]") == ("pkg.mod:Factory", {"x": "1"})


@pytest.mark.parametrize("bad", ["", "a[b]", "a[=1]", "a[b=1", "two words"])
def test_parse_spec_refuses_malformed_specs(bad):
    with pytest.raises(ValueError, match=r"implementation spec|key=value"):
        parse_spec(bad)


def test_parse_spec_refuses_non_strings():
    with pytest.raises(TypeError, match="must be a str"):
        parse_spec(3)


def test_unknown_module_is_a_value_error_listing_the_registry():
    with pytest.raises(ValueError, match=r"neither a registered adapter.*builtin"):
        load_adapter("surely_not_a_module_xyz")


def test_register_adapter_validates_its_arguments():
    with pytest.raises(ValueError, match="module:object"):
        register_adapter("mine", "no_colon")
    with pytest.raises(ValueError, match="adapter name"):
        register_adapter("bad name", "m:o")


class _Demo(Adapter):
    name = "demo"

    @capability("demo.one", max_degree=3, note="only degree ≤ 3")
    def one(self):
        return 1


def test_capability_decorator_collects_methods_with_limits():
    adapter = _Demo()
    assert isinstance(adapter, AdapterProtocol)
    caps = adapter.capabilities()
    assert list(caps) == ["demo.one"]
    assert caps["demo.one"].limits == {"max_degree": 3}
    assert adapter.get("demo.one")() == 1
    assert adapter.limit("demo.one", "max_degree") == 3
    with pytest.raises(KeyError, match=r"does not provide 'demo\.two'"):
        adapter.get("demo.two")


def test_capability_name_must_be_a_string():
    with pytest.raises(TypeError):
        capability("")


def test_instance_spec_and_options_are_refused_together(monkeypatch):
    import types

    module = types.ModuleType("assay_demo_instance")
    module.adapter = _Demo()
    monkeypatch.setitem(__import__("sys").modules, "assay_demo_instance", module)
    assert load_adapter("assay_demo_instance").name == "demo"
    with pytest.raises(ValueError, match="not a factory"):
        load_adapter("assay_demo_instance:adapter[x=1]")


def test_missing_library_raises_adapter_unavailable(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "e3nn", None)  # import e3nn now raises ImportError
    with pytest.raises(AdapterUnavailable, match="e3nn is not installed"):
        load_adapter("e3nn")


def test_shipped_adapters_declare_their_conventions_and_limits():
    builtin, e3nn, sympy = (load_adapter(name) for name in ("builtin", "e3nn", "sympy"))
    assert builtin.conventions["so3.polar_axis"] == "z" and e3nn.conventions["so3.polar_axis"] == "y"
    assert sympy.conventions["so3.basis"] == "complex"
    assert e3nn.capabilities()["so3.spherical_harmonics"].limits == {"max_degree": 12}
    assert "so3.clebsch_gordan" not in e3nn.capabilities()
    assert {"so3.real_gaunt", "so3.gaunt", "so3.wigner_3j"} <= set(sympy.capabilities())
    for name in REGISTRY:
        try:
            adapter = load_adapter(name)
        except AdapterUnavailable as error:  # an optional peer that is not installed here (torchcfm is not in extras)
            assert "assay.conformance" not in str(error), f"{name}: assay's own adapter module is missing: {error}"
            continue
        assert adapter.capabilities(), name


def test_builtin_options_change_dtype_and_convention():
    adapter = load_adapter("builtin[dtype=float32,polar_axis=y]")
    assert adapter.dtype == "float32" and adapter.conventions["so3.polar_axis"] == "y"
    values = adapter.get("so3.spherical_harmonics")(2, np.array([[0.0, 1.0, 0.0]]))
    assert values.dtype == np.float32
    assert values[0, 2] == pytest.approx(np.sqrt(3 / (4 * np.pi)), rel=1e-6)  # Y_1,0 at the y pole
    with pytest.raises(ValueError, match="dtype must be one of"):
        load_adapter("builtin[dtype=float16]")
