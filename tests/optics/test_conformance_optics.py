"""The optics conformance tests and adapters: the real libraries pass, a law-breaking adapter fails with the
equation that broke."""

from __future__ import annotations

import pytest

import assay.conformance.optics.test_optics_laws as suite
from assay.conformance.adapters.optics_lenses import LensesAdapter
from assay.conformance.adapters.optics_torch_checkpoint import TorchCheckpointAdapter
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
    suite.test_composing_lenses_with_different_types_names_both(lenses_adapter)


def test_without_labelled_cases_the_type_mismatch_test_skips_instead_of_passing(lenses_adapter) -> None:
    class NoLabels(LensesAdapter):
        def lens_laws(self):
            return [LawCase("plain", lambda s: s, lambda s, v: v, (0,), (0,))]

    with pytest.raises(pytest.skip.Exception, match="labels no pair"):
        suite.test_composing_lenses_with_different_types_names_both(NoLabels())


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
        suite.test_checkpoint_counts_equal_the_closed_form_of_their_segmentation(adapter, scheme, 12, 5)
    suite.test_checkpointed_vjp_matches_the_reference_reverse_derivative(adapter, 2)
    suite.test_composing_mismatched_shapes_names_both_lenses(adapter)


def test_a_wrong_count_claim_fails_naming_the_closed_form() -> None:
    class Miscounting(TorchCheckpointAdapter):
        def checkpoint_counts(self, n, scheme, k):
            measured = super().checkpoint_counts(n, scheme, k)
            return {**measured, "segments": [n]}  # claims a single segment

    with pytest.raises(AssertionError, match=r"measured gets/stored 25/7, closed form 2n−m = 31, m = 1"):
        suite.test_checkpoint_counts_equal_the_closed_form_of_their_segmentation(
            Miscounting(), "checkpoint_sequential", 16, 4
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
