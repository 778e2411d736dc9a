"""The GP-HM-style PDE solver on small grids: the resolution guard, bad input, the collocation equations, the final
(not best) error, Newton for Allen–Cahn, and the Sylvester solve. Paper-size accuracy runs are in
benchmarks/spectral_pde.py (minutes, not CI)."""

from __future__ import annotations

import math

import pytest
import torch

from assay.kernels.spectral import pde
from assay.kernels.spectral.pde import PDEProblem, problem, solve_pde


def _sin3() -> PDEProblem:
    return PDEProblem("sin3", "poisson", ((0.0, 2 * math.pi),), lambda x: torch.sin(3 * x),
                      lambda x: -9 * torch.sin(3 * x), (3 / (2 * math.pi),))


def test_resolution_guard_refuses_an_aliasing_grid():
    # sin(100x) on [0, 2π] has 15.9 cycles per unit; 150 points give a Nyquist frequency of 11.9
    message = r"grid too coarse for poisson1d-sin100 in dimension 0: n = 150 .* need n >= 202"
    with pytest.raises(ValueError, match=message):
        solve_pde("poisson1d-sin100", 150)
    with pytest.warns(UserWarning, match="grid too coarse"):
        result = solve_pde("poisson1d-sin100", 150, rounds=1, components=4, allow_underresolved=True)
    assert result.relative_l2 > 0.5  # aliased: the answer is wrong, as the guard said
    with pytest.warns(UserWarning, match="points per period"):
        solve_pde("poisson1d-sin100", 220, rounds=1, components=4)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        (("poisson1d-sin100", 3), {}, ValueError, "n must be an int >= 4"),
        (("poisson2d-sin100", (300,)), {}, ValueError, "n must be an int >= 4 or 2 such ints"),
        (("no-such-problem", 30), {}, ValueError, "problem must be one of"),
        (("poisson1d-sin100", 400), {"kernel": "rbf"}, ValueError, "kernel must be 'student_t' or 'gaussian'"),
        ((42, 30), {}, TypeError, "problem must be a PDEProblem"),
        (("poisson1d-sin100", 400), {"init": "smart"}, ValueError, "init must be 'broadband', 'inflow' or None"),
        (("poisson1d-sin100", 400), {"init": "inflow"}, ValueError, "only the advection problems"),
        (("advection-beta200", (30, 150)), {"init_steps": -1}, ValueError, "init_steps must be an int >= 0"),
    ],
)
def test_bad_solver_input_refused(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        solve_pde(*args, **kwargs)


def test_collocation_equations_hold_and_final_error_is_reported():
    result = solve_pde(_sin3(), 30, kernel="gaussian", components=10, rounds=3, kernel_steps=30, keep_values=True)
    assert result.relative_l2 == result.history[-1]["relative_l2"]  # the final round, not the best one
    assert len(result.history) == 3
    assert result.relative_l2 < 2e-3
    u = result.values
    assert float(u[0]) == pytest.approx(0.0, abs=1e-15) and float(u[-1]) == pytest.approx(math.sin(6 * math.pi),
                                                                                           abs=1e-15)


def test_u_step_solves_the_collocation_system():
    prob = _sin3()
    x = torch.linspace(0, 2 * math.pi, 24, dtype=torch.float64)
    kernel = pde._Kernel1D("student_t", 6, pde.nyquist_frequency(24, prob.bounds[0]), torch.float64, "cpu")
    ops = pde._operators(prob, [kernel], (x,), 1e-10)
    boundary = torch.zeros(24, dtype=torch.bool)
    boundary[[0, -1]] = True
    exact, source = prob.solution(x), prob.source(x)
    u = pde._u_step(prob, ops, exact * boundary, source, exact, boundary, 10)
    residual = (ops[0] @ u - source)[1:-1]
    assert float(residual.abs().max()) <= 1e-9 * float(source.abs().max())
    assert torch.equal(u[[0, -1]], exact[[0, -1]])


def _allen_cahn_sin2():
    """Allen–Cahn with u = sin 2x on [0, 2π], its 30-point grid and a coarse fixed Gaussian kernel."""
    def f(x):
        u = torch.sin(2 * x)
        return -4 * u + u * (u * u - 1)

    prob = PDEProblem("ac", "allen_cahn", ((0.0, 2 * math.pi),), lambda x: torch.sin(2 * x), f, (2 / (2 * math.pi),))
    x = torch.linspace(0, 2 * math.pi, 30, dtype=torch.float64)
    return prob, x, pde._Kernel1D("gaussian", 8, pde.nyquist_frequency(30, prob.bounds[0]), torch.float64, "cpu")


def test_allen_cahn_newton_solves_the_nonlinear_collocation_system():
    prob, x, kernel = _allen_cahn_sin2()
    ops = pde._operators(prob, [kernel], (x,), 1e-10)
    boundary = torch.zeros(30, dtype=torch.bool)
    boundary[[0, -1]] = True
    exact, source = prob.solution(x), prob.source(x)
    u = pde._u_step(prob, ops, exact * boundary, source, exact, boundary, 30)
    residual = (ops[0] @ u + u * (u * u - 1) - source)[1:-1]
    assert float(residual.abs().max()) <= 1e-10 * float(source.abs().max())  # Newton converged
    assert float((u - exact).abs().max()) < 0.2  # and to the intended branch (the fixed initial kernel is coarse)


def test_newton_takes_the_start_that_converges_and_warns_when_none_does():
    # Plain Newton from u = 1 on this grid runs away (residual ~5e4); from the previous round's values (here the
    # exact solution plus 1e-3) it converges. The solver returns the converged run, and warns when no start converges.
    prob, x, kernel = _allen_cahn_sin2()
    lap = pde._operators(prob, [kernel], (x,), 1e-10)[0]
    idx = torch.arange(1, 29)
    source = prob.source(x)

    def residual(v):
        return (lap @ v + v * (v * v - 1) - source)[idx]

    def jacobian(v):
        return lap[idx][:, idx] + torch.diag(3 * v[idx] ** 2 - 1)

    poor = torch.ones(30, dtype=torch.float64)
    poor[[0, -1]] = 0.0
    warm = prob.solution(x) + 1e-3
    warm[[0, -1]] = 0.0
    u = pde._newton([poor, warm], idx, residual, jacobian, 60)
    assert float(torch.linalg.vector_norm(residual(u))) <= 1e-10 * float(torch.linalg.vector_norm(source))
    with pytest.warns(UserWarning, match="did not converge from any start"):
        stuck = pde._newton([poor], idx, residual, jacobian, 60)
    assert float(torch.linalg.vector_norm(residual(stuck))) > 1.0


def test_sylvester_solve_matches_dense():
    generator = torch.Generator().manual_seed(0)
    a = torch.randn(7, 7, dtype=torch.float64, generator=generator) - 6 * torch.eye(7, dtype=torch.float64)
    b = torch.randn(5, 5, dtype=torch.float64, generator=generator) - 6 * torch.eye(5, dtype=torch.float64)
    c = torch.randn(7, 5, dtype=torch.float64, generator=generator)
    x = pde._sylvester(a, b, c)
    assert float((a @ x + x @ b.mT - c).abs().max()) < 1e-12
    dense = torch.linalg.solve(torch.kron(a, torch.eye(5, dtype=torch.float64)) +
                               torch.kron(torch.eye(7, dtype=torch.float64), b), c.reshape(-1))
    assert torch.allclose(x.reshape(-1), dense, rtol=1e-12, atol=1e-13)


def test_two_dimensional_poisson_small_grid():
    prob = PDEProblem("p2", "poisson", ((0.0, 2 * math.pi), (0.0, 2 * math.pi)),
                      lambda x, y: torch.sin(2 * x) * torch.sin(y), lambda x, y: -5 * torch.sin(2 * x) * torch.sin(y),
                      (2 / (2 * math.pi), 1 / (2 * math.pi)))
    result = solve_pde(prob, (24, 20), kernel="gaussian", components=8, rounds=2, kernel_steps=20)
    assert result.n == (24, 20)
    assert result.relative_l2 < 0.1


def test_builtin_problems_declare_their_frequencies():
    for name in pde.PROBLEMS:
        prob = problem(name)
        assert len(prob.max_frequency) == prob.dims == len(prob.bounds)
    assert problem("poisson1d-sin100").max_frequency[0] == pytest.approx(100 / (2 * math.pi))


def test_progress_bar_reports_the_run(capsys):
    solve_pde(_sin3(), 16, kernel="gaussian", components=3, rounds=2, kernel_steps=2, progress=True)
    assert "sin3" in capsys.readouterr().err  # tqdm (or the plain fallback) writes to stderr


def _advection(beta: float) -> PDEProblem:
    return PDEProblem(f"adv{beta:g}", "advection", ((0.0, 2 * math.pi), (0.0, 1.0)),
                      lambda x, y: torch.sin(x - beta * y), lambda x, y: torch.zeros_like(x + y),
                      (1 / (2 * math.pi), beta / (2 * math.pi)), beta=beta)


def test_advection_needs_the_inflow_fitted_kernel():
    # β u_x + u_y = 0, u = sin(x − 20y): with GP-HM's broadband first kernel the first-derivative operator is wrong
    # near the boundary and the hyperbolic system carries the error everywhere (relative L2 > 1); fitted to the
    # inflow lines (the default for advection) the same collocation solve is accurate.
    prob = _advection(20.0)
    broadband = solve_pde(prob, (20, 40), rounds=1, components=10, kernel="student_t", init="broadband")
    inflow = solve_pde(prob, (20, 40), rounds=1, components=10, kernel="student_t", init_steps=150)
    assert broadband.relative_l2 > 1.0
    assert inflow.relative_l2 < 0.05
