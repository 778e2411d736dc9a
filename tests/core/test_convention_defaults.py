"""Conventions have one source: every function default that names a convention is the registry's default."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

from assay.core.conventions import default_name

#: parameter name → convention kind, for the so3 parameters that name a convention
PARAMETERS = {
    "basis": "so3.basis",
    "normalization": "so3.normalization",
    "phase": "so3.phase",
    "polar_axis": "so3.polar_axis",
    "euler": "so3.euler",
    "m_order": "so3.m_order",
    "coupling": "so3.coupling",
}


#: parameters that share a convention's name but choose something else, with the reason
NOT_A_CONVENTION_DEFAULT = {
    # the kernel's tensor product takes the coefficients it contracts with (Gaunt, the reason it exists, or a
    # coupling convention); its default is the product's purpose, not a basis convention of outputs
    ("assay.kernels.so3.coupling_tensor_product", "coupling"),
    ("assay.kernels.so3.cg_tensor_product.coupling_tensor_product", "coupling"),
    ("assay.kernels.so3.cg_tensor_product.sparse_coupling", "coupling"),
}


def _so3_modules():
    for package in ("assay.reference.so3", "assay.kernels.so3", "assay.properties.so3", "assay.conformance.so3"):
        module = importlib.import_module(package)
        yield module
        for info in pkgutil.iter_modules(module.__path__):
            if not info.name.startswith("test_"):
                yield importlib.import_module(f"{package}.{info.name}")


def _public_callables():
    seen = set()
    for module in _so3_modules():
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            targets = [obj.__init__] if inspect.isclass(obj) else [obj]
            for target in targets:
                if callable(target) and id(target) not in seen:
                    seen.add(id(target))
                    yield f"{module.__name__}.{name}", target


def test_every_convention_default_is_the_registrys():
    import assay.reference.so3.conventions  # noqa: F401  (registers the kinds)

    wrong = []
    checked = 0
    for qualified, function in _public_callables():
        try:
            signature = inspect.signature(function)
        except (TypeError, ValueError):
            continue
        for parameter in signature.parameters.values():
            kind = PARAMETERS.get(parameter.name)
            if kind is None or parameter.default is inspect.Parameter.empty or parameter.default is None:
                continue
            if (qualified, parameter.name) in NOT_A_CONVENTION_DEFAULT:
                continue
            checked += 1
            if parameter.default != default_name(kind):
                wrong.append(f"{qualified}({parameter.name}={parameter.default!r}); the registry's {kind} default is "
                             f"{default_name(kind)!r}")
    assert checked >= 10, f"only {checked} convention parameters found: the scan is broken"
    assert not wrong, "defaults that disagree with the registry:\n" + "\n".join(wrong)


@pytest.mark.parametrize("kind", sorted(set(PARAMETERS.values())))
def test_each_kind_has_a_registered_default(kind):
    from assay.core.conventions import names

    assert default_name(kind) in names(kind)
