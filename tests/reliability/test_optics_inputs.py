"""Optics under stress and bad input: chains of thousands of lenses, counts and sizes validated, equivalence that
never reports "ok" without checking ``put``, array boundary labels.

Every probe is a row (add a row to cover a new entry point): long-chain rows build a composite of ``N`` lenses and
check its exact value and, where there is one, its closed-form cost; refusal rows name the call, the exception and
the words its message must contain (the argument and the rule).
"""

from __future__ import annotations

import re
import sys

import numpy as np
import pytest
import torch

from assay.kernels.optics import (
    checkpoint_sequential_segments,
    closed_form_for,
    measure_torch_chain,
    model_segments,
    torch_chain_lenses,
    torch_primitive_lens,
    vjp_as_checkpointed,
    vjp_as_lens,
    vjp_as_optic,
)
from assay.reference.optics import (
    ChainCost,
    Primitive,
    bracketed,
    bracketing_cost,
    chain_output_shape,
    check_two_cell,
    checkpointed,
    closed_form_cost,
    comparison_cell,
    compose_lenses,
    compose_optics,
    counit_cell,
    embed,
    erase,
    identity_lens,
    left_nested,
    left_tree,
    lenses_agree,
    measure_run,
    optic_chain,
    optics_equivalent,
    parallel_lenses,
    primitive_lens,
    primitive_lenses,
    right_nested,
    right_tree,
    segment_lengths,
    segmented_cost,
    tree_leaves,
    values_equal,
)
from assay.reference.optics.lens import MAX_NAME, same_label

#: Far past the default recursion limit (1000): a recursive evaluator fails here, an iterative one does not.
N = 3000


def doubling_lenses(n: int) -> list:
    """``get(x) = x + 1``, ``put(x, c) = 2c``: a chain of n gives ``get(0) = n`` and ``put(0, 1) = 2ⁿ`` exactly."""
    return [primitive_lens(lambda x: x + 1, lambda x, c: 2 * c, name=f"l{i}", monomorphic=False) for i in range(n)]


def _run_lens(lens):
    return lens.get(0), lens.put(0, 1)


def _run_optic(optic):
    residual, output = optic.forward(0)
    return output, optic.backward(residual, 1)


def _bracketing(n: int):
    """A deep, irregular bracketing: a right spine whose every third node is a left pair."""
    tree = n - 1
    index = n - 2
    while index >= 0:
        if index >= 1 and index % 3 == 0:
            tree = ((index - 1, index), tree)
            index -= 2
        else:
            tree = (index, tree)
            index -= 1
    return tree


LONG_CHAINS = [
    pytest.param(lambda ls: _run_lens(right_nested(ls)), id="right_nested"),
    pytest.param(lambda ls: _run_lens(bracketed(ls, right_tree(len(ls)))), id="bracketed-right_tree"),
    pytest.param(lambda ls: _run_lens(bracketed(ls, _bracketing(len(ls)))), id="bracketed-irregular"),
    pytest.param(lambda ls: _run_optic(optic_chain(ls)), id="optic_chain"),
    pytest.param(lambda ls: _run_optic(optic_chain(ls, left_tree(len(ls)))), id="optic_chain-left_tree"),
    pytest.param(lambda ls: _run_optic(checkpointed(ls, 50)), id="checkpointed-k50"),
    pytest.param(lambda ls: _run_optic(checkpointed(ls, [1] * (len(ls) - 2) + [2])), id="checkpointed-lengths"),
    pytest.param(lambda ls: _run_lens(erase(optic_chain(ls))), id="erase-optic_chain"),
    pytest.param(lambda ls: _run_optic(embed(right_nested(ls))), id="embed-right_nested"),
]


@pytest.mark.parametrize("run", LONG_CHAINS)
def test_chains_of_thousands_of_lenses_evaluate_exactly(run) -> None:
    assert N > sys.getrecursionlimit()
    assert run(doubling_lenses(N)) == (N, 2**N)


def test_a_left_nested_chain_past_the_recursion_limit_evaluates_exactly() -> None:
    n = 1200  # its put recomputes n(n+1)/2 gets, so smaller than N
    assert n > sys.getrecursionlimit()
    assert _run_lens(left_nested(doubling_lenses(n))) == (n, 2**n)


@pytest.mark.parametrize(
    ("build", "scheme"),
    [(right_nested, "lens-right"), (optic_chain, "optic"), (lambda ls: checkpointed(ls, 60), "checkpoint")],
    ids=["lens-right", "optic", "checkpoint-60"],
)
def test_instrumented_runs_of_long_chains_match_their_closed_forms(build, scheme) -> None:
    run = measure_run(build(doubling_lenses(N)), 0, 1)
    assert (run.output, run.gradient) == (N, 2**N)
    assert run.counts() == closed_form_cost(scheme, N, 60 if scheme == "checkpoint" else None)


def test_tree_helpers_handle_deep_trees() -> None:
    right, left = right_tree(N), left_tree(N)
    assert tree_leaves(right) == tree_leaves(left) == list(range(N))
    assert tree_leaves(_bracketing(N)) == list(range(N))
    assert bracketing_cost(right) == closed_form_cost("lens-right", N)
    assert bracketing_cost(left) == closed_form_cost("lens-left", N)


def test_composite_names_stay_short_and_keep_their_ends() -> None:
    name = right_nested(doubling_lenses(N)).name
    assert len(name) <= MAX_NAME and name.startswith("(l0 ; (l1 ; (l2") and "…" in name
    name = left_nested(doubling_lenses(N)).name
    assert len(name) <= MAX_NAME and name.endswith(f"l{N - 2}) ; l{N - 1})") and "…" in name
    assert compose_lenses(*doubling_lenses(2)).name == "(l0 ; l1)"


@pytest.mark.parametrize("vjp", [vjp_as_optic, vjp_as_lens, lambda c, x, g: vjp_as_checkpointed(c, x, g, 40)],
                         ids=["optic", "lens", "checkpointed"])
def test_long_vjp_chains_agree_with_autograd(vjp) -> None:
    chain = [Primitive("sin", (3,)), Primitive("mul", (3,), (np.array([1.5, -0.5, 1.0]),))] * 800
    x = torch.tensor([0.3, -0.7, 1.1], dtype=torch.float64, requires_grad=True)
    cotangent = torch.tensor([1.0, 2.0, -1.0], dtype=torch.float64)
    y = x
    for lens in torch_chain_lenses(chain):
        y = lens.get(y)
    (expected,) = torch.autograd.grad(y, x, cotangent)
    output, gradient = vjp(chain, x.detach(), cotangent)
    assert torch.equal(output, y.detach())
    torch.testing.assert_close(gradient, expected, rtol=1e-12, atol=1e-300)


# -- equivalence and labels ------------------------------------------------------------------------------------

def test_lenses_agree_refuses_to_judge_without_cotangents() -> None:
    """Two lenses with equal gets and different puts: without a cotangent ``put`` is never compared, so no verdict
    is given; with one, the difference is found."""
    first = primitive_lens(lambda a: a, lambda a, c: c, name="first")
    second = primitive_lens(lambda a: a, lambda a, c: c + 1, name="second")
    with pytest.raises(ValueError, match=r"cotangents must contain at least one sample \(put would never"):
        lenses_agree(first, second, [0, 1], [])
    with pytest.raises(ValueError, match="cotangents must contain"):
        optics_equivalent(embed(first), embed(second), [0, 1], iter(()))
    check = lenses_agree(first, second, [0, 1], [5])
    assert not check.ok and {d.part for d in check.disagreements} == {"put"}


def test_numpy_array_boundary_labels_compose_and_are_compared_by_value() -> None:
    def lens(name, source, target):
        return primitive_lens(lambda a: a, lambda a, c: c, name=name, source=source, target=target)

    first, second = lens("f", np.array([3]), np.array([2, 2])), lens("g", np.array([2, 2]), np.array([1]))
    composite = compose_lenses(first, second)
    assert values_equal(composite.source, np.array([3])) and values_equal(composite.target, np.array([1]))
    assert composite.get(4) == 4
    _, output = compose_optics(embed(first), embed(second)).forward(4)
    assert output == 4
    assert same_label((2, 2), np.array([2, 2])) and not same_label(np.array([2, 2]), np.array([2, 3]))
    with pytest.raises(ValueError, match=r"'f'.*'h'.*array\(\[2, 2\]\).*array\(\[2, 3\]\)"):
        compose_lenses(first, lens("h", np.array([2, 3]), None))


def test_values_equal_compares_tensors_only_with_tensors() -> None:
    assert values_equal(torch.ones(2), torch.ones(2)) and not values_equal(torch.ones(2), torch.zeros(2))
    assert not values_equal(torch.empty(0), 0.5) and not values_equal(torch.zeros(2, 3), 10**30)
    assert values_equal((np.ones(2), [1, {"a": 2}]), (np.ones(2), [1, {"a": 2}]))


# -- refusals ---------------------------------------------------------------------------------------------------

LENS = doubling_lenses(1)[0]
SIN = Primitive("sin", (3,))
X3 = torch.zeros(3, dtype=torch.float64)

REFUSALS = [
    # (call, exception, words the message must contain)
    (lambda: measure_torch_chain(-3, "autograd"), ValueError, "n must be >= 1, got -3"),
    (lambda: measure_torch_chain(0, "autograd"), ValueError, "n must be >= 1"),
    (lambda: measure_torch_chain(4, "checkpoint", 0), ValueError, "k must be >= 1, got 0"),
    (lambda: measure_torch_chain(4, "checkpoint_sequential", 0), ValueError, "k must be >= 1, got 0"),
    (lambda: measure_torch_chain(4, "checkpoint", 5), ValueError, "k must satisfy 1 <= k <= n = 4"),
    (lambda: measure_torch_chain(4, "autograd", width=0), ValueError, "width must be >= 1"),
    (lambda: measure_torch_chain(10**9, "autograd"), ValueError, "n must be <= MAX_LAYERS"),
    (lambda: measure_torch_chain(1000, "autograd", width=10**6), ValueError, "n * width"),
    (lambda: measure_torch_chain(4.0, "autograd"), TypeError, "n must be an int"),
    (lambda: measure_torch_chain(4, "autograd", dtype=torch.int64), ValueError, "dtype must be a floating dtype"),
    (lambda: measure_torch_chain(4, "autograd", layer=None), TypeError, "layer must be a str"),
    (lambda: measure_torch_chain(4, "autograd", early_stop=1), TypeError, "early_stop must be a bool"),
    (lambda: measure_torch_chain(4, "revolve", 2), ValueError, "scheme must be one of"),
    (lambda: model_segments("checkpoint", 8, None), ValueError, "needs k"),
    (lambda: model_segments("checkpoint", -1, 2), ValueError, "n must be >= 1"),
    (lambda: closed_form_for("checkpoint_sequential", 8, 0), ValueError, "k must be >= 1"),
    (lambda: checkpoint_sequential_segments(4, 5), ValueError, "segments must satisfy 1 <= segments <= n = 4"),
    (lambda: checkpoint_sequential_segments(10**12, 1), ValueError, "n must be <= "),
    (lambda: segment_lengths(8, 0), ValueError, "k must be >= 1, got 0"),
    (lambda: segment_lengths(10**12, 1), ValueError, "n must be <= MAX_LENGTH"),
    (lambda: segment_lengths(8, 2.0), TypeError, "k must be an int"),
    (lambda: right_tree(0), ValueError, "n must be >= 1, got 0"),
    (lambda: left_tree(-5), ValueError, "n must be >= 1, got -5"),
    (lambda: right_tree(10**12), ValueError, "n must be <= MAX_LENGTH"),
    (lambda: tree_leaves((0, 1, 2)), ValueError, "must be a pair (left, right), got 3 children"),
    (lambda: tree_leaves((0, "x")), TypeError, "an int leaf or a pair of trees, got str"),
    (lambda: bracketing_cost(None), TypeError, "an int leaf or a pair of trees"),
    (lambda: bracketed([LENS, LENS], (1, 0)), ValueError, "leaves 0..1 in order"),
    (lambda: right_nested([]), ValueError, "lenses must contain at least one lens"),
    (lambda: right_nested(LENS), TypeError, "lenses must be a sequence of Lens"),
    (lambda: left_nested([LENS, "lens"]), TypeError, "lenses[1] must be a Lens, got str"),
    (lambda: optic_chain([LENS], tree=(0, 1)), ValueError, "leaves 0..0 in order"),
    (lambda: checkpointed([LENS] * 3, 0), ValueError, "k must be >= 1"),
    (lambda: checkpointed([LENS] * 3, [1, 0, 2]), ValueError, "segments[1] must be >= 1"),
    (lambda: checkpointed([LENS] * 3, "12"), TypeError, "segments must be an int k or a sequence"),
    (lambda: checkpointed([LENS] * 3, [1.0, 2]), TypeError, "segments[0] must be an int"),
    (lambda: closed_form_cost("checkpoint", 4, 0), ValueError, "k must be >= 1"),
    (lambda: closed_form_cost(None, 4), TypeError, "scheme must be a str"),
    (lambda: closed_form_cost("optic", 0), ValueError, "n must be >= 1"),
    (lambda: segmented_cost([]), ValueError, "lengths must contain at least one"),
    (lambda: segmented_cost([2, -1]), ValueError, "lengths[1] must be >= 1"),
    (lambda: segmented_cost(3), TypeError, "lengths must be a sequence"),
    (lambda: lenses_agree(LENS, LENS, [], [1]), ValueError, "inputs must contain at least one sample"),
    (lambda: lenses_agree(LENS, LENS, [0], [1], max_reported=0), ValueError, "max_reported must be >= 1"),
    (lambda: lenses_agree(LENS, LENS, 5, [1]), TypeError, "inputs must be an iterable"),
    (lambda: lenses_agree(LENS, LENS, [0], [1], equal=None), TypeError, "equal must be callable"),
    (lambda: check_two_cell(counit_cell(embed(LENS)), [0], [], [1], max_per_equation=0), ValueError,
     "max_per_equation must be >= 1"),
    (lambda: check_two_cell(counit_cell(embed(LENS)), [0], None, [1]), TypeError, "residuals must be an iterable"),
    (lambda: comparison_cell(None, LENS), TypeError, "first must be a Lens"),
    (lambda: counit_cell(LENS), TypeError, "optic must be an Optic"),
    (lambda: parallel_lenses(LENS, None), TypeError, "second must be a Lens"),
    (lambda: identity_lens().then(embed(LENS)), TypeError, "second must be a Lens"),
    (lambda: optic_chain([LENS, LENS]).backward("not a pair", 1), ValueError, "residual of a composite optic"),
    (lambda: Primitive("sin", 3), TypeError, "shape must be a tuple of positive ints"),
    (lambda: Primitive(None, (3,)), TypeError, "name must be a str"),
    (lambda: Primitive("mul", (2,), (np.array(["a", "b"]),)), TypeError, "params[0] must be a numeric array"),
    (lambda: chain_output_shape([SIN, "sin"]), TypeError, "chain[1] must be a Primitive"),
    (lambda: primitive_lenses(SIN), TypeError, "chain must be a sequence of Primitive"),
    (lambda: torch_primitive_lens(SIN, dtype=torch.int32), ValueError, "dtype must be a floating dtype"),
    (lambda: torch_primitive_lens(SIN, device="nowhere"), ValueError, "device must name a torch device"),
    (lambda: torch_chain_lenses([], torch.float64), ValueError, "chain must contain at least one primitive"),
    (lambda: vjp_as_optic([SIN], X3.numpy(), X3), TypeError, "x must be a torch.Tensor"),
    (lambda: vjp_as_lens([SIN], torch.zeros(4, dtype=torch.float64), X3), ValueError,
     "x must have shape (3,), got (4,)"),
    (lambda: vjp_as_optic([SIN], torch.full((3,), float("nan"), dtype=torch.float64), X3), ValueError,
     "x must be finite"),
    (lambda: vjp_as_optic([SIN], X3, X3.float()), ValueError, "cotangent must have the dtype and device of x"),
    (lambda: vjp_as_checkpointed([SIN] * 4, X3, X3, 0), ValueError, "k must be >= 1"),
]


@pytest.mark.parametrize(("call", "exception", "words"), REFUSALS, ids=[row[2][:50] for row in REFUSALS])
def test_bad_optics_input_is_refused_naming_the_argument_and_the_rule(call, exception, words) -> None:
    with pytest.raises(exception, match=re.escape(words)):
        call()


def test_legitimate_edge_cases_get_the_right_answer() -> None:
    assert right_tree(1) == 0 and left_tree(1) == 0 and tree_leaves(0) == [0]
    assert segment_lengths(5, 5) == [5] and segment_lengths(5, 2) == [2, 2, 1]
    assert segmented_cost([1]) == ChainCost(1, 1, 2) == closed_form_cost("checkpoint", 1, 1)
    assert checkpoint_sequential_segments(1, 1) == [1] and model_segments("autograd", 3, None) == [1, 1, 1]
    assert right_nested([LENS]) is LENS and left_nested([LENS]) is LENS
    counts = measure_torch_chain(1, "checkpoint", 1, width=1)
    assert (counts.gets, counts.saved_tensors) == (closed_form_for("checkpoint", 1, 1).gets, 1)
