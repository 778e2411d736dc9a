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
"""

from __future__ import annotations

import contextlib

import numpy as np

from assay.conformance.adapters._torch import check_dtype, to_numpy, to_tensor
from assay.conformance.adapters.protocol import Adapter, AdapterUnavailable, capability
from assay.core.conventions import resolve
from assay.reference.so3.conventions import NORMALIZATION

__all__ = ["E3nnAdapter"]

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
    def spherical_harmonics(self, l_max: int, xyz: np.ndarray) -> np.ndarray:
        from e3nn import o3

        points = to_tensor(xyz, self.dtype, self.device)
        values = o3.spherical_harmonics(list(range(l_max + 1)), points, normalize=True,
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
