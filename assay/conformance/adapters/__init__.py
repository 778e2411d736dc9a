"""Adapters: the implementations under test, and how a name given to ``--assay-impl`` becomes one.

A spec is a registered name (``builtin``, ``e3nn``, ``sympy``, the ``buggy-*`` demonstrations) or
``module:object`` (an :class:`Adapter` instance, an adapter class, or a factory returning one), optionally followed
by options in brackets that are passed to the factory as keyword arguments: ``e3nn[normalization=component]``,
``builtin[dtype=float32]``, ``mylib.testing:Adapter[device=cuda]``.

Importing this package is cheap: the registered adapters are imported only when loaded.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from typing import Any

from assay.conformance.adapters.protocol import (
    Adapter,
    AdapterProtocol,
    AdapterUnavailable,
    Capability,
    capability,
)

__all__ = [
    "REGISTRY",
    "Adapter",
    "AdapterProtocol",
    "AdapterUnavailable",
    "Capability",
    "capability",
    "load_adapter",
    "parse_spec",
    "register_adapter",
]

#: Registered adapter names → ``"module:factory"`` (imported on first use).
REGISTRY: dict[str, str] = {
    "builtin": "assay.conformance.adapters.builtin:BuiltinAdapter",
    "e3nn": "assay.conformance.adapters.e3nn:E3nnAdapter",
    "sympy": "assay.conformance.adapters.sympy:SympyAdapter",
    "lenses": "assay.conformance.adapters.optics_lenses:LensesAdapter",
    "torch-checkpoint": "assay.conformance.adapters.optics_torch_checkpoint:TorchCheckpointAdapter",
    "buggy-real-gaunt-sign": "assay.conformance.adapters.buggy:RealGauntSignBug",
    "buggy-sh-negative-m": "assay.conformance.adapters.buggy:NegativeMSignFlip",
    "buggy-coupling-float32": "assay.conformance.adapters.buggy:Float32CouplingTensors",
    "buggy-wigner-d-swapped": "assay.conformance.adapters.buggy:SwappedEulerWignerD",
    # so3 peers (optional extras)
    "sphericart": "assay.conformance.adapters.sphericart:SphericartAdapter",
    "sphericart-torch": "assay.conformance.adapters.sphericart:SphericartTorchAdapter",
    "wigners": "assay.conformance.adapters.wigners:WignersAdapter",
    "pywigxjpf": "assay.conformance.adapters.pywigxjpf:PywigxjpfAdapter",
    "spherical": "assay.conformance.adapters.spherical:SphericalAdapter",
    "e3nn-tensor-product": "assay.conformance.adapters.e3nn:E3nnTensorProductAdapter",
    # frames
    "frame-averaging-pytorch": "assay.conformance.adapters.frame_averaging_pytorch:FrameAveragingPytorchAdapter",
    "buggy-frames-sum-sign": "assay.conformance.adapters.buggy_frames:SumSignFrames",
    "buggy-frames-no-centroid": "assay.conformance.adapters.buggy_frames:CentroidNotRestored",
    "buggy-frames-left-handed": "assay.conformance.adapters.buggy_frames:LeftHandedThirdAxis",
    "buggy-frames-graph-basis": "assay.conformance.adapters.buggy_frames:BasisDependentSignatures",
    # bridges
    "pot": "assay.conformance.adapters.pot:PotAdapter",
    "torchcfm": "assay.conformance.adapters.torchcfm:TorchCfmAdapter",
    "buggy-bridges-no-sqrt-noise": "assay.conformance.adapters.buggy_bridges:BridgeNoiseWithoutSqrt",
    "buggy-bridges-eps-times-2": "assay.conformance.adapters.buggy_bridges:EpsilonOffByTwo",
    # spectral
    "gpytorch": "assay.conformance.adapters.gpytorch:GpytorchAdapter",
    "buggy-spectral-abs-derivative": "assay.conformance.adapters.buggy_spectral:DerivativeThroughAbs",
    "buggy-spectral-double-prior": "assay.conformance.adapters.buggy_spectral:DoubleCountedLogWeightPrior",
    "buggy-spectral-per-factor-jitter": "assay.conformance.adapters.buggy_spectral:PerFactorJitter",
}

_SPEC = re.compile(r"^\s*(?P<target>[^\[\]\s]+)\s*(?:\[(?P<options>[^\[\]]*)\])?\s*$")


def register_adapter(name: str, target: str) -> None:
    """Register ``name`` for the adapter built by ``target`` (``"module:object"``)."""
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_.\-]+", name):
        raise ValueError(f"adapter name must be letters, digits, '_', '.', '-'; got {name!r}")
    if not isinstance(target, str) or ":" not in target:
        raise ValueError(f"target must be 'module:object', got {target!r}")
    REGISTRY[name] = target


def parse_spec(spec: str) -> tuple[str, dict[str, str]]:
    """Split ``"name[key=value,...]"`` into the name (or ``module:object``) and its options."""
    if not isinstance(spec, str):
        raise TypeError(f"implementation spec must be a str, got {type(spec).__name__}")
    match = _SPEC.match(spec)
    if match is None:
        raise ValueError(f"implementation spec must look like NAME, module:object or NAME[key=value,...]; got {spec!r}")
    options: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in (match.group("options") or "").split(","))):
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"option {item!r} in implementation spec {spec!r} must be key=value")
        options[key.strip()] = value.strip()
    return match.group("target"), options


def _import(module_name: str) -> Any:
    """Import ``module_name``; a module that is not found is looked for in the current directory too, so a
    ``module:object`` spec resolves the same way in ``assay conformance``, ``assay matrix``, ``assay fingerprint``,
    plain ``pytest`` and a reproduction snippet run from the same directory."""
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        top = module_name.split(".")[0]
        here = os.getcwd()
        if error.name != top or here in sys.path or not (
                os.path.isfile(os.path.join(here, top + ".py")) or os.path.isdir(os.path.join(here, top))):
            raise
        sys.path.insert(0, here)
        return importlib.import_module(module_name)


def _resolve_target(target: str) -> Any:
    module_name, sep, attribute = target.partition(":")
    try:
        module = _import(module_name)
    except ModuleNotFoundError as error:
        missing_itself = error.name is not None and (
            error.name == module_name or module_name.startswith(error.name + "."))
        if missing_itself and target not in REGISTRY.values():
            raise ValueError(
                f"--assay-impl {target!r} is neither a registered adapter ({', '.join(sorted(REGISTRY))}) "
                f"nor an importable module"
            ) from error
        raise AdapterUnavailable(f"{target}: cannot import {error.name!r} ({error})") from error
    if not sep:
        for candidate in ("adapter", "Adapter", "make_adapter"):
            if hasattr(module, candidate):
                return getattr(module, candidate)
        raise ValueError(f"module {module_name!r} has no 'adapter', 'Adapter' or 'make_adapter'; use module:object")
    obj: Any = module
    for part in attribute.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise ValueError(f"module {module_name!r} has no attribute {attribute!r}") from None
    return obj


def load_adapter(spec: str, **overrides: str) -> AdapterProtocol:
    """Build the adapter named by ``spec`` (see the module docstring); raises :class:`AdapterUnavailable`.

    Keyword ``overrides`` are added to the options written in the spec.
    """
    target, options = parse_spec(spec)
    options.update(overrides)
    obj = _resolve_target(REGISTRY.get(target, target))
    if isinstance(obj, type) or (callable(obj) and not isinstance(obj, AdapterProtocol)):
        adapter = obj(**options)
    else:
        if options:
            raise ValueError(f"options {options} given for {target!r}, which is an adapter instance, not a factory")
        adapter = obj
    if not isinstance(adapter, AdapterProtocol):
        raise TypeError(
            f"{spec!r} did not produce an adapter: it needs name, version, device, dtype, conventions, "
            f"capabilities() and get(); got {type(adapter).__name__}"
        )
    from assay.conformance.registry import check_declared_limits

    for name, declared in adapter.capabilities().items():
        check_declared_limits(name, dict(getattr(declared, "limits", {}) or {}))
    try:
        adapter.spec = spec
    except AttributeError:  # a read-only adapter object; snippets then use the original spec string
        pass
    return adapter
