"""Domain-neutral helpers of the conformance chapters: exactness, error measures, literals, snippets, samplers.

Every domain's chapters use these; domain-specific helpers (references in a declared convention) live in
``assay/conformance/<domain>/support.py``.
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
    "array_literal",
    "exact_or_none",
    "measure_scalars",
    "sample_rotations",
    "sample_unit_vectors",
    "scalar_contract",
    "scalar_snippet",
    "spins_literal",
    "summarize_eps",
    "summarize_exponent",
    "summarize_rel",
]


# -- exact values ----------------------------------------------------------------------------------------------

def exact_or_none(value: Any) -> SqrtRational | None:
    """``value`` as an exact ±√(p/q)·π^(k/2) when it is an exact type (SqrtRational, int, Fraction, sympy), else None.

    A sympy value ``v`` is converted through ``v²``: ``v² = p/q`` or ``(p/q)/π`` for the coupling coefficients.
    """
    if isinstance(value, SqrtRational):
        return value
    if isinstance(value, bool):
        raise TypeError("a coefficient must be a number, not a bool")
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
    """``|actual − exact|`` in ulps of ``dtype`` at ``exact``, computed at 40 digits (exact actual allowed).

    A structural zero (``exact == 0``, a selection rule) is judged as a zero: a non-zero result is measured by its
    size in units of ε (the ulp of 1 in ``dtype``), since ulps of zero do not exist — a float library's
    cancellation residue of 1e-17 scores 0.09, a wrong value of 0.1 scores 4.5e14. NaN is an infinite error.
    """
    import mpmath

    from assay.core.errors import ulp_of

    with mpmath.workdps(40):
        target = exact.to_mpmath(40)
        got = actual.to_mpmath(40) if isinstance(actual, SqrtRational) else mpmath.mpf(float(actual))
        if not mpmath.isfinite(got):
            return math.inf
        fmt = np.float64 if dtype == "exact" else dtype
        if target == 0:
            return 0.0 if got == 0 else float(abs(got) / ulp_of(mpmath.mpf(1), fmt))
        return float(abs(got - target) / ulp_of(target, fmt))


def scalar_contract(capability: str, measure: str, values: list[Any], adapter_dtype: str) -> tuple[Contract, str]:
    """The contract for a batch of scalar results: ``exact`` when every value is exact, else the adapter dtype."""
    exact = bool(values) and all(exact_or_none(v) is not None for v in values)
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

def summarize_eps(difference: Any, scale: Any, dtype: str, inputs: list | None = None,
                  actual: Any = None, expected: Any = None) -> ErrorSummary:
    """``|difference| / scale`` in units of ε of ``dtype`` (``exact`` counts as float64); NaN counts as ∞."""
    error = np.abs(np.asarray(difference)) / np.asarray(scale, dtype=np.float64) / EPS[dtype]
    error = np.where(np.isnan(error), np.inf, error)
    return summarize(error, "eps", inputs=inputs, actual=actual, expected=expected)


def summarize_rel(difference: Any, scale: Any, inputs: list | None = None, actual: Any = None,
                  expected: Any = None) -> ErrorSummary:
    """``|difference| / scale`` as a plain relative error; NaN counts as ∞."""
    error = np.abs(np.asarray(difference, dtype=np.float64)) / np.asarray(scale, dtype=np.float64)
    error = np.where(np.isnan(error), np.inf, error)
    return summarize(error, "rel", inputs=inputs, actual=actual, expected=expected)


# -- literals and snippets -------------------------------------------------------------------------------------

def array_literal(array: Any) -> str:
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
        "from assay.conformance.adapters import load_adapter  # run where the adapter's module is importable\n"
        f"from {module} import {function}\n"
        f"args = {spins_literal(args)}\n"
        f"got = load_adapter({spec!r}).get({capability!r})(*args)\n"
        f"print('got', got, float(got), 'expected', {function}(*args), float({function}(*args)))\n"
    )


# -- samplers --------------------------------------------------------------------------------------------------

def sample_unit_vectors(count: int, seed: int = 20261128) -> np.ndarray:
    """Unit vectors: the six poles of the axes, a near-pole, then uniform random points (deterministic)."""
    special = np.array([[0, 0, 1], [0, 0, -1], [0, 1, 0], [1, 0, 0], [0, -1, 0], [-1, 0, 0]], dtype=np.float64)
    near_pole = np.array([[1e-9, 2e-9, 1.0]])
    near_pole /= np.linalg.norm(near_pole)
    rng = np.random.default_rng(seed)
    random = rng.normal(size=(max(count, 0), 3))
    random /= np.linalg.norm(random, axis=1, keepdims=True)
    return np.concatenate([special, near_pole, random])[: max(count, 7)]


def sample_rotations(count: int, seed: int = 5, improper: bool = False) -> list[np.ndarray]:
    """Rotation matrices: the identity, a half-turn, then ``count`` uniform random ones (Haar, from unit
    quaternions); with ``improper=True`` every other random one is multiplied by −I (an element of O(3) \\ SO(3))."""
    from assay.reference.so3.rotations import rotation_matrix_from_quaternion

    rng = np.random.default_rng(seed)
    matrices = [np.eye(3), np.diag([-1.0, -1.0, 1.0])]
    for index in range(count):
        q = rng.normal(size=4)
        R = rotation_matrix_from_quaternion(q / np.linalg.norm(q))
        matrices.append(-R if improper and index % 2 else R)
    return matrices


def summarize_exponent(fitted: float, declared: float, inputs: list | None = None) -> ErrorSummary:
    """A complexity measurement: the fitted exponent minus the declared one (negative when better than claimed)."""
    excess = float(fitted) - float(declared)
    return summarize([excess], "exponent", inputs=inputs, actual=[fitted], expected=[declared])
