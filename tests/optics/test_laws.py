"""The lens laws GetPut, PutGet, PutPut: lawful lenses pass, designed defects are flagged by their equation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assay.properties.optics import (
    LAWS,
    broken_finite_lenses,
    check_lens_laws,
    lawful_finite_lenses,
    record_lenses,
    table_lenses,
)
from assay.reference.optics import Primitive, compose_lenses, primitive_lens, primitive_lens_of


@given(lawful_finite_lenses())
def test_lenses_from_a_bijection_satisfy_all_laws(sample) -> None:
    report = check_lens_laws(sample.lens, sample.states, sample.views)
    assert report.ok, str(report)
    n_states, n_views = len(sample.states), len(sample.views)
    assert report.checked == {"GetPut": n_states, "PutGet": n_states * n_views, "PutPut": n_states * n_views**2}


@given(record_lenses())
def test_record_field_lenses_satisfy_all_laws(sample) -> None:
    assert check_lens_laws(sample.lens, sample.states, sample.views).ok


@given(st.data())
def test_composites_of_lawful_lenses_are_lawful(data) -> None:
    inner = data.draw(lawful_finite_lenses(max_complement=2, max_views=3))
    # outer's views are inner's states
    outer = data.draw(lawful_finite_lenses(max_complement=2, n_views=len(inner.states)))
    composite = compose_lenses(outer.lens, inner.lens)
    report = check_lens_laws(composite, outer.states, inner.views)
    assert report.ok, str(report)
    assert report.checked["PutPut"] == len(outer.states) * len(inner.views) ** 2


@given(broken_finite_lenses())
def test_designed_defects_are_flagged_with_their_equation(sample) -> None:
    report = check_lens_laws(sample.lens, sample.states, sample.views)
    assert sample.breaks in report.broken, str(report)
    violation = next(v for v in report.violations if v.law == sample.breaks)
    assert violation.equation == LAWS[sample.breaks]
    assert LAWS[sample.breaks] in str(report)
    assert violation.left != violation.right


@given(broken_finite_lenses().filter(lambda s: s.breaks == "PutPut"))
def test_the_counting_lens_breaks_only_putput(sample) -> None:
    assert check_lens_laws(sample.lens, sample.states, sample.views).broken == {"PutPut"}


@given(table_lenses())
def test_table_lenses_reports_agree_with_brute_force(sample) -> None:
    get, put = sample.lens.get, sample.lens.put
    expected = set()
    if any(put(s, get(s)) != s for s in sample.states):
        expected.add("GetPut")
    if any(get(put(s, v)) != v for s in sample.states for v in sample.views):
        expected.add("PutGet")
    if any(put(put(s, v), w) != put(s, w) for s in sample.states for v in sample.views for w in sample.views):
        expected.add("PutPut")
    assert check_lens_laws(sample.lens, sample.states, sample.views).broken == expected


@given(st.sampled_from(["GetPut", "PutGet", "PutPut"]))
def test_a_subset_of_laws_can_be_checked(law) -> None:
    lens = primitive_lens(lambda s: s % 2, lambda s, v: s)  # read-only: breaks PutGet only
    report = check_lens_laws(lens, range(4), range(2), laws=[law])
    assert set(report.checked) == {law}
    assert report.broken == ({"PutGet"} if law == "PutGet" else set())


def test_laws_refuse_ad_lenses_and_bad_arguments() -> None:
    with pytest.raises(TypeError, match="only to monomorphic lenses"):
        check_lens_laws(primitive_lens_of(Primitive("tanh", (2,))), [0.0], [0.0])
    lens = primitive_lens(lambda s: s, lambda s, v: v)
    with pytest.raises(ValueError, match="laws must be among"):
        check_lens_laws(lens, [0], [0], laws=["SetSet"])
    with pytest.raises(ValueError, match="states must contain"):
        check_lens_laws(lens, [], [0])
    with pytest.raises(TypeError, match="lens must be a Lens"):
        check_lens_laws(lambda s: s, [0], [0])
