"""The ``sphericart`` adapters: spherical and solid harmonics from sphericart (numpy API and ``sphericart.torch``).

Wrapped: ``sphericart.SphericalHarmonics(lmax).compute(xyz)`` and ``sphericart.SolidHarmonics(lmax).compute(xyz)``
(:class:`SphericartAdapter`), and the classes of the same names in ``sphericart.torch``
(:class:`SphericartTorchAdapter`). One calculator is built per ``lmax`` and reused.

Conventions (sphericart's documentation: "consistent with the definition of real spherical harmonics from
Wikipedia", stored at index ``l(l+1)+m``; confirmed by ``assay fingerprint --impl sphericart``, which finds
exactly this from the outputs alone): real basis, ``integral`` normalization (orthonormal on the sphere),
Condon–Shortley phase (the Wikipedia real form, whose (−1)^m cancels the complex one), polar axis z, m ascending.
``SphericalHarmonics`` normalizes its input (any non-zero length gives the harmonics of the direction);
``SolidHarmonics`` returns ``|r|^l Y_lm(r/|r|)`` with the same layout and normalization.

Limits: none declared (sphericart's recurrences have no hard degree limit). sphericart provides no Wigner D,
coupling coefficients or tensor products.

Measured: float64 passes every harmonics test of the quick and ci profiles (deep probes l = 24, 40 included;
≤ 8 ε of ‖Y_l‖ for l ≤ 20, 96 ε at the z pole for l = 6). In float32 sphericart breaks down from l = 18
(35 ε₃₂ at l = 18, 1.2e5 ε₃₂ at l = 19, 4e6 ε₃₂ at l = 20, NaN from l = 28), so the deep probes fail in float32.
A negative ``lmax`` is accepted by the numpy API, returns an empty array, and the interpreter then dies with
SIGSEGV at exit (heap corruption; the robustness chapter finds it); ``sphericart.torch`` raises RuntimeError.

Options: ``dtype`` (``float64``, ``float32``: the points are cast to it and sphericart computes in it);
``device`` for the torch adapter (``cpu``, or ``cuda`` when sphericart.torch was built with CUDA).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.conformance.adapters._torch import check_dtype, to_numpy, to_tensor
from assay.conformance.adapters.protocol import Adapter, AdapterUnavailable, capability

__all__ = ["SphericartAdapter", "SphericartTorchAdapter"]

_CONVENTIONS = {
    "so3.basis": "real",
    "so3.normalization": "integral",
    "so3.phase": "condon_shortley",
    "so3.polar_axis": "z",
    "so3.m_order": "ascending",
}


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("sphericart")
    except PackageNotFoundError:  # pragma: no cover - an unusual install
        return "unknown"


class SphericartAdapter(Adapter):
    """sphericart's numpy API under test (see the module docstring)."""

    def __init__(self, dtype: str = "float64") -> None:
        try:
            import sphericart
        except ImportError as error:
            raise AdapterUnavailable(f"sphericart is not installed ({error}); pip install sphericart") from error
        self._module = sphericart
        self.name = "sphericart"
        self.version = _version()
        self.dtype = check_dtype(dtype)
        self.device = "cpu"
        self.conventions = dict(_CONVENTIONS)
        self._calculators: dict[tuple[str, Any], Any] = {}

    def _calculator(self, kind: str, lmax: Any) -> Any:
        key = (kind, lmax)
        if key not in self._calculators:
            # lmax is passed through unchanged: what sphericart does with a bad degree is what is tested
            self._calculators[key] = getattr(self._module, kind)(lmax)
        return self._calculators[key]

    def _compute(self, kind: str, lmax: Any, xyz: np.ndarray) -> np.ndarray:
        points = np.ascontiguousarray(np.asarray(xyz, dtype=np.float64).reshape(-1, 3), dtype=self.dtype)
        return np.asarray(self._calculator(kind, lmax).compute(points))

    @capability("so3.spherical_harmonics")
    def spherical_harmonics(self, lmax: int, xyz: np.ndarray) -> np.ndarray:
        return self._compute("SphericalHarmonics", lmax, xyz)

    @capability("so3.solid_harmonics")
    def solid_harmonics(self, lmax: int, xyz: np.ndarray) -> np.ndarray:
        return self._compute("SolidHarmonics", lmax, xyz)


class SphericartTorchAdapter(Adapter):
    """``sphericart.torch`` under test (see the module docstring)."""

    def __init__(self, dtype: str = "float64", device: str = "cpu") -> None:
        try:
            import sphericart.torch as sphericart_torch
            import torch
        except ImportError as error:
            raise AdapterUnavailable(
                f"sphericart.torch is not installed ({error}); pip install sphericart-torch") from error
        self._module = sphericart_torch
        self.name = "sphericart-torch"
        self.version = _version()
        self.dtype = check_dtype(dtype)
        self.device = str(torch.device(device))
        self.conventions = dict(_CONVENTIONS)
        self._calculators: dict[tuple[str, Any], Any] = {}

    def _compute(self, kind: str, lmax: Any, xyz: np.ndarray) -> np.ndarray:
        key = (kind, lmax)
        if key not in self._calculators:
            self._calculators[key] = getattr(self._module, kind)(lmax)
        points = to_tensor(np.asarray(xyz, dtype=np.float64).reshape(-1, 3), self.dtype, self.device)
        return to_numpy(self._calculators[key].compute(points))

    @capability("so3.spherical_harmonics")
    def spherical_harmonics(self, lmax: int, xyz: np.ndarray) -> np.ndarray:
        return self._compute("SphericalHarmonics", lmax, xyz)

    @capability("so3.solid_harmonics")
    def solid_harmonics(self, lmax: int, xyz: np.ndarray) -> np.ndarray:
        return self._compute("SolidHarmonics", lmax, xyz)
