"""AD lenses: reverse derivatives checked by complex-step differentiation; chains as lenses, optics and
checkpointed composites give the same derivative; learners (Backprop as functor) and a Para(Lens) gradient step."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from assay.properties.optics import ad_chains, complex_step_adjoint_error, learner_functoriality_mismatches
from assay.reference.optics import (
    PRIMITIVES,
    Primitive,
    checkpointed,
    compose_learners,
    compose_para,
    gradient_step,
    learner_from_para,
    left_nested,
    optic_chain,
    para_affine,
    para_primitive,
    primitive_lenses,
    right_nested,
    segment_lengths,
    values_equal,
)

# ⟨put(x, c'), v⟩ against ⟨c', J v⟩ with a complex step: both sides are exact to a few ulps of the summands' sizes.
ADJOINT_BOUND = 1e-13


def inputs_for(chain, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, chain[0].shape)
    x = np.where(np.abs(x) < 1e-3, 0.5, x)  # keep relu away from its kink
    out = chain[-1].out_shape
    return x, rng.uniform(-1, 1, x.shape), rng.uniform(-1, 1, out) if out else np.float64(rng.uniform(-1, 1))


def primitive_of(name, dim, rng):
    if name == "affine":
        return Primitive(name, (dim,), (rng.uniform(-1, 1, (3, dim)), rng.uniform(-1, 1, 3)))
    if name in ("mul", "add"):
        return Primitive(name, (dim,), (rng.uniform(-1, 1, dim),))
    return Primitive(name, (dim,))


@pytest.mark.parametrize("name", PRIMITIVES)
def test_each_reverse_derivative_is_the_adjoint_of_the_derivative(name) -> None:
    rng = np.random.default_rng(7)
    chain = [primitive_of(name, 4, rng)]
    for seed in range(5):
        x, v, c = inputs_for(chain, seed)
        assert complex_step_adjoint_error(chain, x, v, c) <= ADJOINT_BOUND


@given(ad_chains(max_length=6), st.integers(0, 2**16))
def test_chain_reverse_derivatives_are_adjoints(chain, seed) -> None:
    x, v, c = inputs_for(chain, seed)
    relu_inputs_near_kink = False
    value = x
    for lens in primitive_lenses(chain):  # a relu input near 0 would make the complex step cross the kink
        if lens.name == "relu" and np.min(np.abs(value)) < 1e-9:
            relu_inputs_near_kink = True
        value = lens.get(value)
    if not relu_inputs_near_kink:
        assert complex_step_adjoint_error(chain, x, v, c) <= ADJOINT_BOUND


@given(ad_chains(max_length=8), st.integers(0, 2**16), st.data())
def test_lens_optic_and_checkpointed_chains_compute_the_same_derivative_exactly(chain, seed, data) -> None:
    x, _, c = inputs_for(chain, seed)
    lenses = primitive_lenses(chain)
    right, left = right_nested(lenses), left_nested(lenses)
    optic = optic_chain(lenses)
    k = data.draw(st.integers(1, len(chain)))
    mixed = checkpointed(lenses, k)
    residual, output = optic.forward(x)
    residual_k, output_k = mixed.forward(x)
    gradient = right.put(x, c)
    # the same primitive calls on the same values in the same order: bit-for-bit equal
    assert values_equal(output, right.get(x)) and values_equal(output_k, output)
    assert values_equal(optic.backward(residual, c), gradient)
    assert values_equal(mixed.backward(residual_k, c), gradient)
    assert values_equal(left.put(x, c), gradient)
    assert len(segment_lengths(len(chain), k)) == -(-len(chain) // k)


def test_sum_and_affine_shapes() -> None:
    chain = [Primitive("affine", (3,), (np.arange(6.0).reshape(2, 3), np.ones(2))), Primitive("sum", (2,))]
    lens = right_nested(primitive_lenses(chain))
    assert lens.get(np.array([1.0, 0.0, -1.0])) == (0 - 2 + 1) + (3 - 5 + 1)
    np.testing.assert_array_equal(lens.put(np.zeros(3), 2.0), 2.0 * np.array([3.0, 5.0, 7.0]))


# -- learners and Para(Lens), in exact rational arithmetic ---------------------------------------------------------
def fractions(rng, shape):
    values = [Fraction(int(v), 8) for v in rng.integers(-16, 17, size=shape).ravel()]
    return np.array(values, dtype=object).reshape(shape)


def affine_params(rng, d_out, d_in):
    return (fractions(rng, (d_out, d_in)), fractions(rng, (d_out,)))


@given(st.integers(0, 2**16), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3))
def test_backprop_is_a_functor(seed, d0, d1, d2) -> None:
    """L(I ; J) = L(I) ; L(J) for the quadratic error, exactly (Fractions): implement, update and request."""
    rng = np.random.default_rng(seed)
    first = compose_para(para_affine("I1"), para_primitive(Primitive("relu", (d1,))))
    second = para_affine("J")
    epsilon = Fraction(1, 4)
    composite = learner_from_para(compose_para(first, second), epsilon)
    pair = compose_learners(learner_from_para(first, epsilon), learner_from_para(second, epsilon))
    p = ((affine_params(rng, d1, d0), ()), affine_params(rng, d2, d1))
    a, c = fractions(rng, (d0,)), fractions(rng, (d2,))
    assert learner_functoriality_mismatches(composite, pair, p, a, c) == []


def test_learner_functoriality_mismatch_is_reported() -> None:
    rng = np.random.default_rng(0)
    first, second = para_affine("I"), para_affine("J")
    composite = learner_from_para(compose_para(first, second), Fraction(1, 4))
    wrong = compose_learners(learner_from_para(first, Fraction(1, 2)), learner_from_para(second, Fraction(1, 4)))
    p = (affine_params(rng, 2, 2), affine_params(rng, 2, 2))
    a, c = np.array([Fraction(1), Fraction(-1)], dtype=object), np.array([Fraction(3), Fraction(1)], dtype=object)
    found = learner_functoriality_mismatches(composite, wrong, p, a, c)
    assert found and found[0].startswith("update")


@given(st.integers(0, 2**16), st.integers(1, 3), st.integers(1, 3))
def test_a_gradient_step_is_put_of_a_composite_lens(seed, d_in, d_out) -> None:
    """new p = p − ε ∇_p ½‖W a + b − y‖², with ∇_W = r aᵀ, ∇_b = r, r = W a + b − y (exact)."""
    rng = np.random.default_rng(seed)
    weight, bias = affine_params(rng, d_out, d_in)
    a, y = fractions(rng, (d_in,)), fractions(rng, (d_out,))
    epsilon = Fraction(1, 8)
    new_weight, new_bias = gradient_step(para_affine(), (weight, bias), a, y, epsilon)
    r = weight @ a + bias - y
    assert values_equal(new_weight, weight - epsilon * np.outer(r, a))
    assert values_equal(new_bias, bias - epsilon * r)
