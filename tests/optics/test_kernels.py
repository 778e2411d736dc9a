"""Torch: AD chains as optics and lenses against torch.autograd.grad and torch.func.vjp; torch.utils.checkpoint
counted with hooks against the closed forms."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from assay.core.errors import relative_error
from assay.kernels.optics import (
    chain_function,
    checkpoint_sequential_segments,
    closed_form_for,
    measure_torch_chain,
    model_segments,
    vjp_as_checkpointed,
    vjp_as_lens,
    vjp_as_optic,
)
from assay.properties.optics import ad_chains
from assay.reference.optics import primitive_lenses, right_nested, segmented_cost

# float64, relative to the largest component (elementwise relative error is meaningless where a component cancels).
VJP_BOUND = 1e-12


def max_relative(actual: torch.Tensor, expected: torch.Tensor) -> float:
    expected_np = expected.detach().numpy()
    scale = np.max(np.abs(expected_np)) if expected_np.size else 0.0
    return float(np.max(relative_error(actual.detach().numpy(), expected_np, scale=scale), initial=0.0))


@given(ad_chains(max_length=8), st.integers(0, 2**16))
def test_optic_and_lens_runs_agree_with_autograd_and_func_vjp(chain, seed) -> None:
    generator = torch.Generator().manual_seed(seed)
    x = torch.rand(chain[0].shape, generator=generator, dtype=torch.float64) * 2 - 1
    out_shape = chain[-1].out_shape
    cotangent = torch.rand(out_shape, generator=generator, dtype=torch.float64) * 2 - 1
    function = chain_function(chain)
    leaf = x.clone().requires_grad_(True)
    (autograd,) = torch.autograd.grad(function(leaf), leaf, cotangent)
    output, vjp = torch.func.vjp(function, x)
    (func_gradient,) = vjp(cotangent)
    for run in (vjp_as_optic, vjp_as_lens):
        y, gradient = run(chain, x, cotangent)
        assert max_relative(y, output) <= VJP_BOUND
        assert max_relative(gradient, autograd) <= VJP_BOUND, run.__name__
        assert max_relative(gradient, func_gradient) <= VJP_BOUND, run.__name__
    y, gradient = vjp_as_checkpointed(chain, x, cotangent, max(1, len(chain) // 2))
    assert max_relative(gradient, autograd) <= VJP_BOUND


@given(ad_chains(max_length=6), st.integers(0, 2**16))
def test_torch_lenses_agree_with_the_numpy_reference(chain, seed) -> None:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, chain[0].shape)
    c = rng.uniform(-1, 1, chain[-1].out_shape)
    reference = right_nested(primitive_lenses(chain))
    y, gradient = vjp_as_lens(chain, torch.from_numpy(x), torch.as_tensor(c))
    expected = reference.put(x, c)
    scale = np.max(np.abs(expected))
    assert np.max(relative_error(gradient.numpy(), expected, scale=scale)) <= VJP_BOUND
    assert np.max(relative_error(y.numpy(), reference.get(x), scale=np.max(np.abs(reference.get(x))))) <= VJP_BOUND


@pytest.mark.parametrize(("n", "k"), [(16, 1), (16, 4), (16, 16), (64, 8), (10, 3), (12, 5)])
@pytest.mark.parametrize("scheme", ["autograd", "checkpoint", "checkpoint_sequential"])
def test_hook_counts_match_the_closed_form_of_the_segmentation_torch_runs(n, k, scheme) -> None:
    counts = measure_torch_chain(n, scheme, k)
    expected = closed_form_for(scheme, n, k)
    assert counts.gets == expected.gets  # completed forwards, both passes
    assert counts.saved_tensors == expected.stored
    assert counts.saved_bytes == expected.stored * counts.tensor_bytes
    assert counts.forward_completed == n


def test_equal_segments_match_2n_minus_n_over_k() -> None:
    counts = measure_torch_chain(64, "checkpoint", 8)
    assert (counts.gets, counts.saved_tensors) == (2 * 64 - 8, 8)
    # pre-hooks see every layer of every checkpointed segment start again: early stop interrupts the last one
    assert counts.started == 2 * 64


def test_without_early_stop_torch_recomputes_whole_segments() -> None:
    counts = measure_torch_chain(16, "checkpoint", 4, early_stop=False)
    assert counts.gets == 2 * 16 and counts.saved_tensors == 4


@pytest.mark.parametrize("layer", ["tanh", "exp", "sigmoid"])
def test_layers_that_save_their_output_count_the_same(layer) -> None:
    counts = measure_torch_chain(12, "checkpoint", 3, layer=layer)
    assert (counts.gets, counts.saved_tensors) == (segmented_cost([3, 3, 3, 3]).gets, 4)


def test_checkpoint_sequential_leaves_its_last_segment_unchecked() -> None:
    assert checkpoint_sequential_segments(16, 4) == [4, 4, 4, 1, 1, 1, 1]
    assert checkpoint_sequential_segments(10, 4) == [2, 2, 2, 1, 1, 1, 1]
    assert model_segments("checkpoint_sequential", 64, 8) == [8] * 7 + [1] * 8
    counts = measure_torch_chain(64, "checkpoint_sequential", 8)
    assert (counts.gets, counts.saved_tensors) == (113, 15)
    with pytest.raises(ValueError, match="segments must satisfy 1 <= segments <= n"):
        checkpoint_sequential_segments(4, 5)
    with pytest.raises(ValueError, match="scheme must be one of"):
        measure_torch_chain(4, "revolve", 2)
    with pytest.raises(ValueError, match="needs k"):
        measure_torch_chain(4, "checkpoint")
