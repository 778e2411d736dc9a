"""Categorical structure up to equivalence: associativity, units, U functorial, U∘F = id, and 2-cells."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from assay.properties.optics import (
    associativity_check,
    erase_embed_check,
    erasure_functoriality_check,
    table_lenses,
    unit_checks,
)
from assay.reference.optics import (
    BACKWARD_EQUATION,
    FORWARD_EQUATION,
    TwoCell,
    check_two_cell,
    comparison_cell,
    compose_optics,
    counit_cell,
    embed,
    lenses_agree,
    optics_equivalent,
    primitive_lens,
    primitive_optic,
    projection_cell,
)

# Lenses on Z/5 with random get/put tables: the structure must hold for law-breaking lenses too.
N = 5
tables = st.tuples(st.lists(st.integers(0, N - 1), min_size=N, max_size=N),
                   st.lists(st.integers(0, N - 1), min_size=N * N, max_size=N * N))


def lens_of(table, name="t"):
    get_table, put_table = table
    return primitive_lens(lambda a: get_table[a], lambda a, b: put_table[a * N + b], name=name)


def optic_of(table, residual_size, name="o"):
    """A primitive optic on Z/5 with residual in Z/residual_size (not the image of a lens)."""
    get_table, put_table = table
    return primitive_optic(
        lambda a: ((a * 3) % residual_size, get_table[a]),
        lambda m, b: put_table[(m * N + b) % (N * N)],
        name=name,
    )


POINTS = range(N)


@given(tables, tables, tables)
def test_lens_and_optic_composition_is_associative(t1, t2, t3) -> None:
    lenses = [lens_of(t, f"l{i}") for i, t in enumerate((t1, t2, t3))]
    assert associativity_check(*lenses, POINTS, POINTS).ok
    optics = [optic_of(t, 2 + i) for i, t in enumerate((t1, t2, t3))]
    assert associativity_check(*optics, POINTS, POINTS).ok


@given(tables, st.integers(1, 4))
def test_identities_are_units_up_to_equivalence(table, residual_size) -> None:
    checks = unit_checks(lens_of(table), POINTS, POINTS) + unit_checks(optic_of(table, residual_size), POINTS, POINTS)
    assert all(check.ok for check in checks), [str(c) for c in checks]


@given(tables, tables, st.integers(1, 4), st.integers(1, 4))
def test_erasure_is_functorial(t1, t2, m1, m2) -> None:
    assert erasure_functoriality_check(optic_of(t1, m1), optic_of(t2, m2), POINTS, POINTS).ok
    assert erasure_functoriality_check(embed(lens_of(t1)), optic_of(t2, m2), POINTS, POINTS).ok


@given(table_lenses(max_states=5, max_views=5))
def test_erase_after_embed_is_the_identity(sample) -> None:
    assert erase_embed_check(sample.lens, sample.states, sample.views).ok


@given(tables, tables)
def test_equivalence_detects_different_lenses(t1, t2) -> None:
    first, second = lens_of(t1, "first"), lens_of(t2, "second")
    check = optics_equivalent(embed(first), embed(second), POINTS, POINTS)
    assert check.ok == (t1 == t2)
    if not check.ok:
        part = check.disagreements[0].part
        assert part in ("get", "put") and (part == "put" or t1[0] != t2[0])
    assert lenses_agree(first, second, POINTS, POINTS).ok == check.ok


@given(tables, tables)
def test_the_oplax_comparison_is_a_two_cell(t1, t2) -> None:
    cell = comparison_cell(lens_of(t1, "l1"), lens_of(t2, "l2"))
    residuals = list(POINTS)  # the residual of F(l1 ; l2) is its input: every a in A
    assert check_two_cell(cell, POINTS, residuals, POINTS).ok


@given(tables, tables)
def test_the_projection_is_not_a_two_cell_and_the_checker_names_the_backward_equation(t1, t2) -> None:
    first, second = lens_of(t1, "l1"), lens_of(t2, "l2")
    cell = projection_cell(first, second)
    all_residuals = [(a, b) for a in POINTS for b in POINTS]  # every (a, b) in A × B, not only (a, get1 a)
    check = check_two_cell(cell, POINTS, all_residuals, POINTS)
    assert FORWARD_EQUATION not in check.failed_equations  # forwards agree: (a, get2 get1 a) both ways
    # the backward equation holds iff put1(a, put2(b, c)) = put1(a, put2(get1 a, c)) for all a, b, c
    breaks = any(
        first.put(a, second.put(b, c)) != first.put(a, second.put(first.get(a), c))
        for a in POINTS for b in POINTS for c in POINTS
    )
    assert (BACKWARD_EQUATION in check.failed_equations) == breaks
    if breaks:
        assert "backward" in str(check)


def test_the_projection_fails_for_a_concrete_pair() -> None:
    # put2(b, c) = b + c depends on its residual b; put1(a, x) = x passes it through
    first = primitive_lens(lambda a: a, lambda a, x: x, name="id-ish")
    second = primitive_lens(lambda b: b, lambda b, c: b + c, name="adds")
    check = check_two_cell(projection_cell(first, second), [0, 1], [(0, 5)], [1])
    assert check.failed_equations == {BACKWARD_EQUATION}
    failure = check.failures[0]
    assert failure.at == ((0, 5), 1) and (failure.left, failure.right) == (6, 1)


@given(tables, st.integers(1, 4))
def test_the_counit_is_a_two_cell(table, residual_size) -> None:
    optic = optic_of(table, residual_size)
    assert check_two_cell(counit_cell(optic), POINTS, POINTS, POINTS).ok


@given(tables, tables)
def test_a_wrong_residual_map_breaks_the_forward_equation(t1, t2) -> None:
    source = compose_optics(embed(lens_of(t1)), embed(lens_of(t2)))
    target = compose_optics(embed(lens_of(t1)), embed(lens_of(t2)))
    shifted = TwoCell(source, target, lambda m: ((m[0] + 1) % N, m[1]), "shift")
    check = check_two_cell(shifted, POINTS, [], POINTS)
    assert FORWARD_EQUATION in check.failed_equations
