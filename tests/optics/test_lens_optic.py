"""Lenses and optics: composition, identities, parallel product, F and U, and the errors for bad composites."""

from __future__ import annotations

import numpy as np
import pytest

from assay.reference.optics import (
    Primitive,
    compose_lenses,
    compose_optics,
    embed,
    erase,
    identity_lens,
    identity_optic,
    parallel_lenses,
    parallel_optics,
    primitive_lens,
    primitive_lens_of,
    primitive_optic,
    right_nested,
)


def affine_lens(scale: int, shift: int, name: str):
    """x ↦ scale·x + shift with put (x, y') ↦ scale·y' (an AD lens on integers, exact)."""
    return primitive_lens(lambda x: scale * x + shift, lambda x, dy: scale * dy, name=name, monomorphic=False)


def test_composition_recomputes_get_and_chains_put() -> None:
    calls = []
    first = primitive_lens(lambda a: calls.append("get1") or a + 1, lambda a, b: (a, b), name="first")
    second = primitive_lens(lambda b: 2 * b, lambda b, c: b * c, name="second")
    composite = compose_lenses(first, second)
    assert composite.get(3) == 8
    calls.clear()
    # put(a, c') = put1(a, put2(get1(a), c')) = (3, 4 * 5)
    assert composite.put(3, 5) == (3, 20)
    assert calls == ["get1"]  # the backward pass recomputed get1 once
    assert composite.kind == "compose" and composite.parts[1] is first and composite.parts[2] is second


def test_optic_composition_pairs_residuals_and_does_not_recompute() -> None:
    calls = []
    f = primitive_optic(lambda a: (calls.append("f") or ("m", a), a + 1), lambda m, b: (m, b), name="f")
    g = primitive_optic(lambda b: (("n", b), 2 * b), lambda n, c: n[1] * c, name="g")
    composite = compose_optics(f, g)
    residual, output = composite.forward(3)
    assert residual == (("m", 3), ("n", 4)) and output == 8
    calls.clear()
    assert composite.backward(residual, 5) == (("m", 3), 20)
    assert calls == []


def test_identities_are_units() -> None:
    lens = affine_lens(3, 1, "l")
    for composite in (compose_lenses(identity_lens(), lens), compose_lenses(lens, identity_lens())):
        assert composite.get(2) == 7 and composite.put(2, 5) == 15
    optic = embed(lens)
    for composite in (compose_optics(identity_optic(), optic), compose_optics(optic, identity_optic())):
        residual, output = composite.forward(2)
        assert output == 7 and composite.backward(residual, 5) == 15
    assert identity_optic().forward(4) == ((), 4)


def test_parallel_products_act_componentwise() -> None:
    first, second = affine_lens(2, 0, "a"), affine_lens(5, 1, "b")
    product = parallel_lenses(first, second)
    assert product.get((1, 2)) == (2, 11)
    assert product.put((1, 2), (3, 4)) == (6, 20)
    optic = parallel_optics(embed(first), embed(second))
    residual, output = optic.forward((1, 2))
    assert residual == (1, 2) and output == (2, 11)
    assert optic.backward(residual, (3, 4)) == (6, 20)


def test_embedding_keeps_the_input_and_erasure_recomputes_it() -> None:
    lens = affine_lens(3, 1, "l")
    optic = embed(lens)
    assert optic.forward(2) == (2, 7)
    assert optic.backward(2, 5) == 15
    # an optic whose residual is not its input: erasing it recomputes the residual in put
    squaring = primitive_optic(lambda a: (2 * a, a * a), lambda m, c: m * c, name="square")
    erased = erase(squaring)
    assert erased.get(3) == 9 and erased.put(3, 10) == 60
    assert erased.kind == "erase" and not erased.monomorphic
    assert erase(embed(primitive_lens(lambda s: s, lambda s, v: v))).monomorphic


def test_incompatible_composition_names_both_sides() -> None:
    first = primitive_lens_of(Primitive("affine", (3,), (np.ones((2, 3)), np.zeros(2))))
    second = primitive_lens_of(Primitive("tanh", (4,)))
    with pytest.raises(ValueError, match=r"'affine'.*'tanh'.*\(2,\).*\(4,\)"):
        compose_lenses(first, second)
    with pytest.raises(ValueError, match=r"optic 'F\(affine\)'.*optic 'F\(tanh\)'"):
        compose_optics(embed(first), embed(second))
    with pytest.raises(ValueError, match=r"chain\[0\] \(affine\) outputs shape \(2,\).*chain\[1\] \(tanh\)"):
        from assay.reference.optics import chain_output_shape

        chain_output_shape([Primitive("affine", (3,), (np.ones((2, 3)), np.zeros(2))), Primitive("tanh", (4,))])
    with pytest.raises(ValueError, match=r"'affine'.*'tanh'"):
        right_nested([first, second])


def test_mixing_lenses_and_optics_is_a_type_error() -> None:
    lens = affine_lens(1, 0, "l")
    with pytest.raises(TypeError, match=r"second must be a Lens, got Optic.*embed"):
        compose_lenses(lens, embed(lens))
    with pytest.raises(TypeError, match="first must be an Optic, got Lens"):
        compose_optics(lens, embed(lens))
    with pytest.raises(TypeError, match="get must be callable"):
        primitive_lens(3, lambda a, b: a)
    with pytest.raises(TypeError, match="lens must be a Lens"):
        embed(embed(lens))
    with pytest.raises(TypeError, match="optic must be an Optic"):
        erase(lens)


def test_primitive_parameters_are_validated() -> None:
    with pytest.raises(ValueError, match="name must be one of"):
        Primitive("softmax", (2,))
    with pytest.raises(ValueError, match=r"affine: W must have shape \(m, 3\)"):
        Primitive("affine", (3,), (np.ones((2, 2)), np.zeros(2)))
    with pytest.raises(ValueError, match=r"affine: b must have shape \(2,\)"):
        Primitive("affine", (3,), (np.ones((2, 3)), np.zeros(3)))
    with pytest.raises(ValueError, match="takes 1 parameter arrays, got 0"):
        Primitive("mul", (3,))
    with pytest.raises(ValueError, match="shape must be a tuple of positive ints"):
        Primitive("tanh", (0,))
