"""Conformance: lenses and optics — the lens laws, composition, and torch's checkpointing against the closed forms.

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
- ``optics.checkpoint_counts`` — ``f(n, scheme, k) -> {"segments", "gets", "stored", …}``. Property: measured
  recomputation and stored activations equal the closed form of the declared segmentation
  (``gets = 2n − m``, ``stored = m``), and ``scheme="checkpoint"`` declares ``⌈n/k⌉`` segments of ``k`` layers.
- ``optics.checkpointed_vjp`` — ``f(chain, x, cotangent, k) -> gradient``. Property: agrees with the reference
  reverse derivative of the chain to relative error 1e-12 of the largest component (float64).
- ``optics.chain_lenses`` — ``f(chain) -> list[Lens]``. Property: composing lenses of mismatched shapes raises a
  ``ValueError`` naming both lenses.

Lawful cases are a contract: the tests here fail with the violated equation and a counterexample.
"""

from __future__ import annotations

import numpy as np
import pytest

from assay.properties.optics.laws import LAWS, LawCase, check_lens_laws

LAW_CASES = "optics.lens_laws"
MAKE_LENS = "optics.make_lens"
COMPOSE = "optics.compose"
CHECKPOINT_COUNTS = "optics.checkpoint_counts"
CHECKPOINTED_VJP = "optics.checkpointed_vjp"
CHAIN_LENSES = "optics.chain_lenses"

# float64 VJPs through different evaluation orders: a few ulps per layer, relative to the largest component.
VJP_BOUND = 1e-12


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


@pytest.mark.assay_capability(LAW_CASES)
def test_composing_lenses_with_different_types_names_both(assay_adapter) -> None:
    from assay.reference.optics.lens import compose_lenses

    labelled = [case for case in assay_adapter.get(LAW_CASES)() if case.source is not None and case.target is not None]
    for first in labelled:
        for second in labelled:
            if first.target != second.source:
                with pytest.raises(ValueError, match=rf"{_quoted(first.name)}.*{_quoted(second.name)}") as info:
                    compose_lenses(first.as_lens(), second.as_lens())
                assert repr(first.target) in str(info.value) and repr(second.source) in str(info.value)
                return
    pytest.skip(f"{assay_adapter.name} labels no pair of cases with different types")


def _quoted(name: str) -> str:
    import re

    return re.escape(repr(name))


# -- torch checkpointing ---------------------------------------------------------------------------------------
@pytest.mark.assay_capability(CHECKPOINT_COUNTS)
@pytest.mark.parametrize(("n", "k"), [(8, 1), (8, 2), (8, 8), (16, 4), (12, 5), (64, 8)])
@pytest.mark.parametrize("scheme", ["checkpoint", "checkpoint_sequential"])
def test_checkpoint_counts_equal_the_closed_form_of_their_segmentation(assay_adapter, scheme, n, k) -> None:
    from assay.reference.optics.chains import segment_lengths
    from assay.reference.optics.cost import segmented_cost

    measured = assay_adapter.get(CHECKPOINT_COUNTS)(n, scheme, k)
    segments = list(measured["segments"])
    assert sum(segments) == n and all(s >= 1 for s in segments), f"declared segmentation {segments} is not of n={n}"
    if scheme == "checkpoint":
        assert segments == segment_lengths(n, k), f"checkpoint with k={k} must run segments {segment_lengths(n, k)}"
    expected = segmented_cost(segments)
    assert (measured["gets"], measured["stored"]) == (expected.gets, expected.stored), (
        f"{assay_adapter.name} {scheme}(n={n}, k={k}) on segments {segments}: measured gets/stored "
        f"{measured['gets']}/{measured['stored']}, closed form 2n−m = {expected.gets}, m = {expected.stored}"
    )


def _chains():
    from assay.reference.optics.ad import Primitive

    rng = np.random.default_rng(2024)
    names = ["tanh", "sin", "sigmoid", "relu", "cos"]
    for length in (1, 3, 6, 9):
        chain = [Primitive("affine", (4,), (rng.uniform(-1, 1, (4, 4)) / 2, rng.uniform(-1, 1, 4)))]
        for index in range(length - 1):
            chain.append(Primitive(names[index % len(names)], (4,)))
        yield chain, rng.uniform(-1, 1, 4), rng.uniform(-1, 1, 4)


@pytest.mark.assay_capability(CHECKPOINTED_VJP)
@pytest.mark.parametrize("k", [1, 2, 4])
def test_checkpointed_vjp_matches_the_reference_reverse_derivative(assay_adapter, k) -> None:
    from assay.core.errors import relative_error
    from assay.reference.optics.ad import primitive_lenses
    from assay.reference.optics.chains import right_nested

    vjp = assay_adapter.get(CHECKPOINTED_VJP)
    for chain, x, cotangent in _chains():
        expected = right_nested(primitive_lenses(chain)).put(x, cotangent)
        actual = np.asarray(vjp(chain, x, cotangent, min(k, len(chain))))
        error = float(np.max(relative_error(actual, expected, scale=np.max(np.abs(expected)))))
        assert error <= VJP_BOUND, (
            f"{assay_adapter.name}: VJP of {[p.name for p in chain]} with k={k}: relative error {error:.3g} > "
            f"{VJP_BOUND}; got {actual!r}, expected {expected!r}"
        )


@pytest.mark.assay_capability(CHAIN_LENSES)
def test_composing_mismatched_shapes_names_both_lenses(assay_adapter) -> None:
    from assay.reference.optics.ad import Primitive
    from assay.reference.optics.chains import optic_chain, right_nested

    chain = [Primitive("affine", (3,), (np.ones((2, 3)), np.zeros(2))), Primitive("tanh", (5,))]
    lenses = assay_adapter.get(CHAIN_LENSES)(chain)
    for build in (right_nested, optic_chain):
        with pytest.raises(ValueError, match=r"'(F\()?affine\)?'.*'(F\()?tanh\)?'.*\(2,\).*\(5,\)"):
            build(lenses)
