"""Bad input to every public SO(3) function (kernels and references, not the SH kernel) is refused clearly.

Three tables, each parametrized over its rows, so a new function is covered by adding a row:

- :data:`REFUSED` — ``(callable, args, kwargs, exception type, regex)``: the call must raise exactly that type
  (``ValueError`` or ``TypeError``) with a message that matches the regex, which names the argument and the rule.
- :data:`SIZE_LIMITS` — calls beyond a function's stated size limit (degree, spin, dps): refused with a
  ``ValueError`` naming the limit, *before* allocating — the Python/numpy memory traced during the call stays
  under 1 MiB (torch allocations are not traced; the kernels' limits are checked before any plan is built).
- :data:`EDGE_CASES` — legitimate edge inputs (empty batches, numpy integers, meta tensors) with the right answer.
"""

from __future__ import annotations

import importlib
import math
import tracemalloc
from fractions import Fraction

import numpy as np
import pytest
import torch

# modules by name: the packages re-export functions with some of the same names
cg_kernel = importlib.import_module("assay.kernels.so3.cg_tensor_product")
gtp_kernel = importlib.import_module("assay.kernels.so3.gaunt_tensor_product")
s2grid_kernel = importlib.import_module("assay.kernels.so3.s2grid")
wigner_kernel = importlib.import_module("assay.kernels.so3.wigner")
basis = importlib.import_module("assay.reference.so3.basis")
coupling = importlib.import_module("assay.reference.so3.coupling")
fourier = importlib.import_module("assay.reference.so3.fourier")
gaunt = importlib.import_module("assay.reference.so3.gaunt")
harmonics = importlib.import_module("assay.reference.so3.harmonics")
real_coupling = importlib.import_module("assay.reference.so3.real_coupling")
rotations = importlib.import_module("assay.reference.so3.rotations")
reference_gtp = importlib.import_module("assay.reference.so3.tensor_product")
reference_wigner = importlib.import_module("assay.reference.so3.wigner")

X4 = torch.zeros(4)
X9 = torch.ones(9)
EYE = torch.eye(3, dtype=torch.float64)
I2 = 2 * np.eye(3)  # not orthogonal: ‖RᵀR − I‖ = 3
NAN = float("nan")
INF = float("inf")


def _row(call, args, kwargs, error, pattern, name):
    return pytest.param(call, args, kwargs, error, pattern, id=name)


# -- kernels --------------------------------------------------------------------------------------------------
KERNEL_ROWS = [
    # the Gaunt product (every route) and the sparse coupling product
    _row(gtp_kernel.gaunt_tensor_product, (X9, X9, 0, 0), {}, ValueError,
         r"x has 9 = 9·\(lmax1\+1\)² numbers: 9 channels .* one vector of degree <= 2; pass channels=9",
         "gtp-ambiguous-channels"),
    _row(gtp_kernel.gaunt_tensor_product, (X9, X9, 0, 0), {"channels": 3}, ValueError,
         r"x must have a last dimension of channels·\(lmax1\+1\)² = 3", "gtp-channels-mismatch"),
    _row(gtp_kernel.gaunt_tensor_product, (X4, X4, 1, 1), {"channels": 0}, ValueError, r"channels must be >= 1",
         "gtp-channels-zero"),
    _row(gtp_kernel.gaunt_tensor_product, (X4, X4, 1, 1), {"channels": 1.0}, TypeError, r"channels must be an int",
         "gtp-channels-float"),
    _row(gtp_kernel.gaunt_tensor_product, (torch.zeros(5), X4, 1, 1), {}, ValueError,
         r"x must have a last dimension that is a positive multiple of \(lmax\+1\)² = 4", "gtp-x-width"),
    _row(gtp_kernel.gaunt_tensor_product, (X4, torch.zeros(8), 1, 1), {}, ValueError,
         r"x has 1 channels of degree <= 1 but y has 2", "gtp-channel-count"),
    _row(gtp_kernel.gaunt_tensor_product, (torch.tensor(1.0), torch.tensor(1.0), 0, 0), {}, ValueError,
         r"x must have at least one dimension", "gtp-0d"),
    _row(gtp_kernel.gaunt_tensor_product, (X4.half(), X4.half(), 1, 1), {}, TypeError,
         r"x must have dtype float32 or float64, got float16", "gtp-float16"),
    _row(gtp_kernel.gaunt_tensor_product, (X4.bfloat16(), X4.bfloat16(), 1, 1), {}, TypeError,
         r"x must have dtype float32 or float64, got bfloat16", "gtp-bfloat16"),
    _row(gtp_kernel.gaunt_tensor_product, (X4, X4.double(), 1, 1), {}, ValueError,
         r"y and x must have the same dtype", "gtp-dtype-mismatch"),
    _row(gtp_kernel.gaunt_tensor_product, (X4, torch.zeros(4, device="meta"), 1, 1), {}, ValueError,
         r"y and x must be on the same device", "gtp-device-mismatch"),
    _row(gtp_kernel.gaunt_tensor_product, ([0.0] * 4, X4, 1, 1), {}, TypeError, r"x must be a torch.Tensor",
         "gtp-list"),
    _row(gtp_kernel.gaunt_tensor_product, (X4, X4, 1.0, 1), {}, TypeError, r"lmax1 must be an int, got float",
         "gtp-float-degree"),
    _row(gtp_kernel.gaunt_tensor_product, (X4, X4, -1, 1), {}, ValueError, r"lmax1 must be >= 0", "gtp-negative"),
    _row(gtp_kernel.gaunt_tensor_product, (X4, X4, 1, 1, 3), {}, ValueError, r"lmax_out must be <= lmax1 \+ lmax2",
         "gtp-lmax-out"),
    _row(gtp_kernel.gaunt_tensor_product, (X4, X4, 1, 1), {"method": "fft"}, ValueError, r"method must be one of",
         "gtp-method"),
    _row(gtp_kernel.gaunt_tensor_product, (X4, X4, 1, 1), {"method": 3}, TypeError, r"method must be a str",
         "gtp-method-type"),
    _row(gtp_kernel.gaunt_tensor_product, (X4, X4, 1, 1), {"layout": "ir"}, ValueError, r"layout must be one of",
         "gtp-layout"),
    _row(gtp_kernel.gaunt_tensor_product, (X4, X4, 1, 1), {"weights1": [1.0, 2.0]}, TypeError,
         r"weights1 must be a torch.Tensor", "gtp-weights-list"),
    _row(gtp_kernel.gaunt_tensor_product, (X4, X4, 1, 1), {"weights2": torch.ones(3)}, ValueError,
         r"weights2 must have shape \(2,\) or \(1, 2\)", "gtp-weights-shape"),
    _row(gtp_kernel.gaunt_tensor_product, (X4, X4, 1, 1), {"weights1": torch.ones(2, dtype=torch.complex64)},
         TypeError, r"weights1 must be real", "gtp-weights-complex"),
    _row(gtp_kernel.gaunt_tensor_product, (X4, X4, 1, 1), {"weights_out": torch.ones(3, device="meta")},
         ValueError, r"weights_out is a meta tensor", "gtp-weights-meta"),
    _row(gtp_kernel.gaunt_tensor_product, (torch.zeros(2, 4), torch.zeros(3, 4), 1, 1), {}, ValueError,
         r"batch dimensions of x and y must broadcast", "gtp-broadcast"),
    _row(s2grid_kernel.s2grid_gaunt_tensor_product, (X9, X9, 0, 0), {}, ValueError, r"pass channels=9",
         "s2grid-ambiguous-channels"),
    _row(cg_kernel.coupling_tensor_product, (X4, X4, 1, 1), {"coupling": "racah"}, ValueError,
         r"coupling must be one of 'gaunt', 'cg', 'e3nn'", "ctp-coupling"),
    _row(cg_kernel.coupling_tensor_product, (X4, X4, 1, 1), {"coupling": None}, TypeError, r"coupling must be a str",
         "ctp-coupling-type"),
    _row(cg_kernel.coupling_tensor_product, (X4, X4, 1, 1), {"path_weights": {(5, 5, 5): 1.0}}, ValueError,
         r"path_weights key \(5, 5, 5\) is not a path of this product: it needs l1 <= lmax1 = 1", "ctp-unknown-path"),
    _row(cg_kernel.coupling_tensor_product, (X4, X4, 1, 1), {"path_weights": {(1, 1, 1): 1.0}}, ValueError,
         r"l1 \+ l2 \+ l3 even \(the Gaunt coupling has no odd paths\)", "ctp-odd-gaunt-path"),
    _row(cg_kernel.coupling_tensor_product, (X4, X4, 1, 1), {"path_weights": {(1, 1): 1.0}}, TypeError,
         r"path_weights keys must be \(l1, l2, l3\) triples", "ctp-short-key"),
    _row(cg_kernel.coupling_tensor_product, (X4, X4, 1, 1), {"path_weights": {(1, 1, 2): NAN}}, ValueError,
         r"path_weights\[\(1, 1, 2\)\] must be finite", "ctp-nan-weight"),
    _row(cg_kernel.coupling_tensor_product, (X4, X4, 1, 1), {"path_weights": [1.0]}, TypeError,
         r"path_weights must be a mapping", "ctp-weights-list"),
    _row(cg_kernel.coupling_tensor_product, (X9, X9, 0, 0), {}, ValueError, r"pass channels=9",
         "ctp-ambiguous-channels"),
    _row(cg_kernel.sparse_coupling, (1, 1, 2), {"dtype": torch.float16}, TypeError,
         r"dtype must be torch.float32 or torch.float64", "sparse-coupling-dtype"),
    _row(cg_kernel.sparse_coupling, (1, 1, 2), {"device": 3}, TypeError, r"device must be a torch.device or a str",
         "sparse-coupling-device"),
    _row(cg_kernel.gaunt_coupling, (1, 1, 3), {}, ValueError, r"lmax_out must be <= lmax1 \+ lmax2 = 2",
         "gaunt-coupling-lmax-out"),
    _row(cg_kernel.gaunt_coupling_count, ("1", 1, 2), {}, TypeError, r"lmax1 must be an int", "coupling-count-str"),
    _row(cg_kernel.sparse_coupling_stacked, (torch.zeros(2, 4), torch.zeros(2, 9), "plan"), {}, TypeError,
         r"plan must be a FourierPlan, S2GridPlan or SparseCoupling", "stacked-plan-type"),
    _row(gtp_kernel.fourier_gaunt_stacked, (torch.zeros(2, 5), torch.zeros(2, 4), gtp_kernel.fourier_plan(1, 1, 2)),
         {}, ValueError, r"x must have shape \(N, 4\) for this plan, got \(2, 5\)", "fourier-stacked-shape"),
    _row(s2grid_kernel.s2grid_gaunt_stacked, (torch.zeros(2, 4), torch.zeros(3, 4), s2grid_kernel.s2grid_plan(1, 1, 2)),
         {}, ValueError, r"x and y must have the same number of rows", "s2grid-stacked-rows"),
    _row(s2grid_kernel.s2grid_gaunt_flat, (torch.zeros(2, 4), torch.zeros(2, 4), s2grid_kernel.s2grid_plan(1, 1, 2), 0,
                                           "mul_ir"), {}, ValueError, r"channels must be >= 1", "s2grid-flat-channels"),
    _row(s2grid_kernel.s2grid_gaunt_flat, (torch.zeros(2, 4), torch.zeros(2, 4), "plan", 1, "mul_ir"), {}, TypeError,
         r"plan must be an S2GridPlan", "s2grid-flat-plan"),
    _row(gtp_kernel.fourier_plan, (1, 1, 2), {"dtype": torch.int64}, TypeError, r"dtype must be torch.float32",
         "fourier-plan-dtype"),
    _row(gtp_kernel.fourier_plan, (1, 1, 2), {"device": "nowhere"}, ValueError, r"device must name a torch device",
         "fourier-plan-device"),
    _row(gtp_kernel.fourier_grid_size, (1, -1, 0), {}, ValueError, r"lmax2 must be >= 0", "fourier-grid-size"),
    _row(s2grid_kernel.s2grid_size, (True, 1, 1), {}, TypeError, r"lmax1 must be a number, not a bool",
         "s2grid-size-bool"),
    _row(s2grid_kernel.s2grid_plan, (np.float64(2.0), 1, 1), {}, TypeError, r"lmax1 must be an int",
         "s2grid-plan-float"),
    _row(gtp_kernel.select_method, (torch.tensor(1), 1, 2, 1), {}, TypeError, r"lmax1 must be an int",
         "select-method-tensor"),
    _row(gtp_kernel.select_method, (1, 1, 2, 0), {}, ValueError, r"channels must be >= 1", "select-method-channels"),
    # Wigner D and rotations
    _row(wigner_kernel.wigner_D_from_matrix, (2, torch.eye(3, dtype=torch.float16)), {}, TypeError,
         r"R must have dtype float32 or float64, got float16", "D-float16"),
    _row(wigner_kernel.wigner_D_from_matrix, (2, torch.eye(3, dtype=torch.bfloat16)), {}, TypeError,
         r"R must have dtype float32 or float64, got bfloat16", "D-bfloat16"),
    _row(wigner_kernel.wigner_D_from_matrix, (2, np.eye(3)), {}, TypeError, r"R must be a torch.Tensor", "D-numpy"),
    _row(wigner_kernel.wigner_D_from_matrix, (2, torch.eye(4)), {}, ValueError, r"R must have shape \(\.\.\., 3, 3\)",
         "D-shape"),
    _row(wigner_kernel.wigner_D_from_matrix, (-1, EYE), {}, ValueError, r"l must be non-negative", "D-negative"),
    _row(wigner_kernel.wigner_D_from_matrix, (1.5, EYE), {}, ValueError, r"l must be an integer degree", "D-half"),
    _row(wigner_kernel.wigner_D_from_matrix, (2, EYE), {"polar_axis": "x"}, ValueError, r"polar_axis must be one of",
         "D-polar-axis"),
    _row(wigner_kernel.wigner_D_blocks, ("2", EYE), {}, TypeError, r"lmax must be an integer or half-integer number",
         "D-blocks-str"),
    _row(wigner_kernel.wigner_D_block_diagonal, (2, EYE.to(torch.complex128)), {}, TypeError,
         r"R must have dtype float32 or float64", "D-block-diagonal-complex"),
    _row(wigner_kernel.wigner_D_from_angles, (2, torch.zeros(2, dtype=torch.float64), torch.zeros(2), 0.0), {},
         ValueError, r"beta and alpha must have the same dtype", "D-angles-dtype-mismatch"),
    _row(wigner_kernel.rotation_from_angles, ("a", 0.0, 0.0), {}, TypeError,
         r"alpha must be a real number or a float tensor, got str", "rotation-str"),
    _row(wigner_kernel.rotation_from_angles, (0.0, 1j, 0.0), {}, TypeError, r"beta must be a real number",
         "rotation-complex"),
    _row(wigner_kernel.rotation_from_angles, (torch.zeros(2), torch.zeros(3), 0.0), {}, ValueError,
         r"alpha, beta and gamma must broadcast together", "rotation-broadcast"),
    _row(wigner_kernel.rotation_from_angles, (0.0, torch.tensor(1), 0.0), {}, TypeError,
         r"beta must have dtype float32 or float64, got int64", "rotation-int-tensor"),
    _row(wigner_kernel.rotation_from_angles, (0.1, 0.2, 0.3), {"euler": "xyz"}, ValueError, r"euler must be one of",
         "rotation-euler"),
    _row(wigner_kernel.rotation_from_angles, (1e308, 0.2, 0.3), {}, ValueError, r"alpha must be finite in float32",
         "rotation-overflow"),
    _row(wigner_kernel.wigner_D_from_angles, (2, 0.1, INF, torch.tensor(0.3)), {}, ValueError,
         r"beta must be finite in float32", "D-angles-inf"),
]

# -- references -----------------------------------------------------------------------------------------------
REFERENCE_ROWS = [
    # tolerances: NaN, inf and negative values would switch the checks off
    _row(rotations.quaternion_from_matrix, (I2,), {"atol": NAN}, ValueError,
         r"atol must be a finite tolerance >= 0 \(NaN or inf would switch the check off\)", "qfm-atol-nan"),
    _row(rotations.quaternion_from_matrix, (I2,), {"atol": INF}, ValueError, r"atol must be a finite tolerance",
         "qfm-atol-inf"),
    _row(rotations.quaternion_from_matrix, (I2,), {"atol": -1.0}, ValueError, r"atol must be >= 0", "qfm-atol-neg"),
    _row(rotations.quaternion_from_matrix, (np.eye(3),), {"atol": "1e-3"}, TypeError, r"atol must be a real number",
         "qfm-atol-str"),
    _row(rotations.quaternion_from_matrix, (I2,), {}, ValueError, r"R must be orthogonal", "qfm-not-orthogonal"),
    _row(rotations.euler_from_matrix, (I2,), {"atol": NAN}, ValueError, r"atol must be a finite tolerance",
         "efm-atol-nan"),
    _row(rotations.matrix_from_quaternion, ((2, 0, 0, 0),), {"atol": NAN}, ValueError,
         r"atol must be a finite tolerance", "mfq-atol-nan"),
    _row(rotations.matrix_from_quaternion, ((2, 0, 0, 0),), {"normalize": "yes"}, TypeError,
         r"normalize must be a bool", "mfq-normalize-str"),
    _row(rotations.check_rotation_matrix, (np.eye(3),), {"allow_improper": 1}, TypeError,
         r"allow_improper must be a bool", "crm-flag"),
    _row(rotations.check_rotation_matrix, ("abc",), {}, TypeError, r"R must be a 3×3 matrix of numbers",
         "crm-str"),
    _row(rotations.check_unit_quaternion, ((1, 0, 0, 0),), {"atol": -1}, ValueError, r"atol must be >= 0",
         "cuq-atol"),
    _row(rotations.matrix_entries, (np.eye(2),), {}, ValueError, r"R must be a 3×3 matrix", "matrix-entries"),
    _row(rotations.quaternion_multiply, ("abcd", (1, 0, 0, 0)), {}, TypeError,
         r"q1 must be a sequence of 4 numbers", "quaternion-multiply-str"),
    _row(rotations.quaternion_multiply, ((1, 0, 0, 0), (1, 0, NAN, 0)), {}, ValueError, r"q2\[2\] must be finite",
         "quaternion-multiply-nan"),
    _row(rotations.rotation_matrix_from_quaternion, ("abcd",), {}, TypeError, r"q must be an array of quaternions",
         "rmfq-str"),
    _row(rotations.rotation_matrix_from_quaternion, ([2.0, 0, 0, 0],), {}, ValueError,
         r"q must hold finite unit quaternions", "rmfq-not-unit"),
    _row(rotations.rotation_x, (NAN,), {}, ValueError, r"angle must be finite", "rotation-x-nan"),
    _row(rotations.rotation_y, (0.1,), {"dps": 0}, ValueError, r"dps must be >= 1", "rotation-y-dps"),
    _row(rotations.rotation_z, ("0.1",), {}, TypeError, r"angle must be a real number", "rotation-z-str"),
    _row(rotations.matrix_from_euler, (0, 0, 0), {"euler": "xyz"}, ValueError, r"euler must be one of",
         "mfe-euler"),
    _row(rotations.quaternion_from_euler, (INF, 0, 0), {}, ValueError, r"alpha must be finite", "qfe-inf"),
    _row(reference_wigner.wigner_D_from_quaternion, (1, (2, 0, 0, 0)), {"atol": NAN}, ValueError,
         r"atol must be a finite tolerance", "ref-D-quaternion-atol"),
    _row(reference_wigner.wigner_D_from_matrix, (1, I2), {"atol": NAN}, ValueError,
         r"atol must be a finite tolerance", "ref-D-matrix-atol"),
    _row(reference_wigner.wigner_D_from_matrix, (Fraction(1, 2), np.eye(3)), {}, ValueError,
         r"l must be an integer for wigner_D_from_matrix", "ref-D-matrix-half"),
    _row(reference_wigner.wigner_D, (1, 0.1, 0.2, 0.3), {"basis": "real", "dps": 2.5}, TypeError,
         r"dps must be an int", "ref-D-dps-float"),
    _row(reference_wigner.wigner_D, (Fraction(1, 2), 0, 0, 0), {"basis": "real"}, ValueError,
         r"l must be an integer for basis='real'", "ref-D-real-half"),
    _row(reference_wigner.wigner_small_d, (1, 2, 0, 0.1), {}, ValueError, r"\|mp\| must be <= j = 1",
         "small-d-m"),
    _row(reference_wigner.wigner_small_d_matrix, (1, NAN), {}, ValueError, r"beta must be finite",
         "small-d-matrix-nan"),
    _row(reference_wigner.wigner_small_d_half_pi_exact, (-1,), {}, ValueError, r"l must be non-negative",
         "half-pi-negative"),
    # exact coupling coefficients
    _row(coupling.wigner_3j, (1, 1, 1, 2, 0, -2), {}, ValueError, r"\|m1\| must be <= j1", "3j-m"),
    _row(coupling.wigner_3j, (1, 1, 1, 0.5, 0, -0.5), {}, ValueError, r"j1 and m1 must both be integers",
         "3j-parity"),
    _row(coupling.wigner_3j, (True, 1, 1, 0, 0, 0), {}, TypeError, r"j1 must be a number, not a bool", "3j-bool"),
    _row(coupling.clebsch_gordan, (1, 1, 1, 0, 0, NAN), {}, ValueError, r"m3 must be finite", "cg-nan"),
    _row(coupling.clebsch_gordan, (0.3, 1, 1, 0, 0, 0), {}, ValueError, r"j1 must be an integer or a half-integer",
         "cg-third"),
    _row(gaunt.gaunt, (1, 1, 2, 0, 0, 3), {}, ValueError, r"\|m3\| must be <= l3 = 2", "gaunt-m"),
    _row(gaunt.real_gaunt, (1.5, 1, 2, 0, 0, 0), {}, ValueError, r"l1 must be an integer degree", "real-gaunt-half"),
    _row(real_coupling.real_coupling_tensor, (1, 1, 3), {}, ValueError, r"must satisfy \|l1 - l2\| <= l3",
         "coupling-tensor-triangle"),
    _row(real_coupling.real_coupling_tensor, (1, 1, 2), {"exact": "yes"}, TypeError, r"exact must be a bool",
         "coupling-tensor-exact"),
    _row(real_coupling.real_coupling_tensor, (1, 1, 2), {"convention": "racah"}, ValueError,
         r"convention must be one of", "coupling-tensor-convention"),
    # bases
    _row(basis.harmonic_index, (-1, 0), {}, ValueError, r"l must be non-negative", "harmonic-index-l"),
    _row(basis.harmonic_index, (1, 2), {}, ValueError, r"\|m\| must be <= l", "harmonic-index-m"),
    _row(basis.harmonic_index, (1, 0.0), {}, TypeError, r"m must be an int", "harmonic-index-float"),
    _row(basis.harmonic_index, ("1", 0), {}, TypeError, r"l must be an integer or half-integer number",
         "harmonic-index-str"),
    _row(basis.change_of_basis, (1, "complex", "polar"), {}, ValueError, r"target must be one of",
         "change-of-basis-target"),
    _row(basis.change_of_basis, (1,), {"exact": 1}, TypeError, r"exact must be a bool", "change-of-basis-exact"),
    _row(basis.complex_to_real_entries, (0.5,), {}, ValueError, r"l must be an integer degree",
         "complex-to-real-half"),
    _row(basis.real_to_e3nn_entries, (None,), {}, TypeError, r"l must be an integer or half-integer number",
         "real-to-e3nn-none"),
    # spherical harmonics (references)
    _row(harmonics.spherical_harmonic, (2, 3, 0.1, 0.2), {}, ValueError, r"\|m\| must be <= l = 2", "sh-m"),
    _row(harmonics.spherical_harmonic, (2, 1, NAN, 0.2), {}, ValueError, r"theta must be finite", "sh-nan"),
    _row(harmonics.spherical_harmonics, (2, 0.1, 0.2), {"normalization": "unit"}, ValueError,
         r"normalization must be one of", "sh-normalization"),
    _row(harmonics.spherical_harmonics_xyz, (2, (0, 0, 0)), {}, ValueError, r"xyz must not be the origin",
         "sh-xyz-origin"),
    _row(harmonics.spherical_harmonics_xyz, (2, (1, 0)), {}, ValueError, r"xyz must be one point with shape \(3,\)",
         "sh-xyz-shape"),
    _row(harmonics.spherical_harmonics_numpy, (2, "abc"), {}, TypeError, r"xyz must be an array of points",
         "sh-numpy-str"),
    _row(harmonics.spherical_harmonics_numpy, (2, [[NAN, 0, 1]]), {}, ValueError, r"xyz must be finite",
         "sh-numpy-nan"),
    _row(harmonics.normalization_factor, (-2, "integral"), {}, ValueError, r"l must be non-negative",
         "normalization-factor"),
    # torus Fourier series
    _row(fourier.legendre_fourier_series, (3, -1), {}, ValueError, r"k must be >= 0 \(it is \|m\|\)",
         "legendre-series-k"),
    _row(fourier.projection_integrals, (3, 1, -2), {}, ValueError, r"umax must be non-negative", "projection-umax"),
    _row(fourier.normalization_constant, (3, 4), {}, ValueError, r"\|k\| must be <= l = 3",
         "normalization-constant"),
    _row(fourier.sh_to_fourier, (2, 0), {"basis": "polar"}, ValueError, r"basis must be one of", "sh-to-fourier"),
    _row(fourier.fourier_to_sh, (2, 3, 4), {}, ValueError, r"\|m\| must be <= l = 2", "fourier-to-sh"),
    _row(fourier.to_complex, ("ab",), {}, TypeError, r"value must be an \(re, im\) pair", "to-complex"),
    _row(fourier.torus_angles, ([[NAN, 0, 1]],), {}, ValueError, r"xyz must be finite", "torus-angles-nan"),
    _row(fourier.torus_angles, ([[1, 0]],), {}, ValueError, r"xyz must have shape \(\.\.\., 3\)",
         "torus-angles-shape"),
    # the reference Gaunt product
    _row(reference_gtp.gaunt_tensor_product, ([1.0] * 4, [1.0] * 4, 1, 1), {"dps": 0}, ValueError,
         r"dps must be >= 1", "ref-gtp-dps"),
    _row(reference_gtp.gaunt_tensor_product, ([1.0] * 5, [1.0] * 4, 1, 1), {}, ValueError,
         r"x must have \(lmax\+1\)² = 4 entries", "ref-gtp-length"),
    _row(reference_gtp.gaunt_tensor_product, ([1.0, NAN, 0, 0], [1.0] * 4, 1, 1), {}, ValueError,
         r"x must be finite", "ref-gtp-nan"),
    _row(reference_gtp.gaunt_tensor_product, ("abcd", [1.0] * 4, 1, 1), {}, TypeError,
         r"x must be a sequence of numbers", "ref-gtp-str"),
    _row(reference_gtp.gaunt_tensor_product, ([1.0] * 4, [1.0] * 4, 1, 1, 3), {}, ValueError,
         r"lmax_out must be <= lmax1 \+ lmax2 = 2", "ref-gtp-lmax-out"),
    _row(reference_gtp.gaunt_tensor_product, ([1.0] * 4, [1.0] * 4, 1, 1), {"weights1": [1.0]}, ValueError,
         r"weights1 must have lmax \+ 1 = 2 per-degree entries", "ref-gtp-weights"),
    _row(reference_gtp.gaunt_coupling_entries, (1, 1, -1), {}, ValueError, r"lmax_out must be non-negative",
         "ref-gtp-entries"),
]


@pytest.mark.parametrize(("call", "args", "kwargs", "error", "pattern"), KERNEL_ROWS + REFERENCE_ROWS)
def test_bad_input_is_refused_naming_the_argument_and_the_rule(call, args, kwargs, error, pattern):
    with pytest.raises(Exception) as caught:
        call(*args, **kwargs)
    assert type(caught.value) is error, f"{type(caught.value).__name__}: {caught.value}"
    assert caught.value.args and str(caught.value), "the error has no message"
    assert caught.match(pattern)


# -- size limits: refused before anything large is allocated --------------------------------------------------
SIZE_LIMITS = [
    _row(coupling.wigner_3j, (10**5, 10**5, 0, 0, 0, 0), {}, ValueError, r"j1 must be <= 1000 \(MAX_SPIN", "3j"),
    _row(coupling.clebsch_gordan, (1, 1001, 1001, 0, 0, 0), {}, ValueError, r"j2 must be <= 1000", "cg"),
    _row(gaunt.gaunt, (2000, 0, 2000, 0, 0, 0), {}, ValueError, r"l1 must be <= 1000", "gaunt"),
    _row(gaunt.real_gaunt, (1, 1, 10**6, 0, 0, 0), {}, ValueError, r"l3 must be <= 1000", "real-gaunt"),
    _row(harmonics.spherical_harmonic, (10**6, 0, 0.1, 0.2), {}, ValueError, r"l must be <= 10000", "sh-single"),
    _row(harmonics.spherical_harmonic, (2, 0, 0.1, 0.2), {"dps": 10**6}, ValueError, r"dps must be <= 10000",
         "sh-dps"),
    _row(harmonics.spherical_harmonics, (501, 0.1, 0.2), {}, ValueError, r"l must be <= 500", "sh-vector"),
    _row(harmonics.spherical_harmonics_xyz, (10**6, (0, 0, 1)), {}, ValueError, r"l must be <= 500", "sh-xyz"),
    _row(harmonics.spherical_harmonics_numpy, (1001, np.zeros((0, 3))), {}, ValueError, r"l must be <= 1000",
         "sh-numpy"),
    _row(reference_wigner.wigner_D, (101, 0.1, 0.2, 0.3), {}, ValueError, r"l must be <= 100", "ref-D"),
    _row(reference_wigner.wigner_D_from_matrix, (10**4, np.eye(3)), {}, ValueError, r"l must be <= 100",
         "ref-D-matrix"),
    _row(reference_wigner.wigner_D_from_quaternion, (10**4, (1, 0, 0, 0)), {}, ValueError, r"l must be <= 100",
         "ref-D-quaternion"),
    _row(reference_wigner.wigner_small_d_matrix, (200, 0.1), {}, ValueError, r"j must be <= 100", "small-d-matrix"),
    _row(reference_wigner.wigner_small_d, (10**5, 0, 0, 0.1), {}, ValueError, r"j must be <= 1000", "small-d"),
    _row(reference_wigner.wigner_small_d_half_pi_exact, (65,), {}, ValueError, r"l must be <= 64", "half-pi"),
    _row(reference_wigner.wigner_D, (2, 0.1, 0.2, 0.3), {"dps": 10**6}, ValueError, r"dps must be <= 10000",
         "ref-D-dps"),
    _row(real_coupling.real_coupling_tensor, (33, 33, 33), {}, ValueError, r"l1 must be <= 32",
         "coupling-tensor"),
    _row(basis.change_of_basis, (10**5,), {}, ValueError, r"l must be <= 1000", "change-of-basis"),
    _row(basis.change_of_basis, (33, "real", "e3nn"), {}, ValueError, r"l must be <= 32 \(the e3nn basis",
         "change-of-basis-e3nn"),
    _row(basis.real_to_e3nn_entries, (100,), {}, ValueError, r"l must be <= 32", "real-to-e3nn"),
    _row(basis.complex_to_real_entries, (10**7,), {}, ValueError, r"l must be <= 1000", "complex-to-real"),
    _row(fourier.sh_to_fourier, (10**6, 0), {}, ValueError, r"l must be <= 128", "sh-to-fourier"),
    _row(fourier.fourier_to_sh, (2, 0, 10**6), {}, ValueError, r"umax must be <= 128", "fourier-to-sh-umax"),
    _row(fourier.legendre_fourier_series, (129, 0), {}, ValueError, r"l must be <= 128", "legendre-series"),
    _row(fourier.projection_integrals, (200, 0, 2), {}, ValueError, r"l must be <= 128", "projection"),
    _row(fourier.normalization_constant, (10**9, 0), {}, ValueError, r"l must be <= 128", "normalization"),
    _row(reference_gtp.gaunt_tensor_product, ([1.0] * 100, [1.0] * 100, 9, 9), {}, ValueError,
         r"lmax1 must be <= 8", "ref-gtp"),
    _row(reference_gtp.gaunt_coupling_entries, (20, 20, 40), {}, ValueError, r"lmax1 must be <= 8",
         "ref-gtp-entries"),
    _row(rotations.rotation_x, (0.1,), {"dps": 10**6}, ValueError, r"dps must be <= 10000", "rotation-dps"),
    _row(wigner_kernel.wigner_D_from_matrix, (501, EYE), {}, ValueError, r"l must be <= 500", "kernel-D"),
    _row(wigner_kernel.wigner_D_from_angles, (10**6, 0.1, 0.2, 0.3), {}, ValueError, r"l must be <= 500",
         "kernel-D-angles"),
    _row(wigner_kernel.wigner_D_blocks, (257, EYE), {}, ValueError, r"lmax must be <= 256", "kernel-D-blocks"),
    _row(wigner_kernel.wigner_D_block_diagonal, (65, EYE), {}, ValueError, r"lmax must be <= 64",
         "kernel-D-block-diagonal"),
    _row(gtp_kernel.gaunt_tensor_product, (torch.zeros(33**2), torch.zeros(34**2), 32, 33), {}, ValueError,
         r"lmax2 must be <= 32", "gtp-grid"),
    _row(gtp_kernel.gaunt_tensor_product, (torch.zeros(13**2), torch.zeros(14**2), 12, 13), {"method": "cg"},
         ValueError, r"lmax_out must be <= 24", "gtp-cg"),
    _row(cg_kernel.coupling_tensor_product, (torch.zeros(26**2), torch.zeros(4), 25, 1), {}, ValueError,
         r"lmax1 must be <= 24", "ctp"),
    _row(gtp_kernel.fourier_plan, (33, 1, 2), {}, ValueError, r"lmax1 must be <= 32", "fourier-plan"),
    _row(s2grid_kernel.s2grid_plan, (1, 100, 2), {}, ValueError, r"lmax2 must be <= 32", "s2grid-plan"),
    _row(cg_kernel.sparse_coupling, (13, 13, 25), {"coupling": "cg"}, ValueError, r"lmax_out must be <= 24",
         "sparse-coupling"),
    _row(cg_kernel.gaunt_coupling, (30, 1, 2), {}, ValueError, r"lmax1 must be <= 24", "gaunt-coupling"),
    _row(cg_kernel.gaunt_coupling_count, (300, 1, 2), {}, ValueError, r"lmax1 must be <= 256", "coupling-count"),
]


@pytest.mark.parametrize(("call", "args", "kwargs", "error", "pattern"), SIZE_LIMITS)
def test_sizes_beyond_the_stated_limit_are_refused_before_allocating(call, args, kwargs, error, pattern):
    tracemalloc.start()
    try:
        with pytest.raises(error, match=pattern):
            call(*args, **kwargs)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20, f"{peak / 2**20:.1f} MiB were allocated before the refusal"


def test_the_3j_factorial_table_stays_bounded():
    coupling.wigner_3j(1000, 1000, 1000, 0, 0, 0)  # the largest symbol allowed
    assert len(coupling._FACTORIALS) <= 3 * coupling.MAX_SPIN + 2
    with pytest.raises(ValueError, match="MAX_SPIN"):
        coupling.wigner_3j(10**5, 10**5, 0, 0, 0, 0)
    assert len(coupling._FACTORIALS) <= 3 * coupling.MAX_SPIN + 2


# -- legitimate edge cases: the right answer --------------------------------------------------------------------
def _empty_product(method: str) -> tuple:
    x = torch.zeros(0, 3, 2 * 9, requires_grad=True)  # batch (0, 3), two channels of degree ≤ 2
    y = torch.zeros(0, 3, 2 * 4)
    z = gtp_kernel.gaunt_tensor_product(x, y, 2, 1, method=method)
    (grad,) = torch.autograd.grad(z.sum(), x)
    return tuple(z.shape), tuple(grad.shape)


@pytest.mark.parametrize("method", ["auto", "fourier", "s2grid", "cg"])
def test_empty_batches_give_empty_products_with_gradients(method):
    assert _empty_product(method) == ((0, 3, 2 * 16), (0, 3, 2 * 9))


def test_empty_batches_of_the_coupling_product_and_at_higher_degrees():
    z = cg_kernel.coupling_tensor_product(torch.zeros(0, 4), torch.zeros(0, 4), 1, 1, coupling="cg")
    assert z.shape == (0, 9)
    for method in ("fourier", "s2grid"):  # degrees where the S² grid runs its separable flat path
        z = gtp_kernel.gaunt_tensor_product(torch.zeros(0, 100), torch.zeros(0, 64), 9, 7, 10, method=method)
        assert z.shape == (0, 121)
    plan = gtp_kernel.fourier_plan(2, 2, 4)
    assert gtp_kernel.fourier_gaunt_stacked(torch.zeros(0, 9, dtype=torch.float64),
                                            torch.zeros(0, 9, dtype=torch.float64), plan).shape == (0, 25)


@pytest.mark.parametrize("l", [0, 1, 2, 33, 40])
def test_empty_batches_of_wigner_D(l):
    R = torch.zeros(0, 3, 3, dtype=torch.float64)
    assert wigner_kernel.wigner_D_from_matrix(l, R).shape == (0, 2 * l + 1, 2 * l + 1)
    assert wigner_kernel.wigner_D_from_angles(l, torch.zeros(2, 0), 0.0, 0.0).shape == (2, 0, 2 * l + 1, 2 * l + 1)
    blocks = wigner_kernel.wigner_D_blocks(min(l, 3), R)
    assert [tuple(b.shape) for b in blocks] == [(0, 2 * k + 1, 2 * k + 1) for k in range(min(l, 3) + 1)]
    assert wigner_kernel.wigner_D_block_diagonal(2, R).shape == (0, 9, 9)


def test_explicit_channels_resolve_the_ambiguous_layouts():
    generator = torch.Generator().manual_seed(5)
    x = torch.randn(9, generator=generator, dtype=torch.float64)
    y = torch.randn(9, generator=generator, dtype=torch.float64)
    scalars = gtp_kernel.gaunt_tensor_product(x, y, 0, 0, channels=9)  # nine scalar channels: G = 1/√(4π)
    assert torch.allclose(scalars, x * y / math.sqrt(4 * math.pi), rtol=0, atol=1e-15)
    vector = gtp_kernel.gaunt_tensor_product(x, y, 2, 2, channels=1)  # one vector of degree ≤ 2
    assert vector.shape == (25,)
    many = torch.randn(2, 4 * 4, generator=generator, dtype=torch.float64)  # 4 channels of degree ≤ 1
    by_channel = gtp_kernel.gaunt_tensor_product(many, many, 1, 1, channels=4, method="cg")
    assert by_channel.shape == (2, 4 * 9)


def test_numpy_integers_are_accepted_as_degrees():
    x = torch.ones(4, dtype=torch.float64)
    z = gtp_kernel.gaunt_tensor_product(x, x, np.int64(1), np.int32(1), np.int16(2))
    assert torch.equal(z, gtp_kernel.gaunt_tensor_product(x, x, 1, 1, 2))
    assert wigner_kernel.wigner_D_from_matrix(np.int64(3), EYE).shape == (7, 7)
    assert basis.harmonic_index(np.int64(2), np.int64(-1)) == 5


def test_meta_tensors_give_shapes_on_every_route():
    x = torch.empty(5, 9, device="meta")
    for method in ("fourier", "s2grid", "cg"):
        z = gtp_kernel.gaunt_tensor_product(x, x, 2, 2, method=method)
        assert z.device.type == "meta" and z.shape == (5, 25)
    assert wigner_kernel.wigner_D_from_matrix(40, torch.empty(2, 3, 3, device="meta")).shape == (2, 81, 81)


def test_path_weights_on_known_paths_still_weight_them():
    x = torch.tensor([0.0, 1.0, 2.0, 3.0], dtype=torch.float64)  # no degree-0 part: only (1, 1, l3) paths act
    full = cg_kernel.coupling_tensor_product(x, x, 1, 1, coupling="cg")
    weighted = cg_kernel.coupling_tensor_product(x, x, 1, 1, coupling="cg", path_weights={(1, 1, 2): 2.0,
                                                                                         (np.int64(1), 1, 0): 1.0})
    assert torch.allclose(weighted[4:], 2 * full[4:], rtol=0, atol=1e-15)
    assert torch.allclose(weighted[:1], full[:1], rtol=0, atol=1e-15)
    assert torch.all(weighted[1:4] == 0)  # the (1, 1, 1) path is dropped by omission
