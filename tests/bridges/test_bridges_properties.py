"""The property checks themselves: they pass on correct inputs drawn by Hypothesis and catch the mistakes they
exist for (a plan for 2ε, bridge noise without the square root, a transposed Monge map)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given

from assay.kernels.bridges import entropic_cross_covariance, sinkhorn_plan
from assay.properties.bridges import (
    bridge_variance_pvalue,
    coupling_marginal_error,
    epsilons,
    gaussian_pairs,
    gibbs_error,
    k1_parameter_error,
    spd_matrices,
    two_sample_projection_pvalue,
)


@given(gaussian_pairs(max_dim=4), epsilons())
def test_kernel_plans_have_the_gibbs_form_and_twice_epsilon_does_not(pair, eps):
    _a, A, _b, B = pair
    C = entropic_cross_covariance(torch.tensor(A), torch.tensor(B), eps).numpy()
    # condition numbers ≤ 20 and ε ∈ [0.05, 20]: the precision's entries are ≲ 10³/ε, rounded to ~10³ ε each
    assert gibbs_error(C, A, B, eps) < 1e-9
    wrong = entropic_cross_covariance(torch.tensor(A), torch.tensor(B), 2 * eps).numpy()
    assert gibbs_error(wrong, A, B, eps) > 0.4  # exactly 0.5: the cross block is −I/(2ε)


@given(gaussian_pairs(max_dim=3), epsilons())
def test_k1_parameters_from_the_kernel_are_exact(pair, eps):
    a, A, b, B = pair
    C = entropic_cross_covariance(torch.tensor(A), torch.tensor(B), eps).numpy()
    S = np.linalg.solve(A, C).T
    assert k1_parameter_error(S, b - S @ a, a, A, b, B, C, eps) < 1e-9
    assert k1_parameter_error(S, b + S @ a, a, A, b, B, C, eps) > 1e-6 or np.allclose(S @ a, 0)  # r sign error


@given(spd_matrices(3, max_condition=50.0))
def test_spd_strategy_draws_what_it_promises(matrix):
    values = np.linalg.eigvalsh(matrix)
    assert values.min() > 0 and values.max() / values.min() <= 50.0 * (1 + 1e-9)
    np.testing.assert_array_equal(matrix, matrix.T)


def test_marginal_and_statistical_checks_have_power():
    rng = np.random.default_rng(0)
    x, y = torch.tensor(rng.standard_normal((30, 2))), torch.tensor(rng.standard_normal((31, 2)))
    plan = sinkhorn_plan(x, y, 0.5).numpy()
    a, b = np.full(30, 1 / 30), np.full(31, 1 / 31)
    assert coupling_marginal_error(plan, a, b) < 1e-10  # Sinkhorn stops at 1e-12 absolute on weights 1/30
    assert coupling_marginal_error(plan * 1.01, a, b) > 1e-3
    first, second = rng.standard_normal((3000, 3)), rng.standard_normal((3000, 3))
    assert two_sample_projection_pvalue(first, second) > 1e-3
    assert two_sample_projection_pvalue(first, second + 0.2) < 1e-3  # a shift of 0.2 standard deviations is found
    with pytest.raises(ValueError, match="t must lie strictly inside"):
        bridge_variance_pvalue(first, first, first, 1.0, 1.0)
