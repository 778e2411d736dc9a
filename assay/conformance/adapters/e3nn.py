"""The ``e3nn`` adapter: ``e3nn.o3`` spherical harmonics, Wigner D and ``wigner_3j`` coupling tensors.

Conventions: real harmonics with the polar axis on y (``Y_e3nn(x, y, z) = Y_real(z, x, y)``), m = −l..l, the
normalization given as an option (``integral`` by default, as ``o3.spherical_harmonics``; also ``component``,
``norm``), Euler angles Y–X–Y (``o3.wigner_D(l, α, β, γ)`` is the D of ``R_y(α) R_x(β) R_y(γ)``), coupling tensors
with Frobenius norm 1 (``o3.wigner_3j``). ``o3.spherical_harmonics`` stops at l = 12, so higher degrees are
"not provided". e3nn has no scalar CG/3j/Gaunt functions and no Gaunt tensor product.

Options: ``dtype`` (float64, float32), ``device``, ``normalization``, ``default_dtype`` (the torch default dtype
set while e3nn runs; by default torch's own, float32). e3nn builds the generators behind ``o3.wigner_D`` and
``D_from_matrix`` (``so3_generators``) in the torch default dtype, so with the default float32 a float64 D carries
float32 errors (≈ 1e-6 at l = 2); ``e3nn[default_dtype=float64]`` is the setting under which e3nn's float64 D
is accurate.

:class:`E3nnTensorProductAdapter` (registered as ``e3nn-tensor-product``) provides ``so3.gaunt_tensor_product``
with ``e3nn.o3.TensorProduct`` over every Gaunt path (see its docstring).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from types import MappingProxyType
from typing import ClassVar

import numpy as np

from assay.conformance.adapters._torch import check_dtype, to_numpy, to_tensor
from assay.conformance.adapters.protocol import Adapter, AdapterUnavailable, capability
from assay.core.conventions import resolve
from assay.reference.so3.conventions import NORMALIZATION

__all__ = ["E3nnAdapter", "E3nnTensorProductAdapter"]

#: The largest degree o3.spherical_harmonics implements (it raises NotImplementedError above).
E3NN_SH_MAX_DEGREE = 12


class E3nnAdapter(Adapter):
    """``e3nn.o3`` under test (see the module docstring)."""

    def __init__(self, dtype: str = "float64", device: str = "cpu", normalization: str = "integral",
                 default_dtype: str | None = None) -> None:
        try:
            import e3nn
            import torch
        except ImportError as error:
            raise AdapterUnavailable(f"e3nn is not installed ({error}); pip install e3nn") from error
        self.name = "e3nn" if default_dtype is None else f"e3nn[default_dtype={default_dtype}]"
        self._default_dtype = None if default_dtype is None else getattr(torch, check_dtype(default_dtype))
        self.version = e3nn.__version__
        self.dtype = check_dtype(dtype)
        self.device = str(torch.device(device))
        self.conventions = {
            "so3.basis": "real",
            "so3.normalization": resolve(NORMALIZATION, normalization, "normalization"),
            "so3.phase": "condon_shortley",
            "so3.polar_axis": "y",
            "so3.m_order": "ascending",
            "so3.euler": "e3nn_yxy",
            "so3.coupling": "e3nn",
        }

    @contextlib.contextmanager
    def _torch_default_dtype(self):
        import torch

        if self._default_dtype is None:
            yield
            return
        previous = torch.get_default_dtype()
        torch.set_default_dtype(self._default_dtype)
        try:
            yield
        finally:
            torch.set_default_dtype(previous)

    @capability("so3.spherical_harmonics", max_degree=E3NN_SH_MAX_DEGREE)
    def spherical_harmonics(self, lmax: int, xyz: np.ndarray) -> np.ndarray:
        from e3nn import o3

        points = to_tensor(xyz, self.dtype, self.device)
        values = o3.spherical_harmonics(list(range(lmax + 1)), points, normalize=True,
                                        normalization=self.conventions["so3.normalization"])
        return to_numpy(values)

    @capability("so3.coupling_tensor")
    def coupling_tensor(self, l1: int, l2: int, l3: int) -> np.ndarray:
        import torch
        from e3nn import o3

        return to_numpy(o3.wigner_3j(l1, l2, l3, dtype=getattr(torch, self.dtype), device=self.device))

    @capability("so3.wigner_D")
    def wigner_D(self, l: int, alpha: float, beta: float, gamma: float) -> np.ndarray:
        from e3nn import o3

        angles = [to_tensor(a, self.dtype, self.device) for a in (alpha, beta, gamma)]
        with self._torch_default_dtype():
            return to_numpy(o3.wigner_D(l, *angles))

    @capability("so3.wigner_D_matrix")
    def wigner_D_matrix(self, l: int, R: np.ndarray) -> np.ndarray:
        from e3nn import o3

        with self._torch_default_dtype():
            return to_numpy(o3.Irrep(l, 1).D_from_matrix(to_tensor(R, self.dtype, self.device)))


def _irreps(lmax: int) -> str:
    """``"1x0e+1x1o+1x2e+…"`` up to ``lmax``: one copy of each degree with the parity of a harmonic."""
    return "+".join(f"1x{l}{'e' if l % 2 == 0 else 'o'}" for l in range(lmax + 1))


def _gaunt_path_weight(l1: int, l2: int, l3: int) -> float:
    """The factor turning e3nn's ``o3.wigner_3j(l1, l2, l3)`` (Frobenius norm 1) into the real Gaunt tensor:
    ``√((2l1+1)(2l2+1)(2l3+1)/(4π)) · |(l1 l2 l3; 0 0 0)|`` (positive for every parity-even triple; checked
    against :func:`assay.reference.so3.gaunt.real_gaunt` entry by entry to 1.7e-16 for l ≤ 4)."""
    import math

    from assay.reference.so3.coupling import wigner_3j

    return math.sqrt((2 * l1 + 1) * (2 * l2 + 1) * (2 * l3 + 1) / (4 * math.pi)) * abs(
        float(wigner_3j(l1, l2, l3, 0, 0, 0)))


class E3nnTensorProductAdapter(Adapter):
    """``e3nn.o3.TensorProduct`` as a Gaunt tensor product (``so3.gaunt_tensor_product``).

    Wrapped: ``o3.TensorProduct(irreps1, irreps2, irreps_out, instructions, irrep_normalization="none",
    path_normalization="none")`` with ``irreps1 = 1x0e+1x1o+…`` up to L1 (the parity of a harmonic of each degree),
    ``irreps2`` up to L2 and ``irreps_out`` up to ``l_out``, and one instruction ``(i1, i2, i3, "uuu", False,
    w²)`` for every path with ``l1 + l2 + l3`` even and the triangle inequality (exactly the non-zero real Gaunt
    paths; e3nn's parity rule admits no others). e3nn multiplies path i by ``√(path_weight)`` times
    ``o3.wigner_3j`` (Frobenius norm 1, e3nn's y-polar real basis), so ``w = √((2l1+1)(2l2+1)(2l3+1)/(4π)) ·
    |(l1 l2 l3; 0 0 0)|`` makes each path the real Gaunt tensor. That tensor is rotation invariant, hence the same
    in e3nn's basis and in the z-polar real basis, so the product agrees with
    :func:`assay.reference.so3.tensor_product.gaunt_tensor_product` on z-polar coefficients (checked to 1e-16
    for L ≤ 3). One TensorProduct is built per ``(L1, L2, l_out)`` (under the torch default dtype of ``dtype``,
    so that e3nn's 3j buffers are not float32 in a float64 product) and cached; its construction runs outside any
    active torch dispatch mode, so a FLOP count of a first call measures the product only.

    Conventions: real basis, Condon–Shortley phase, m ascending; e3nn's polar axis y (the Gaunt product does not
    depend on it). Integral normalization.

    Complexity claim ``L^6`` (the exponent of e3nn's algorithm): each path is a dense contraction with the
    ``(2l1+1)(2l2+1)(2l3+1)`` 3j tensor (a matrix product of 2·(2l1+1)(2l2+1)(2l3+1) FLOPs for batch 1), and
    ``Σ_{l1,l2≤L} Σ_{l3} (2l1+1)(2l2+1)(2l3+1) ∝ L⁶`` for L1 = L2 = L, l_out = 2L. Measured with
    :func:`assay.core.flops.count_flops` at L = 4, 8, 12, 16 (l_out = 2L, float64, e3nn 0.6.0, torch 2.13 CPU):
    ``MEASURED_FLOPS`` = 31,204 / 1,027,304 / 9,131,020 / 45,066,832 — within 0.1 % of that closed form — whose
    log-log fit is ``MEASURED_EXPONENT`` = 5.24: lower-order terms bend the fit below 6 at these sizes (the closed
    form itself fits 5.22 on L = 4..16 and 5.92 on L = 64..128). Building the TensorProduct is the expensive part
    here: ≈ 3 s at L = 4, 10 s at L = 8, 76 s at L = 12, 270 s at L = 16 on 2 shared cores. The builtin Fourier
    route declares ``L^3``.

    Options: ``dtype`` (float64, float32), ``device``.
    """

    #: count_flops of one product (batch 1) at L = 4, 8, 12, 16 with l_out = 2L (e3nn 0.6.0, torch CPU, float64).
    MEASURED_FLOPS: ClassVar[Mapping[int, int]] = MappingProxyType(
        {4: 31_204, 8: 1_027_304, 12: 9_131_020, 16: 45_066_832})
    MEASURED_EXPONENT: ClassVar[float] = 5.24

    def __init__(self, dtype: str = "float64", device: str = "cpu") -> None:
        try:
            import e3nn
            import torch
        except ImportError as error:
            raise AdapterUnavailable(f"e3nn is not installed ({error}); pip install e3nn") from error
        self.name = "e3nn-tensor-product"
        self.version = e3nn.__version__
        self.dtype = check_dtype(dtype)
        self.device = str(torch.device(device))
        self.conventions = {
            "so3.basis": "real",
            "so3.normalization": "integral",
            "so3.phase": "condon_shortley",
            "so3.polar_axis": "y",
            "so3.m_order": "ascending",
        }
        self._products: dict[tuple[int, int, int], object] = {}

    def _product(self, l1_max: int, l2_max: int, l_out: int):
        key = (l1_max, l2_max, l_out)
        if key not in self._products:
            self._products[key] = self._build(*key)
        return self._products[key]

    def _build(self, l1_max: int, l2_max: int, l_out: int):
        import torch
        from e3nn import o3

        try:  # construction is a one-time cost: keep it out of an active FLOP counter
            from torch.utils._python_dispatch import _disable_current_modes as no_modes
        except ImportError:  # pragma: no cover - older torch
            no_modes = contextlib.nullcontext
        instructions = [
            (l1, l2, l3, "uuu", False, _gaunt_path_weight(l1, l2, l3) ** 2)
            for l1 in range(l1_max + 1) for l2 in range(l2_max + 1)
            for l3 in range(abs(l1 - l2), min(l1 + l2, l_out) + 1) if (l1 + l2 + l3) % 2 == 0
        ]
        previous = torch.get_default_dtype()
        with no_modes():
            torch.set_default_dtype(getattr(torch, self.dtype))
            try:
                product = o3.TensorProduct(_irreps(l1_max), _irreps(l2_max), _irreps(l_out), instructions,
                                           irrep_normalization="none", path_normalization="none")
            finally:
                torch.set_default_dtype(previous)
            return product.to(device=self.device, dtype=getattr(torch, self.dtype))

    # max_degree bounds l_out: building the TensorProduct takes 270 s at L = 16 (l_out = 32), so the suite stops at
    # L = 12 (l_out = 24) — a limit of this adapter's patience, not of e3nn
    @capability("so3.gaunt_tensor_product", complexity="L^6", max_degree=24)
    def gaunt_tensor_product(self, x: np.ndarray, y: np.ndarray, l_out: int) -> np.ndarray:
        l1_max, l2_max = _degree_of_length(len(x), "x"), _degree_of_length(len(y), "y")
        product = self._product(l1_max, l2_max, int(l_out))
        out = product(to_tensor(x, self.dtype, self.device)[None], to_tensor(y, self.dtype, self.device)[None])
        return to_numpy(out[0])


def _degree_of_length(length: int, name: str) -> int:
    degree = round(length**0.5) - 1
    if degree < 0 or (degree + 1) ** 2 != length:
        raise ValueError(f"{name} must have (L+1)² entries, got {length}")
    return degree
