"""The ``builtin`` adapter: assay's own exact references and torch kernels, held to the same suite as any peer.

- CG, 3j, Gaunt, real Gaunt: :mod:`assay.reference.so3.coupling` / :mod:`~assay.reference.so3.gaunt`, exact
  :class:`~assay.core.exact.SqrtRational` values (contract: equal to the reference, 0 ulp).
- Real coupling tensors: :func:`assay.reference.so3.real_coupling.real_coupling_tensor`, correctly rounded,
  in the ``coupling`` convention chosen (default ``cg``), cast to the adapter dtype.
- Spherical harmonics: the torch kernel :func:`assay.kernels.so3.harmonics.spherical_harmonics` in the basis,
  normalization, phase and polar axis chosen by the options (defaults: real, integral, Condon–Shortley, z).
- Wigner D: the torch kernel :mod:`assay.kernels.so3.wigner` (from ZYZ Euler angles and from rotation
  matrices); real basis with the chosen polar axis.
- Gaunt tensor product: :func:`assay.kernels.so3.gaunt_tensor_product.gaunt_tensor_product` (route ``method``,
  default ``auto``), real integral-normalized basis.
- Optics: lens construction and composition from :mod:`assay.reference.optics`; checkpoint counts from its
  instrumented interpreter (the model the closed forms describe); VJPs and chain lenses from the torch AD lenses of
  :mod:`assay.kernels.optics`. ``optics.lens_laws`` is not provided: assay has no zoo of lens kinds to vouch for.

Options (``builtin[key=value,...]``): ``dtype`` (float64, float32), ``device`` (cpu, cuda, …), ``basis``,
``normalization``, ``phase``, ``polar_axis``, ``coupling``, ``method`` (Gaunt tensor product route).
"""

from __future__ import annotations

import importlib

import numpy as np

from assay.conformance.adapters._torch import check_dtype, to_numpy, to_tensor
from assay.conformance.adapters.protocol import Adapter, Capability
from assay.core.conventions import resolve
from assay.reference.so3.conventions import BASIS, COUPLING, NORMALIZATION, PHASE, POLAR_AXIS

__all__ = ["BuiltinAdapter"]


class BuiltinAdapter(Adapter):
    """assay's own references and kernels (see the module docstring)."""

    def __init__(self, dtype: str = "float64", device: str = "cpu", basis: str = "real",
                 normalization: str = "integral", phase: str = "condon_shortley", polar_axis: str = "z",
                 coupling: str = "cg", method: str = "auto") -> None:
        import torch

        self.dtype = check_dtype(dtype)
        self.device = str(torch.device(device))
        self.name = "builtin"
        self.version = _assay_version()
        basis = resolve(BASIS, basis, "basis")
        self.conventions = {
            "so3.basis": basis,
            "so3.normalization": resolve(NORMALIZATION, normalization, "normalization"),
            "so3.phase": resolve(PHASE, phase, "phase"),
            "so3.polar_axis": resolve(POLAR_AXIS, polar_axis, "polar_axis"),
            "so3.m_order": "ascending",
            "so3.euler": "zyz",
            "so3.coupling": resolve(COUPLING, coupling, "coupling"),
        }
        self._method = method
        # imported here, not guarded: a broken kernel must fail the suite, never turn into "not provided"
        self._wigner_kernel = importlib.import_module("assay.kernels.so3.wigner")
        self._gtp_kernel = importlib.import_module("assay.kernels.so3.gaunt_tensor_product")

    # -- exact scalars ----------------------------------------------------------------------------------------
    def clebsch_gordan(self, j1, j2, j3, m1, m2, m3):
        from assay.reference.so3.coupling import clebsch_gordan

        return clebsch_gordan(j1, j2, j3, m1, m2, m3)

    def wigner_3j(self, j1, j2, j3, m1, m2, m3):
        from assay.reference.so3.coupling import wigner_3j

        return wigner_3j(j1, j2, j3, m1, m2, m3)

    def gaunt(self, l1, l2, l3, m1, m2, m3):
        from assay.reference.so3.gaunt import gaunt

        return gaunt(l1, l2, l3, m1, m2, m3)

    def real_gaunt(self, l1, l2, l3, m1, m2, m3):
        from assay.reference.so3.gaunt import real_gaunt

        return real_gaunt(l1, l2, l3, m1, m2, m3)

    # -- arrays -----------------------------------------------------------------------------------------------
    def coupling_tensor(self, l1: int, l2: int, l3: int) -> np.ndarray:
        from assay.reference.so3.real_coupling import real_coupling_tensor

        return real_coupling_tensor(l1, l2, l3, convention=self.conventions["so3.coupling"]).astype(self.dtype)

    def spherical_harmonics(self, l_max: int, xyz: np.ndarray) -> np.ndarray:
        from assay.kernels.so3.harmonics import spherical_harmonics

        c = self.conventions
        values = spherical_harmonics(l_max, to_tensor(xyz, self.dtype, self.device), basis=c["so3.basis"],
                                     normalization=c["so3.normalization"], phase=c["so3.phase"],
                                     polar_axis=c["so3.polar_axis"])
        return to_numpy(values)

    def wigner_D(self, l: int, alpha: float, beta: float, gamma: float) -> np.ndarray:
        angles = [to_tensor(a, self.dtype, self.device) for a in (alpha, beta, gamma)]
        return to_numpy(self._wigner_kernel.wigner_D_from_angles(
            l, *angles, euler="zyz", polar_axis=self.conventions["so3.polar_axis"]))

    def wigner_D_matrix(self, l: int, R: np.ndarray) -> np.ndarray:
        return to_numpy(self._wigner_kernel.wigner_D(l, to_tensor(R, self.dtype, self.device),
                                                     polar_axis=self.conventions["so3.polar_axis"]))

    def gaunt_tensor_product(self, x: np.ndarray, y: np.ndarray, l_out: int) -> np.ndarray:
        lmax1, lmax2 = _degree_of_length(len(x), "x"), _degree_of_length(len(y), "y")
        result = self._gtp_kernel.gaunt_tensor_product(to_tensor(x, self.dtype, self.device),
                                                       to_tensor(y, self.dtype, self.device),
                                                       lmax1, lmax2, l_out, method=self._method)
        return to_numpy(result)

    # -- optics: assay's own lenses (reference) and torch AD lenses (kernels) -----------------------------------
    def make_lens(self, get, put):
        from assay.reference.optics.lens import primitive_lens

        lens = primitive_lens(get, put, name="builtin")
        return lens.get, lens.put

    def compose(self, first, second):
        from assay.reference.optics.lens import compose_lenses, primitive_lens

        lens = compose_lenses(primitive_lens(first.get, first.put, first.name),
                              primitive_lens(second.get, second.put, second.name))
        return lens.get, lens.put

    def checkpoint_counts(self, n: int, scheme: str, k: int) -> dict:
        """Counts of assay's instrumented interpreter on the checkpointed composite of ``n`` primitive lenses."""
        from assay.kernels.optics.checkpoint import model_segments
        from assay.reference.optics.ad import Primitive, primitive_lenses
        from assay.reference.optics.chains import checkpointed
        from assay.reference.optics.cost import measure_run

        segments = model_segments(scheme, n, k)
        lenses = primitive_lenses([Primitive("sin", (2,))] * n)
        cost = measure_run(checkpointed(lenses, segments), np.linspace(0.1, 0.2, 2), np.ones(2)).counts()
        return {"segments": segments, "gets": cost.gets, "stored": cost.stored, "peak": cost.peak}

    def checkpointed_vjp(self, chain, x, cotangent, k: int):
        from assay.kernels.optics.ad import vjp_as_checkpointed

        _, gradient = vjp_as_checkpointed(chain, to_tensor(x, self.dtype, self.device),
                                          to_tensor(cotangent, self.dtype, self.device), k)
        return to_numpy(gradient)

    def chain_lenses(self, chain):
        import torch

        from assay.kernels.optics.ad import torch_chain_lenses

        return torch_chain_lenses(chain, getattr(torch, self.dtype), self.device)

    def capabilities(self) -> dict[str, Capability]:
        found = {
            "optics.make_lens": Capability("optics.make_lens", self.make_lens),
            "optics.compose": Capability("optics.compose", self.compose),
            "optics.checkpoint_counts": Capability("optics.checkpoint_counts", self.checkpoint_counts,
                                                   note="assay's instrumented lens/optic interpreter"),
            "optics.chain_lenses": Capability("optics.chain_lenses", self.chain_lenses),
            "so3.clebsch_gordan": Capability("so3.clebsch_gordan", self.clebsch_gordan),
            "so3.wigner_3j": Capability("so3.wigner_3j", self.wigner_3j),
            "so3.gaunt": Capability("so3.gaunt", self.gaunt),
            "so3.real_gaunt": Capability("so3.real_gaunt", self.real_gaunt),
            "so3.coupling_tensor": Capability("so3.coupling_tensor", self.coupling_tensor),
            "so3.spherical_harmonics": Capability("so3.spherical_harmonics", self.spherical_harmonics),
        }
        real = self.conventions["so3.basis"] == "real"
        plain = self.conventions["so3.phase"] == "condon_shortley"
        if real and plain:  # the kernel's D acts on these real harmonics
            found["so3.wigner_D"] = Capability("so3.wigner_D", self.wigner_D)
            found["so3.wigner_D_matrix"] = Capability("so3.wigner_D_matrix", self.wigner_D_matrix)
        if self.dtype == "float64":  # the VJP contract (relative 1e-12) is a float64 one
            found["optics.checkpointed_vjp"] = Capability("optics.checkpointed_vjp", self.checkpointed_vjp)
        if real and plain and self.conventions["so3.normalization"] == "integral":
            found["so3.gaunt_tensor_product"] = Capability("so3.gaunt_tensor_product", self.gaunt_tensor_product)
        return found


def _degree_of_length(length: int, name: str) -> int:
    degree = round(length**0.5) - 1
    if (degree + 1) ** 2 != length:
        raise ValueError(f"{name} must have (L+1)² entries, got {length}")
    return degree


def _assay_version() -> str:
    try:
        from importlib.metadata import version

        return version("assay")
    except Exception:
        return "unknown"
