"""Hypothesis strategies and property checks for lenses and optics.

- :mod:`.laws`: :func:`check_lens_laws` (GetPut, PutGet, PutPut named by equation) → :class:`LawReport`;
- :mod:`.strategies`: random lenses on finite and record types (lawful and law-breaking), bracketings,
  segmentations, AD chains;
- :mod:`.checks`: associativity/units up to equivalence, ``U`` functorial, ``U ∘ F = id``, counts against closed
  forms, complex-step adjoint checks of reverse derivatives, learner functoriality.
"""

from .checks import (
    associativity_check,
    complex_step_adjoint_error,
    cost_mismatches,
    erase_embed_check,
    erasure_functoriality_check,
    learner_functoriality_mismatches,
    unit_checks,
)
from .laws import LAWS, LawCase, LawReport, LawViolation, check_lens_laws
from .strategies import (
    FiniteLens,
    ad_chains,
    bracketings,
    broken_finite_lenses,
    lawful_finite_lenses,
    record_lenses,
    segmentations,
    table_lenses,
)

__all__ = [
    "LAWS",
    "FiniteLens",
    "LawCase",
    "LawReport",
    "LawViolation",
    "ad_chains",
    "associativity_check",
    "bracketings",
    "broken_finite_lenses",
    "check_lens_laws",
    "complex_step_adjoint_error",
    "cost_mismatches",
    "erase_embed_check",
    "erasure_functoriality_check",
    "lawful_finite_lenses",
    "learner_functoriality_mismatches",
    "record_lenses",
    "segmentations",
    "table_lenses",
    "unit_checks",
]
