"""The optics conformance tests and adapters: the real libraries pass, a law-breaking adapter fails with the
equation that broke."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

import assay.conformance.optics.test_optics_checkpointing as checkpointing
import assay.conformance.optics.test_optics_laws as suite
from assay.conformance.adapters.optics_lenses import LensesAdapter
from assay.conformance.adapters.optics_torch_checkpoint import TorchCheckpointAdapter
from assay.conformance.measure import Checker
from assay.properties.optics import LawCase

BUGGY = '''
from assay.conformance.adapters.optics_lenses import LensesAdapter
from assay.properties.optics import LawCase


class SwappedSetter(LensesAdapter):
    """A GetItem lens whose setter writes to the wrong index, declared lawful."""

    name = "lenses-swapped"

    def lens_laws(self):
        lens = self._lens
        wrong = lens.Lens(lambda s: s[0], lambda s, v: [s[0], v])
        states = [[a, b] for a in range(2) for b in range(2)]
        return [LawCase("GetItem[wrong index]", lambda s: wrong.get()(s), lambda s, v: wrong.set(v)(s),
                        tuple(states), (0, 1))]
'''


@pytest.fixture(scope="module")
def lenses_adapter():
    pytest.importorskip("lenses")
    return LensesAdapter()


def test_the_lenses_package_conforms(lenses_adapter) -> None:
    suite.test_lens_kinds_break_exactly_the_laws_they_declare(lenses_adapter)
    suite.test_law_breaking_lenses_are_flagged_with_the_equation_that_broke(lenses_adapter)
    suite.test_composition_is_the_lens_composite(lenses_adapter)


def test_composing_the_lenses_packages_cases_of_different_types_names_both(lenses_adapter) -> None:
    """assay's own composition (not a chapter: chapters test the adapter) names both lenses on a type mismatch."""
    import re

    from assay.reference.optics.lens import compose_lenses

    labelled = [case for case in lenses_adapter.lens_laws() if case.source is not None and case.target is not None]
    pairs = [(a, b) for a in labelled for b in labelled if a.target != b.source]
    assert pairs, "the lenses adapter labels cases of different types"
    first, second = pairs[0]
    with pytest.raises(ValueError, match=rf"{re.escape(repr(first.name))}.*{re.escape(repr(second.name))}") as info:
        compose_lenses(first.as_lens(), second.as_lens())
    assert repr(first.target) in str(info.value) and repr(second.source) in str(info.value)


def _checker(adapter):
    return Checker(SimpleNamespace(user_properties=[]), adapter)


def _sizes():
    from assay.conformance.sizes import sizes

    return sizes("quick", "optics")


def test_a_lawful_case_that_breaks_a_law_fails_with_the_equation(lenses_adapter) -> None:
    class Liar(LensesAdapter):
        def lens_laws(self):
            return [LawCase("read-only", lambda s: s % 2, lambda s, v: s, tuple(range(4)), (0, 1))]

    with pytest.raises(AssertionError, match=r"read-only:\n\s+breaks PutGet \[get\(put\(s, v\)\) = v\]"):
        suite.test_lens_kinds_break_exactly_the_laws_they_declare(Liar())

    class Overclaiming(LensesAdapter):
        def lens_laws(self):
            return [LawCase("field", lambda s: s, lambda s, v: v, (0, 1), (0, 1), frozenset({"PutPut"}))]

    with pytest.raises(AssertionError, match="declared to break PutPut but the checker found no counterexample"):
        suite.test_lens_kinds_break_exactly_the_laws_they_declare(Overclaiming())


def test_torch_checkpointing_conforms() -> None:
    adapter = TorchCheckpointAdapter()
    for scheme in ("checkpoint", "checkpoint_sequential"):
        checkpointing.test_checkpoint_counts_equal_the_closed_form_of_their_segmentation(
            adapter, _checker(adapter), scheme, (12, 5))
    checkpointing.test_checkpointed_vjp_matches_the_reference_reverse_derivative(adapter, _checker(adapter),
                                                                                 _sizes(), 6)


def test_assays_chain_composition_names_both_lenses_of_mismatched_shapes() -> None:
    """assay's right_nested/optic_chain (not a chapter) on torch lenses of mismatched shapes."""
    import numpy as np

    from assay.reference.optics.ad import Primitive
    from assay.reference.optics.chains import optic_chain, right_nested

    chain = [Primitive("affine", (3,), (np.ones((2, 3)), np.zeros(2))), Primitive("tanh", (5,))]
    from assay.kernels.optics.ad import torch_chain_lenses

    lenses = torch_chain_lenses(chain)
    for build in (right_nested, optic_chain):
        with pytest.raises(ValueError, match=r"'(F\()?affine\)?'.*'(F\()?tanh\)?'.*\(2,\).*\(5,\)"):
            build(lenses)


def test_a_wrong_count_claim_fails_naming_the_closed_form() -> None:
    class Miscounting(TorchCheckpointAdapter):
        def checkpoint_counts(self, n, scheme, k):
            measured = super().checkpoint_counts(n, scheme, k)
            return {**measured, "segments": [n]}  # claims a single segment

    adapter = Miscounting()
    with pytest.raises(AssertionError, match=r"measured gets/stored 25/7, closed form 2n−m = 31, m = 1"):
        checkpointing.test_checkpoint_counts_equal_the_closed_form_of_their_segmentation(
            adapter, _checker(adapter), "checkpoint_sequential", (16, 4)
        )


def test_the_plugin_reports_the_broken_equation(pytester: pytest.Pytester) -> None:
    pytest.importorskip("lenses")
    pytester.makepyfile(buggy_lenses=BUGGY)
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--pyargs", "assay.conformance.optics.test_optics_laws",
        "--assay-impl", "buggy_lenses:SwappedSetter", "-k", "declare",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*GetItem[[]wrong index[]]:",
        "*breaks GetPut [[]put(s, get(s)) = s[]], PutGet [[]get(put(s, v)) = v[]]*(not declared)",
        "*PutGet [[]get(put(s, v)) = v[]] fails at s=[[]0, 0[]], v=1*",
    ])
