"""Instrumented runs count recomputation, stored residuals and peak live values; they match the closed forms."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assay.properties.optics import bracketings, cost_mismatches, segmentations
from assay.reference.optics import (
    ChainCost,
    bracketed,
    bracketing_cost,
    checkpointed,
    closed_form_cost,
    compose_lenses,
    compose_optics,
    embed,
    erase,
    left_nested,
    lenses_agree,
    measure_run,
    optic_chain,
    parallel_lenses,
    primitive_lens,
    right_nested,
    segmented_cost,
)


def counter_lenses(n):
    """x ↦ x + i with put (x, c) ↦ 3c + x: distinct integer lenses, exact arithmetic."""
    return [primitive_lens(lambda x, i=i: x + i, lambda x, c: 3 * c + x, name=f"l{i}") for i in range(n)]


def test_the_figures_of_the_notes() -> None:
    """n = 32: right-nested 63 gets / peak 33, left-nested 528 / 3, optic 32 gets, 32 stored, peak 33;
    n = 64 checkpointing: k = 1 → 64 gets / 64 stored, k = 8 → 120 / 8 (peak 16), k = 64 → 127 / 1."""
    lenses = counter_lenses(32)
    assert measure_run(right_nested(lenses), 0, 1).counts() == ChainCost(63, 1, 33)
    assert measure_run(left_nested(lenses), 0, 1).counts() == ChainCost(528, 1, 3)
    assert measure_run(optic_chain(lenses), 0, 1).counts() == ChainCost(32, 32, 33)
    lenses = counter_lenses(64)
    assert measure_run(checkpointed(lenses, 1), 0, 1).counts() == ChainCost(64, 64, 65)
    assert measure_run(checkpointed(lenses, 8), 0, 1).counts() == ChainCost(120, 8, 16)
    assert measure_run(checkpointed(lenses, 64), 0, 1).counts() == ChainCost(127, 1, 65)


@pytest.mark.parametrize("n", [1, 2, 3, 7, 16, 33])
def test_chains_match_the_closed_forms(n) -> None:
    lenses = counter_lenses(n)
    assert not cost_mismatches(right_nested(lenses), closed_form_cost("lens-right", n), 0, 1)
    assert not cost_mismatches(left_nested(lenses), closed_form_cost("lens-left", n), 0, 1)
    assert not cost_mismatches(optic_chain(lenses), closed_form_cost("optic", n), 0, 1)
    for k in range(1, n + 1):
        assert not cost_mismatches(checkpointed(lenses, k), closed_form_cost("checkpoint", n, k), 0, 1)


@pytest.mark.parametrize(("n", "k"), [(16, 4), (64, 8), (100, 10), (36, 6)])
def test_equal_segments_give_2n_minus_n_over_k_and_peak_n_over_k_plus_k(n, k) -> None:
    assert measure_run(checkpointed(counter_lenses(n), k), 0, 1).counts() == ChainCost(2 * n - n // k, n // k,
                                                                                        n // k + k)


def test_the_peak_is_minimal_near_the_square_root() -> None:
    n = 64
    peaks = {k: closed_form_cost("checkpoint", n, k).peak for k in range(1, n + 1)}
    best = min(peaks.values())
    minimisers = {k for k, peak in peaks.items() if peak == best}
    assert best == 16 and 8 in minimisers  # 2√n at k = √n (k = 6, 7 tie thanks to a shorter last segment)
    assert all(4 <= k <= 16 for k in minimisers)
    assert measure_run(checkpointed(counter_lenses(n), 8), 0, 1).peak == 16


@given(st.integers(1, 12).flatmap(lambda n: st.tuples(st.just(n), bracketings(n))))
def test_any_bracketing_matches_its_recursive_closed_form(n_tree) -> None:
    n, tree = n_tree
    lenses = counter_lenses(n)
    composite = bracketed(lenses, tree)
    assert not cost_mismatches(composite, bracketing_cost(tree), 0, 1)
    # same lens whatever the bracketing, and F of it is the optic chain up to equivalence
    assert lenses_agree(composite, right_nested(lenses), range(-2, 3), range(-2, 3)).ok
    # optic chains cost the same in every bracketing
    assert measure_run(optic_chain(lenses, tree), 0, 1).counts() == closed_form_cost("optic", n)


@given(st.integers(1, 20).flatmap(lambda n: st.tuples(st.just(n), segmentations(n))))
def test_any_segmentation_matches_its_closed_form_and_computes_the_same_lens(n_lengths) -> None:
    n, lengths = n_lengths
    lenses = counter_lenses(n)
    optic = checkpointed(lenses, lengths)
    run = measure_run(optic, 0, 1)
    assert run.counts() == segmented_cost(lengths)
    reference = measure_run(right_nested(lenses), 0, 1)
    assert (run.output, run.gradient) == (reference.output, reference.gradient)
    assert run.puts == n and run.forwards == 0 and run.backwards == 0


def test_mixed_composites_erase_and_embed() -> None:
    lenses = counter_lenses(6)
    # a lens whose middle is an erased optic chain: U recomputes the optic's forward in its put
    middle = erase(optic_chain(lenses[2:4]))
    composite = compose_lenses(compose_lenses(lenses[0], lenses[1]), compose_lenses(middle, right_nested(lenses[4:])))
    run = measure_run(composite, 0, 1)
    reference = measure_run(right_nested(lenses), 0, 1)
    assert (run.output, run.gradient) == (reference.output, reference.gradient)
    assert run.gets > reference.gets
    # embedding that lens: one residual (its input), same counts as the lens plus nothing recomputed in forward
    embedded = measure_run(embed(composite), 0, 1)
    assert (embedded.gets, embedded.stored) == (run.gets, 1)
    # a composite of embedded composites: the residual count is the number of embedded pieces
    two = compose_optics(embed(right_nested(lenses[:3])), embed(left_nested(lenses[3:])))
    assert measure_run(two, 0, 1).stored == 2


def test_measure_run_refuses_parallel_products_and_bad_arguments() -> None:
    lens = counter_lenses(1)[0]
    with pytest.raises(ValueError, match="cannot run a 'parallel' lens"):
        measure_run(parallel_lenses(lens, lens), (0, 0), (1, 1))
    with pytest.raises(TypeError, match="composite must be a Lens or an Optic"):
        measure_run(lambda x: x, 0, 1)
    with pytest.raises(ValueError, match="scheme must be one of"):
        closed_form_cost("revolve", 4)
    with pytest.raises(ValueError, match="needs the segment length k"):
        closed_form_cost("checkpoint", 4)
    with pytest.raises(ValueError, match="k must satisfy 1 <= k <= n"):
        closed_form_cost("checkpoint", 4, 5)
    with pytest.raises(ValueError, match="must sum to n = 3"):
        checkpointed(counter_lenses(3), [1, 1])
    with pytest.raises(ValueError, match=r"leaves 0\.\.2 in order"):
        bracketed(counter_lenses(3), ((0, 2), 1))


def test_a_callable_cotangent_sees_the_output() -> None:
    run = measure_run(right_nested(counter_lenses(3)), 1, lambda y: 10 * y)
    assert run.output == 4 and run.gradient == measure_run(right_nested(counter_lenses(3)), 1, 40).gradient
