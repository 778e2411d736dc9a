"""Conformance: lenses — the lens laws of a library's lens kinds, its lens constructor and its composition.

Capabilities and the signatures an adapter provides (see ``assay.conformance.adapters.optics_lenses`` and
``assay.conformance.adapters.optics_torch_checkpoint``):

- ``optics.lens_laws`` — ``f() -> list[LawCase]`` (:class:`assay.properties.optics.LawCase`): the library's lens
  kinds on finite domains, with the laws the library documents as not holding there (``breaks``). Property: the
  checker finds exactly the declared laws broken — an undeclared violation fails with the equation
  (``GetPut put(s, get(s)) = s``, ``PutGet get(put(s, v)) = v``, ``PutPut put(put(s, v), v') = put(s, v')``) and
  the counterexample.
- ``optics.make_lens`` — ``f(get, put) -> (get, put)``: the library's custom-lens constructor. Property: three
  designed law-breaking lenses are flagged with the law each breaks; a lawful one passes.
- ``optics.compose`` — ``f(case1, case2) -> (get, put)``: the library's composition. Property: the composite is
  ``get2 ∘ get1`` with ``put(s, v) = put1(s, put2(get1 s, v))`` and lawful.
Checkpoint counts and checkpointed VJPs are the chapter ``test_optics_checkpointing.py``. Lawful cases are a
contract: the tests here fail with the violated equation and a counterexample.
"""

from __future__ import annotations

import pytest

from assay.properties.optics.laws import LAWS, LawCase, check_lens_laws

LAW_CASES = "optics.lens_laws"
MAKE_LENS = "optics.make_lens"
COMPOSE = "optics.compose"


def _describe(report, case: LawCase) -> str:
    unexpected = sorted(report.broken - case.breaks)
    missing = sorted(case.breaks - report.broken)
    lines = [f"{case.name}:"]
    if unexpected:
        lines.append(f"  breaks {', '.join(f'{law} [{LAWS[law]}]' for law in unexpected)} (not declared)")
        lines += [f"    {v}" for v in report.violations if v.law in unexpected]
    if missing:
        lines.append(f"  declared to break {', '.join(missing)} but the checker found no counterexample")
    return "\n".join(lines)


@pytest.mark.assay_capability(LAW_CASES)
def test_lens_kinds_break_exactly_the_laws_they_declare(assay_adapter) -> None:
    cases = assay_adapter.get(LAW_CASES)()
    assert cases, f"{assay_adapter.name} provides {LAW_CASES} but returned no cases"
    problems = []
    for case in cases:
        if not isinstance(case, LawCase):
            raise TypeError(f"{LAW_CASES} must return LawCase objects, got {type(case).__name__}")
        report = check_lens_laws(case.as_lens(), case.states, case.views)
        if report.broken != case.breaks:
            problems.append(_describe(report, case))
    assert not problems, f"{assay_adapter.name}: lens laws\n" + "\n".join(problems)


def _designed_defects():
    """(law, get, put, states, views): one lens per law that breaks that law."""
    yield "GetPut", (lambda s: s % 2), (lambda s, v: (s // 2) * 2 + v if s != 0 else 2), range(4), range(2)
    yield "PutGet", (lambda s: s % 2), (lambda s, v: s), range(4), range(2)
    yield (
        "PutPut",
        (lambda s: s[0]),
        (lambda s, v: (v, s[1]) if v == s[0] else (v, (s[1] + 1) % 3)),
        [(v, c) for v in range(3) for c in range(3)],
        range(3),
    )


@pytest.mark.assay_capability(MAKE_LENS)
def test_law_breaking_lenses_are_flagged_with_the_equation_that_broke(assay_adapter) -> None:
    make = assay_adapter.get(MAKE_LENS)
    for law, get, put, states, views in _designed_defects():
        lib_get, lib_put = make(get, put)
        report = check_lens_laws(LawCase(f"designed-{law}", lib_get, lib_put, (), ()).as_lens(), states, views)
        assert law in report.broken, f"{assay_adapter.name}: a lens breaking {law} was not flagged:\n{report}"
        assert LAWS[law] in str(report)
    lib_get, lib_put = make(lambda s: s[1], lambda s, v: (s[0], v))
    report = check_lens_laws(LawCase("field", lib_get, lib_put, (), ()).as_lens(),
                             [(a, b) for a in range(3) for b in range(3)], range(3))
    assert report.ok, f"{assay_adapter.name}: a lawful field lens was flagged:\n{report}"


@pytest.mark.assay_capability(COMPOSE)
def test_composition_is_the_lens_composite(assay_adapter) -> None:
    outer = LawCase("outer", lambda s: s[0], lambda s, v: (v, s[1]), (), (), source="((int, int), int)",
                    target="(int, int)")
    inner = LawCase("inner", lambda p: p[1], lambda p, v: (p[0], v), (), (), source="(int, int)", target="int")
    get, put = assay_adapter.get(COMPOSE)(outer, inner)
    states = [((a, b), c) for a in range(2) for b in range(3) for c in range(2)]
    for s in states:
        assert get(s) == s[0][1], f"{assay_adapter.name}: composite get({s!r}) = {get(s)!r}, expected {s[0][1]!r}"
        for v in range(3):
            expected = ((s[0][0], v), s[1])
            assert put(s, v) == expected, f"{assay_adapter.name}: composite put({s!r}, {v}) = {put(s, v)!r}"
    report = check_lens_laws(LawCase("outer & inner", get, put, (), ()).as_lens(), states, range(3))
    assert report.ok, str(report)
