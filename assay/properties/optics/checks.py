"""Property checks for lenses and optics: each returns a report (an equivalence check, a list of mismatches, or an
error size), never a bare bool, so a failure says what broke.

- categorical structure up to equivalence: :func:`associativity_check`, :func:`unit_checks`,
  :func:`erasure_functoriality_check` (``U(o1 ; o2) ~ U(o1) ; U(o2)``), :func:`erase_embed_check` (``U ∘ F = id``);
- costs: :func:`cost_mismatches` compares :func:`~assay.reference.optics.cost.measure_run` with a closed form;
- AD: :func:`complex_step_adjoint_error` checks ``⟨put(x, c'), v⟩ = ⟨c', J v⟩`` with ``J v`` from complex-step
  differentiation (``J v = Im f(x + i h v) / h`` up to ``O(h²)``, no cancellation), an independent oracle for
  every reverse derivative; :func:`learner_functoriality_mismatches` checks ``L(I ; J) = L(I) ; L(J)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from assay.core.errors import relative_error
from assay.reference.optics.ad import Primitive, chain_output_shape, check_chain, primitive_lenses
from assay.reference.optics.chains import right_nested
from assay.reference.optics.cost import ChainCost, measure_run
from assay.reference.optics.equivalence import EquivalenceCheck, lenses_agree, optics_equivalent, values_equal
from assay.reference.optics.functors import embed, erase
from assay.reference.optics.learners import Learner
from assay.reference.optics.lens import Lens, compose_lenses, identity_lens
from assay.reference.optics.optic import Optic, compose_optics, identity_optic

__all__ = [
    "associativity_check",
    "complex_step_adjoint_error",
    "cost_mismatches",
    "erase_embed_check",
    "erasure_functoriality_check",
    "learner_functoriality_mismatches",
    "unit_checks",
]


def _samples(values: Iterable[Any], name: str) -> list[Any]:
    if not isinstance(values, Iterable):
        raise TypeError(f"{name} must be an iterable of samples, got {type(values).__name__}")
    return list(values)


def _real_array(value: Any, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """``value`` as a finite float64 array of ``shape`` (a ``TypeError``/``ValueError`` naming ``name``)."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a real array of shape {shape}, got {type(value).__name__}") from None
    if array.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return array


def associativity_check(
    first: Lens | Optic, second: Lens | Optic, third: Lens | Optic, inputs: Iterable[Any], cotangents: Iterable[Any]
) -> EquivalenceCheck:
    """``(first ; second) ; third ~ first ; (second ; third)`` (lenses or optics, compared through ``U``)."""
    inputs, cotangents = _samples(inputs, "inputs"), _samples(cotangents, "cotangents")
    if all(isinstance(x, Lens) for x in (first, second, third)):
        left = compose_lenses(compose_lenses(first, second), third)
        right = compose_lenses(first, compose_lenses(second, third))
        return lenses_agree(left, right, inputs, cotangents)
    if all(isinstance(x, Optic) for x in (first, second, third)):
        left_o = compose_optics(compose_optics(first, second), third)
        right_o = compose_optics(first, compose_optics(second, third))
        return optics_equivalent(left_o, right_o, inputs, cotangents)
    raise TypeError("first, second and third must be all Lens or all Optic")


def unit_checks(item: Lens | Optic, inputs: Iterable[Any], cotangents: Iterable[Any]) -> list[EquivalenceCheck]:
    """``id ; item ~ item`` and ``item ; id ~ item``."""
    inputs, cotangents = _samples(inputs, "inputs"), _samples(cotangents, "cotangents")
    if isinstance(item, Lens):
        return [
            lenses_agree(compose_lenses(identity_lens(), item), item, inputs, cotangents),
            lenses_agree(compose_lenses(item, identity_lens()), item, inputs, cotangents),
        ]
    if isinstance(item, Optic):
        return [
            optics_equivalent(compose_optics(identity_optic(), item), item, inputs, cotangents),
            optics_equivalent(compose_optics(item, identity_optic()), item, inputs, cotangents),
        ]
    raise TypeError(f"item must be a Lens or an Optic, got {type(item).__name__}")


def erasure_functoriality_check(
    first: Optic, second: Optic, inputs: Iterable[Any], cotangents: Iterable[Any]
) -> EquivalenceCheck:
    """``U(first ; second) ~ U(first) ; U(second)``."""
    for value, name in ((first, "first"), (second, "second")):
        if not isinstance(value, Optic):
            raise TypeError(f"{name} must be an Optic, got {type(value).__name__}")
    return lenses_agree(
        erase(compose_optics(first, second)), compose_lenses(erase(first), erase(second)), inputs, cotangents
    )


def erase_embed_check(lens: Lens, inputs: Iterable[Any], cotangents: Iterable[Any]) -> EquivalenceCheck:
    """``U(F(lens)) ~ lens``."""
    return lenses_agree(erase(embed(lens)), lens, inputs, cotangents)


def cost_mismatches(composite: Lens | Optic, expected: ChainCost, a: Any, cotangent: Any) -> list[str]:
    """The counts of ``measure_run(composite, a, cotangent)`` that differ from ``expected`` (empty when all agree)."""
    if not isinstance(expected, ChainCost):
        raise TypeError(f"expected must be a ChainCost (e.g. closed_form_cost(...)), got {type(expected).__name__}")
    measured = measure_run(composite, a, cotangent).counts()
    return [
        f"{field}: measured {getattr(measured, field)}, closed form {getattr(expected, field)}"
        for field in ("gets", "stored", "peak")
        if getattr(measured, field) != getattr(expected, field)
    ]


def complex_step_adjoint_error(
    chain: Sequence[Primitive], x: np.ndarray, direction: np.ndarray, cotangent: Any, step: float = 1e-30
) -> float:
    """Relative error of ``⟨put(x, c'), v⟩`` against ``⟨c', J v⟩``, ``J v = Im f(x + i·step·v)/step``.

    The scale is ``Σ|c'_i (J v)_i| + Σ|put_i v_i|`` (the sizes of the summands), so cancellation in the dot
    products does not inflate the error. With ``step = 1e-30`` the complex step is exact to double precision for
    analytic primitives; ``relu`` is linear away from 0 and is exact there too.
    """
    chain = check_chain(chain)
    if isinstance(step, bool) or not isinstance(step, (int, float)) or not 0 < step < 1:
        raise ValueError(f"step must be a float with 0 < step < 1, got {step!r}")
    lens = right_nested(primitive_lenses(chain))
    x = _real_array(x, "x", chain[0].shape)
    direction = _real_array(direction, "direction", chain[0].shape)
    cotangent = _real_array(cotangent, "cotangent", chain_output_shape(chain))
    jvp = np.imag(lens.get(x + 1j * step * direction)) / step
    gradient = lens.put(x, np.asarray(cotangent, dtype=np.float64))
    lhs = float(np.sum(gradient * direction))
    rhs = float(np.sum(np.asarray(cotangent) * jvp))
    scale = float(np.sum(np.abs(gradient * direction)) + np.sum(np.abs(np.asarray(cotangent) * jvp)))
    return float(relative_error(lhs, rhs, scale=scale))


def learner_functoriality_mismatches(
    composite: Learner, pair: Learner, p: Any, a: Any, c: Any
) -> list[str]:
    """Where ``composite = L(I ; J)`` and ``pair = L(I) ; L(J)`` differ at ``(p, a, c)`` (exact comparison)."""
    for value, name in ((composite, "composite"), (pair, "pair")):
        if not isinstance(value, Learner):
            raise TypeError(f"{name} must be a Learner, got {type(value).__name__}")
    found = []
    for part in ("implement", "update", "request"):
        if part == "implement":
            left, right = composite.implement(p, a), pair.implement(p, a)
        else:
            left, right = getattr(composite, part)(p, a, c), getattr(pair, part)(p, a, c)
        if not values_equal(left, right):
            found.append(f"{part}: L(I;J) gives {left!r}, L(I);L(J) gives {right!r}")
    return found
