"""Shared helpers of the so3 conformance chapters: exactness, error measures, convention conversion, samples.

Not a test module. Everything here reads the adapter's declared conventions and brings the exact references of
:mod:`assay.reference.so3` into them, so a library in a different but declared convention is compared fairly.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache
from typing import Any

import numpy as np

from assay.conformance.contracts import EPS, Contract, contract_for
from assay.core.errors import ErrorSummary, summarize
from assay.core.exact import SqrtRational

__all__ = [
    "angles_from_rotation",
    "array_literal",
    "block_signs_and_order",
    "exact_or_none",
    "from_default_real",
    "measure_scalars",
    "reference_coupling_tensor",
    "reference_sh_block",
    "reference_sh_numpy",
    "reference_wigner_D",
    "reorder_m",
    "rotation_from_angles",
    "sample_angles",
    "sample_points",
    "sample_rotations",
    "scalar_contract",
    "scalar_snippet",
    "sh_block_norm",
    "sh_conventions",
    "spins_literal",
    "summarize_eps",
    "to_default_real",
]


# -- exact values ----------------------------------------------------------------------------------------------

def exact_or_none(value: Any) -> SqrtRational | None:
    """``value`` as an exact ±√(p/q)·π^(k/2) when it is an exact type (SqrtRational, int, Fraction, sympy), else None.

    A sympy value ``v`` is converted through ``v²``: ``v² = p/q`` or ``(p/q)/π`` for the coupling coefficients.
    """
    if isinstance(value, SqrtRational):
        return value
    if isinstance(value, bool):
        raise TypeError("a coupling coefficient must be a number, not a bool")
    if isinstance(value, (int, Fraction)):
        return SqrtRational.from_rational(Fraction(value))
    if type(value).__module__.startswith("sympy"):
        return _exact_from_sympy(value)
    return None


@lru_cache(maxsize=100_000)
def _exact_from_sympy(value: Any) -> SqrtRational:
    import sympy

    if value == 0:
        return SqrtRational.zero()
    if not value.is_number:
        raise TypeError(f"expected a number, got the expression {value}")
    square = sympy.expand(value**2)
    for pi_power in (0, -1, 1):  # value = ±√(p/q)·π^(k/2), so value² = (p/q)·π^k
        rational = sympy.expand(square / sympy.pi**pi_power)
        if rational.is_Rational:
            sign = 1 if value.is_positive else -1
            return SqrtRational(sign, Fraction(int(rational.p), int(rational.q)), pi_power)
    raise TypeError(f"{value} is not of the form ±√(p/q)·π^(k/2)")


def _ulp_distance(actual: Any, exact: SqrtRational, dtype: str) -> float:
    """``|actual − exact|`` in ulps of ``dtype`` at ``exact``, computed at 40 digits (exact actual allowed)."""
    import mpmath

    from assay.core.errors import ulp_of

    with mpmath.workdps(40):
        target = exact.to_mpmath(40)
        got = actual.to_mpmath(40) if isinstance(actual, SqrtRational) else mpmath.mpf(float(actual))
        if not mpmath.isfinite(got):
            return math.inf
        if target == 0:
            return 0.0 if got == 0 else math.inf
        return float(abs(got - target) / ulp_of(target, np.float64 if dtype == "exact" else dtype))


def scalar_contract(capability: str, measure: str, values: list[Any], adapter_dtype: str) -> tuple[Contract, str]:
    """The contract for a batch of scalar results: ``exact`` when every value is exact, else the adapter dtype."""
    exact = all(exact_or_none(v) is not None for v in values)
    dtype = "exact" if exact else adapter_dtype
    return contract_for(capability, measure, dtype), dtype


def measure_scalars(capability: str, measure: str, inputs: list[tuple], actual: list[Any],
                    expected: list[SqrtRational], adapter_dtype: str) -> tuple[ErrorSummary, Contract]:
    """Errors of scalar results against exact values: exact results must be equal, float ones within ulps."""
    contract, dtype = scalar_contract(capability, measure, actual, adapter_dtype)
    errors = []
    for got, want in zip(actual, expected):
        exact = exact_or_none(got)
        if exact is not None:
            errors.append(0.0 if exact == want else max(_ulp_distance(exact, want, "float64"), 1e-300))
        else:
            errors.append(_ulp_distance(got, want, dtype))
    summary = summarize(errors, "ulp", inputs=inputs, actual=[str(v) for v in actual],
                        expected=[str(v) for v in expected])
    return summary, contract


# -- arrays ----------------------------------------------------------------------------------------------------

def summarize_eps(difference: np.ndarray, scale: np.ndarray | float, dtype: str, inputs: list | None = None,
                  actual: Any = None, expected: Any = None) -> ErrorSummary:
    """``|difference| / scale`` in units of ε of ``dtype`` (``exact`` counts as float64)."""
    error = np.abs(np.asarray(difference)) / np.asarray(scale, dtype=np.float64) / EPS[dtype]
    error = np.where(np.isnan(error), np.inf, error)
    return summarize(error, "eps", inputs=inputs, actual=actual, expected=expected)


def reorder_m(block: np.ndarray, m_order: str) -> np.ndarray:
    """Columns (last axis) of a degree block ordered m = −l..l, re-ordered to the declared ``so3.m_order``."""
    from assay.core.conventions import resolve
    from assay.reference.so3.conventions import M_ORDER

    if m_order is None or resolve(M_ORDER, m_order, "so3.m_order") == "ascending":
        return block
    return block[..., ::-1]


def sh_conventions(conventions: dict) -> dict[str, str]:
    return {
        "basis": conventions.get("so3.basis", "real"),
        "normalization": conventions.get("so3.normalization", "integral"),
        "phase": conventions.get("so3.phase", "condon_shortley"),
        "polar_axis": conventions.get("so3.polar_axis", "z"),
    }


def reference_sh_block(l: int, points: np.ndarray, conventions: dict, dps: int = 30) -> np.ndarray:
    """The exact-to-``dps`` harmonics of degree ``l`` at ``points`` in the declared conventions, (N, 2l+1)."""
    from assay.reference.so3.harmonics import spherical_harmonics_xyz

    options = sh_conventions(conventions)
    kind = np.complex128 if options["basis"] == "complex" else np.float64
    rows = [np.array(spherical_harmonics_xyz(l, p, dps=dps, **options), dtype=kind) for p in points]
    return reorder_m(np.array(rows).reshape(len(points), 2 * l + 1), conventions.get("so3.m_order", "ascending"))


def sh_block_norm(l: int, normalization: str) -> float:
    """``‖Y_l(r)‖₂`` (the same at every point): √((2l+1)/(4π)) times the normalization factor."""
    factor = {"integral": 1.0, "component": math.sqrt(4 * math.pi),
              "norm": math.sqrt(4 * math.pi / (2 * l + 1))}[normalization]
    return math.sqrt((2 * l + 1) / (4 * math.pi)) * factor


# -- samples ---------------------------------------------------------------------------------------------------

def sample_points(count: int, seed: int = 20261128) -> np.ndarray:
    """Unit vectors: the six poles of the axes, a near-pole, then uniform random points (deterministic)."""
    special = np.array([[0, 0, 1], [0, 0, -1], [0, 1, 0], [1, 0, 0], [0, -1, 0], [-1, 0, 0]], dtype=np.float64)
    near_pole = np.array([[1e-9, 2e-9, 1.0]])
    near_pole /= np.linalg.norm(near_pole)
    rng = np.random.default_rng(seed)
    random = rng.normal(size=(max(count, 0), 3))
    random /= np.linalg.norm(random, axis=1, keepdims=True)
    return np.concatenate([special, near_pole, random])[: max(count, 7)]


def sample_angles(count: int, seed: int = 3) -> list[tuple[float, float, float]]:
    """Euler angles: gimbal lock (β = 0, π), right angles, then random angles (deterministic)."""
    special = [(0.0, 0.0, 0.0), (0.3, 0.0, -1.1), (0.7, math.pi, 0.2), (math.pi / 2, math.pi / 2, math.pi / 2)]
    rng = np.random.default_rng(seed)
    random = [(float(a), float(b), float(c)) for a, b, c in
              zip(rng.uniform(-math.pi, math.pi, count), rng.uniform(0, math.pi, count),
                  rng.uniform(-math.pi, math.pi, count))]
    return special + random


def sample_rotations(count: int, seed: int = 5) -> list[np.ndarray]:
    """Rotation matrices: identity, a half-turn, then uniform random ones (from unit quaternions)."""
    rng = np.random.default_rng(seed)
    matrices = [np.eye(3), np.diag([-1.0, -1.0, 1.0])]
    for _ in range(count):
        w, x, y, z = rng.normal(size=4) / 1.0
        n = math.sqrt(w * w + x * x + y * y + z * z)
        w, x, y, z = w / n, x / n, y / n, z / n
        matrices.append(np.array([
            [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
            [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
            [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
        ]))
    return matrices


def array_literal(array: np.ndarray) -> str:
    """A Python literal that recreates ``array`` exactly (float repr round-trips)."""
    return "np.array(" + repr(np.asarray(array, dtype=np.float64).tolist()) + ")"


def spins_literal(values: tuple) -> str:
    """``(Fraction(1, 2), 1, ...)`` — half-integers as Fractions, integers as ints."""
    parts = []
    for v in values:
        f = Fraction(v)
        parts.append(str(f.numerator) if f.denominator == 1 else f"Fraction({f.numerator}, {f.denominator})")
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def scalar_snippet(spec: str, capability: str, reference: str, args: tuple) -> str:
    """A fresh-Python snippet comparing one scalar of the adapter with assay's exact reference."""
    module, function = reference.rsplit(".", 1)
    return (
        "from fractions import Fraction\n"
        "from assay.conformance.adapters import load_adapter\n"
        f"from {module} import {function}\n"
        f"args = {spins_literal(args)}\n"
        f"got = load_adapter({spec!r}).get({capability!r})(*args)\n"
        f"print('got', got, float(got), 'expected', {function}(*args), float({function}(*args)))\n"
    )


def reference_sh_numpy(l: int, points: np.ndarray, conventions: dict) -> np.ndarray:
    """Float64 harmonics of degree ``l`` in the declared conventions (the reference recurrence in numpy): for
    property checks, where a few ε of the harmonics themselves are negligible against the bound."""
    from assay.reference.so3.harmonics import spherical_harmonics_numpy

    block = spherical_harmonics_numpy(l, points, **sh_conventions(conventions))
    return reorder_m(block, conventions.get("so3.m_order", "ascending"))


def _phase_signs(l: int) -> np.ndarray:
    return np.array([(-1.0) ** m for m in range(-l, l + 1)])


def reference_wigner_D(l: int, conventions: dict, *, angles: tuple | None = None, matrix: Any = None,
                       dps: int = 30) -> np.ndarray:
    """The reference D^l in the declared basis, polar axis, phase and m order (complex: Edmonds; real: the matrix
    with ``Y(R r) = D Y(r)``), from Euler angles in the declared ``so3.euler`` convention or from a matrix."""
    from assay.reference.so3.wigner import wigner_D, wigner_D_from_matrix

    basis = conventions.get("so3.basis", "real")
    polar_axis = conventions.get("so3.polar_axis", "z")
    if angles is not None:
        D = wigner_D(l, *angles, basis=basis, euler=conventions.get("so3.euler", "zyz"), polar_axis=polar_axis,
                     dps=dps)
    else:
        D = wigner_D_from_matrix(l, matrix, basis=basis, polar_axis=polar_axis, dps=dps)
    D = np.array(D, dtype=np.complex128 if basis == "complex" else np.float64)
    if conventions.get("so3.phase", "condon_shortley") == "none":
        signs = _phase_signs(l)
        D = signs[:, None] * D * signs[None, :]
    if conventions.get("so3.m_order", "ascending") == "descending":
        D = D[::-1, ::-1]
    return D


def rotation_from_angles(angles: tuple, euler: str) -> np.ndarray:
    """The float64 rotation matrix of Euler ``angles`` in the named convention (rounded from the reference)."""
    from assay.reference.so3.rotations import matrix_from_euler

    return np.array(matrix_from_euler(*angles, euler=euler, dps=30), dtype=np.float64)


def angles_from_rotation(matrix: np.ndarray, euler: str) -> tuple[float, float, float]:
    from assay.reference.so3.rotations import euler_from_matrix

    return tuple(float(a) for a in euler_from_matrix(matrix, euler=euler, dps=30))


def block_signs_and_order(l: int, conventions: dict) -> tuple[np.ndarray, np.ndarray]:
    """(signs, permutation) taking a degree-l block in the default real form (m = −l..l, Condon–Shortley) to the
    declared phase and m order: ``declared = signs * default[permutation]``."""
    signs = _phase_signs(l) if conventions.get("so3.phase", "condon_shortley") == "none" else np.ones(2 * l + 1)
    order = np.arange(2 * l + 1)
    if conventions.get("so3.m_order", "ascending") == "descending":
        order = order[::-1]
    return signs[order], order


def reference_coupling_tensor(l1: int, l2: int, l3: int, conventions: dict) -> np.ndarray:
    """The real coupling tensor in the declared normalization (``so3.coupling``), phase and m order. The polar
    axis does not matter: the tensor is invariant under every rotation, and the axis change is one."""
    from assay.reference.so3.real_coupling import real_coupling_tensor

    tensor = real_coupling_tensor(l1, l2, l3, convention=conventions.get("so3.coupling", "cg"))
    for axis, l in enumerate((l1, l2, l3)):
        signs, order = block_signs_and_order(l, conventions)
        tensor = np.moveaxis(np.moveaxis(tensor, axis, -1)[..., order] * signs, -1, axis)
    return tensor


def to_default_real(vector: np.ndarray, lmax: int, conventions: dict) -> np.ndarray:
    """A flat real SH coefficient vector in the declared phase/m order, brought to the default real form."""
    out = np.array(vector, dtype=np.float64)
    for l in range(lmax + 1):
        signs, order = block_signs_and_order(l, conventions)
        block = np.empty(2 * l + 1)
        block[order] = out[l * l:(l + 1) ** 2] * signs
        out[l * l:(l + 1) ** 2] = block
    return out


def from_default_real(vector: np.ndarray, lmax: int, conventions: dict) -> np.ndarray:
    out = np.array(vector, dtype=np.float64)
    for l in range(lmax + 1):
        signs, order = block_signs_and_order(l, conventions)
        out[l * l:(l + 1) ** 2] = out[l * l:(l + 1) ** 2][order] * signs
    return out
