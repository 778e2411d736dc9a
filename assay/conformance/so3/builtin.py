"""assay's own so3 implementation under test: exact references and torch kernels.

- CG, 3j, Gaunt, real Gaunt: :mod:`assay.reference.so3.coupling` / :mod:`~assay.reference.so3.gaunt`, exact
  :class:`~assay.core.exact.SqrtRational` values (contract: equal to the reference, 0 ulp).
- Real coupling tensors: :func:`assay.reference.so3.real_coupling.real_coupling_tensor`, correctly rounded,
  in the ``coupling`` convention chosen, cast to the adapter dtype.
- Spherical and solid harmonics: the torch kernel :func:`assay.kernels.so3.harmonics.spherical_harmonics` in the
  basis, normalization, phase and polar axis chosen by the options (``normalize=False`` for solid harmonics).
- Wigner D: the torch kernels :mod:`assay.kernels.so3.wigner` (from ZYZ Euler angles and from rotation matrices);
  real basis with the chosen polar axis (provided when the basis is real with the Condon–Shortley phase).
- Gaunt tensor product: :func:`assay.kernels.so3.gaunt_tensor_product.gaunt_tensor_product` (route ``method``),
  real integral-normalized basis; it declares the complexity of its route (Fourier: L³).

Options: ``dtype``, ``device``, ``basis``, ``normalization``, ``phase``, ``polar_axis``, ``coupling``, ``method``;
every default is the registry's default of that convention kind.
"""

from __future__ import annotations

import importlib

import numpy as np

from assay.conformance.adapters._torch import check_dtype, to_numpy, to_tensor
from assay.conformance.adapters.protocol import Adapter, Capability, assay_version, capability
from assay.core.conventions import default_name, resolve
from assay.reference.so3.conventions import BASIS, COUPLING, EULER, M_ORDER, NORMALIZATION, PHASE, POLAR_AXIS

__all__ = ["So3Builtin"]

#: The cost claim of each route of the kernel's Gaunt product, for L1 = L2 = L and l_out = 2L. The sparse ``cg``
#: route's work is gathers and scatters, which FLOP counters do not see, so it declares no claim.
_GTP_COMPLEXITY = {"auto": "L^3", "fourier": "L^3", "s2grid": "L^3", "cg": None}


class So3Builtin(Adapter):
    """assay's so3 references and kernels (see the module docstring)."""

    name = "builtin-so3"

    def __init__(self, dtype: str = "float64", device: str = "cpu", basis: str | None = None,
                 normalization: str | None = None, phase: str | None = None, polar_axis: str | None = None,
                 coupling: str | None = None, method: str = "auto") -> None:
        import torch

        self.dtype = check_dtype(dtype)
        self.device = str(torch.device(device))
        self.version = assay_version()
        self.conventions = {
            BASIS: resolve(BASIS, basis or default_name(BASIS), "basis"),
            NORMALIZATION: resolve(NORMALIZATION, normalization or default_name(NORMALIZATION), "normalization"),
            PHASE: resolve(PHASE, phase or default_name(PHASE), "phase"),
            POLAR_AXIS: resolve(POLAR_AXIS, polar_axis or default_name(POLAR_AXIS), "polar_axis"),
            M_ORDER: default_name(M_ORDER),
            EULER: "zyz",
            COUPLING: resolve(COUPLING, coupling or default_name(COUPLING), "coupling"),
        }
        if method not in _GTP_COMPLEXITY:
            raise ValueError(f"method must be one of {', '.join(_GTP_COMPLEXITY)}; got {method!r}")
        self._method = method
        # imported here, not guarded: a broken kernel must fail the suite, never turn into "not provided"
        self._sh_kernel = importlib.import_module("assay.kernels.so3.harmonics")
        self._wigner_kernel = importlib.import_module("assay.kernels.so3.wigner")
        self._gtp_kernel = importlib.import_module("assay.kernels.so3.gaunt_tensor_product")

    # -- exact scalars ----------------------------------------------------------------------------------------
    @capability("so3.clebsch_gordan")
    def clebsch_gordan(self, j1, j2, j3, m1, m2, m3):
        from assay.reference.so3.coupling import clebsch_gordan

        return clebsch_gordan(j1, j2, j3, m1, m2, m3)

    @capability("so3.wigner_3j")
    def wigner_3j(self, j1, j2, j3, m1, m2, m3):
        from assay.reference.so3.coupling import wigner_3j

        return wigner_3j(j1, j2, j3, m1, m2, m3)

    @capability("so3.gaunt")
    def gaunt(self, l1, l2, l3, m1, m2, m3):
        from assay.reference.so3.gaunt import gaunt

        return gaunt(l1, l2, l3, m1, m2, m3)

    @capability("so3.real_gaunt")
    def real_gaunt(self, l1, l2, l3, m1, m2, m3):
        from assay.reference.so3.gaunt import real_gaunt

        return real_gaunt(l1, l2, l3, m1, m2, m3)

    # -- arrays -----------------------------------------------------------------------------------------------
    @capability("so3.coupling_tensor")
    def coupling_tensor(self, l1: int, l2: int, l3: int) -> np.ndarray:
        from assay.reference.so3.real_coupling import real_coupling_tensor

        return real_coupling_tensor(l1, l2, l3, convention=self.conventions[COUPLING]).astype(self.dtype)

    def _harmonics(self, lmax: int, xyz: np.ndarray, normalize: bool) -> np.ndarray:
        c = self.conventions
        values = self._sh_kernel.spherical_harmonics(
            lmax, to_tensor(xyz, self.dtype, self.device), basis=c[BASIS], normalization=c[NORMALIZATION],
            phase=c[PHASE], polar_axis=c[POLAR_AXIS], normalize=normalize)
        return to_numpy(values)

    @capability("so3.spherical_harmonics")
    def spherical_harmonics(self, lmax: int, xyz: np.ndarray) -> np.ndarray:
        return self._harmonics(lmax, xyz, normalize=True)

    @capability("so3.solid_harmonics")
    def solid_harmonics(self, lmax: int, xyz: np.ndarray) -> np.ndarray:
        return self._harmonics(lmax, xyz, normalize=False)

    @capability("so3.wigner_D")
    def wigner_D(self, l: int, alpha: float, beta: float, gamma: float) -> np.ndarray:
        angles = [to_tensor(a, self.dtype, self.device) for a in (alpha, beta, gamma)]
        return to_numpy(self._wigner_kernel.wigner_D_from_angles(
            l, *angles, euler="zyz", polar_axis=self.conventions[POLAR_AXIS]))

    @capability("so3.wigner_D_matrix")
    def wigner_D_matrix(self, l: int, R: np.ndarray) -> np.ndarray:
        return to_numpy(self._wigner_kernel.wigner_D_from_matrix(l, to_tensor(R, self.dtype, self.device),
                                                                 polar_axis=self.conventions[POLAR_AXIS]))

    @capability("so3.gaunt_tensor_product")
    def gaunt_tensor_product(self, x: np.ndarray, y: np.ndarray, l_out: int) -> np.ndarray:
        lmax1, lmax2 = _degree_of_length(len(x), "x"), _degree_of_length(len(y), "y")
        result = self._gtp_kernel.gaunt_tensor_product(to_tensor(x, self.dtype, self.device),
                                                       to_tensor(y, self.dtype, self.device),
                                                       lmax1, lmax2, l_out, method=self._method)
        return to_numpy(result)

    def capabilities(self) -> dict[str, Capability]:
        found = super().capabilities()
        c = self.conventions
        real_cs = c[BASIS] == "real" and c[PHASE] == "condon_shortley"
        if not real_cs:  # the kernel's D acts on real Condon–Shortley harmonics
            found.pop("so3.wigner_D")
            found.pop("so3.wigner_D_matrix")
        if not (real_cs and c[NORMALIZATION] == "integral"):
            found.pop("so3.gaunt_tensor_product")
        else:
            gtp = found["so3.gaunt_tensor_product"]
            claim = _GTP_COMPLEXITY[self._method]
            found[gtp.name] = Capability(gtp.name, gtp.function, {"complexity": claim} if claim else {})
        return found


def _degree_of_length(length: int, name: str) -> int:
    degree = round(length**0.5) - 1
    if (degree + 1) ** 2 != length:
        raise ValueError(f"{name} must have (L+1)² entries, got {length}")
    return degree

