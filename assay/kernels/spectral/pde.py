"""A GP PDE solver in the GP-HM style (Fang et al., ICLR 2024): collocation values as parameters, a Kronecker
product covariance with spectral-mixture factors, the PDE residual through the derivative kernels.

Model. On a grid ``x_1 × … × x_D`` (``n_d`` points per dimension, boundaries included) the unknown solution values
``U`` (a grid array) carry the GP prior ``vec U ~ N(0, ⊗_d (K_d + εI))`` with ``K_d[i, j] = k_d(x_i − x_j)`` a
1-D spectral mixture (Student-t/Matérn or Gaussian, ``Q`` components, learned weights, frequencies and scales).
Derivatives of the GP interpolant act along one axis: ``∂^a_d U = D_d^{(a)} U`` with
``D_d^{(a)} = K_d^{(a)} (K_d + εI)⁻¹`` (GP-HM's ``U_xx = K_1'' K_1⁻¹ U``; see
:func:`~assay.kernels.spectral.kron_derivative`).
GP-HM's objective is ``−log N(vec U | 0, ⊗(K_d + εI)) + (λ_b/2)‖U_∂ − g‖² + (λ_r/2)‖R(U)‖²`` with ``R`` the residual
at the interior grid points. Note the prior is ``⊗(K_d + εI)``: the ``per_factor`` noise convention, named.

Optimisation (assay's choice, documented in docs/spectral.md). GP-HM runs Adam on all parameters jointly for
~10⁵ steps. Here the same objective is minimised by block-coordinate descent in the limit ``λ_b, λ_r → ∞``:

1. *U-step*: with the kernel fixed, the misfit terms vanish exactly at the collocation solution ``U_∂ = g``,
   ``R(U) = 0`` — a linear solve for Poisson and advection (a Sylvester equation ``A X + X Bᵀ = C`` on 2-D grids,
   solved by eigendecomposition of the 1-D operators with iterative refinement) and Newton's method for Allen–Cahn;
2. *kernel step*: ``kernel_steps`` Adam steps (lr ``lr``) on ``−log N(vec U | 0, ⊗(K_d + ε_ℓ I))``, the only
   remaining kernel-dependent term (``ε_ℓ = likelihood_jitter`` keeps the Cholesky factors stable while learning).

After ``rounds`` rounds the reported error is the *final* one — relative L2 of the predictive mean
``(⊗_d K*_d (K_d + εI)⁻¹) vec U`` on ``test_points`` per dimension — not the best over checkpoints.

Resolution guard. A grid with spacing ``h_d`` resolves frequencies below the Nyquist frequency ``1/(2h_d)`` cycles
per unit; a problem declares its highest frequency per dimension. :func:`solve_pde` refuses (``ValueError``) a grid
whose Nyquist frequency does not exceed it — aliasing makes the answer wrong however long one trains — unless
``allow_underresolved=True`` (resolution studies), which warns instead; it also warns below 2.5 points per period.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from assay.kernels.spectral.covariance import spectral_mixture_kernel, student_t_mixture_kernel

__all__ = ["PROBLEMS", "PDEProblem", "PDEResult", "nyquist_frequency", "problem", "solve_pde"]


@dataclass(frozen=True)
class PDEProblem:
    """A test problem with a known solution.

    ``equation``: ``"poisson"`` (``Δu = f``), ``"allen_cahn"`` (``Δu + u(u² − 1) = f``) or ``"advection"``
    (``β u_x + u_y = 0``, dimension 0 is x, 1 is y). ``solution(*coords)`` and ``source(*coords)`` take
    broadcastable tensors; ``max_frequency`` is the highest frequency of the solution per dimension in cycles per
    unit (for the resolution guard). Dirichlet data on the whole grid boundary come from ``solution``.
    """

    name: str
    equation: str
    bounds: tuple[tuple[float, float], ...]
    solution: Callable[..., torch.Tensor]
    source: Callable[..., torch.Tensor]
    max_frequency: tuple[float, ...]
    beta: float = 0.0

    @property
    def dims(self) -> int:
        return len(self.bounds)


def _two_pi() -> tuple[float, float]:
    return (0.0, 2 * math.pi)


def _cycles(rad: float) -> float:
    return rad / (2 * math.pi)


def _poisson_1d_sin100() -> PDEProblem:
    return PDEProblem("poisson1d-sin100", "poisson", (_two_pi(),), lambda x: torch.sin(100 * x),
                      lambda x: -1e4 * torch.sin(100 * x), (_cycles(100),))


def _poisson_1d_sin6cos100() -> PDEProblem:
    def f(x: torch.Tensor) -> torch.Tensor:
        return -(36 + 1e4) * torch.sin(6 * x) * torch.cos(100 * x) - 1200 * torch.cos(6 * x) * torch.sin(100 * x)

    return PDEProblem("poisson1d-sin6cos100", "poisson", (_two_pi(),),
                      lambda x: torch.sin(6 * x) * torch.cos(100 * x), f, (_cycles(106),))


def _poisson_1d_xsin200() -> PDEProblem:
    def f(x: torch.Tensor) -> torch.Tensor:
        return 400 * torch.cos(200 * x) - 4e4 * x * torch.sin(200 * x)

    return PDEProblem("poisson1d-xsin200", "poisson", (_two_pi(),), lambda x: x * torch.sin(200 * x), f,
                      (_cycles(200),))


def _poisson_2d_sin100() -> PDEProblem:
    return PDEProblem("poisson2d-sin100", "poisson", (_two_pi(), _two_pi()),
                      lambda x, y: torch.sin(100 * x) * torch.sin(100 * y),
                      lambda x, y: -2e4 * torch.sin(100 * x) * torch.sin(100 * y), (_cycles(100), _cycles(100)))


def _poisson_2d_sin6cos20() -> PDEProblem:
    def u(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return torch.sin(6 * x) * torch.cos(20 * x) + torch.sin(6 * y) * torch.cos(20 * y)

    def second(t: torch.Tensor) -> torch.Tensor:
        return -436 * torch.sin(6 * t) * torch.cos(20 * t) - 240 * torch.cos(6 * t) * torch.sin(20 * t)

    return PDEProblem("poisson2d-sin6cos20", "poisson", (_two_pi(), _two_pi()), u,
                      lambda x, y: second(x) + second(y), (_cycles(26), _cycles(26)))


def _allen_cahn_1d() -> PDEProblem:
    def f(x: torch.Tensor) -> torch.Tensor:
        u = torch.sin(100 * x)
        return -1e4 * u + u * (u * u - 1)

    return PDEProblem("allen-cahn1d-sin100", "allen_cahn", (_two_pi(),), lambda x: torch.sin(100 * x), f,
                      (_cycles(100),))


def _allen_cahn_2d() -> PDEProblem:
    def f(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        u = torch.sin(20 * x) * torch.sin(20 * y)
        return -800 * u + u * (u * u - 1)

    return PDEProblem("allen-cahn2d-sin20", "allen_cahn", (_two_pi(), _two_pi()),
                      lambda x, y: torch.sin(20 * x) * torch.sin(20 * y), f, (_cycles(20), _cycles(20)))


def _advection() -> PDEProblem:
    beta = 200.0
    return PDEProblem("advection-beta200", "advection", (_two_pi(), (0.0, 1.0)),
                      lambda x, y: torch.sin(x - beta * y), lambda x, y: torch.zeros_like(x + y),
                      (_cycles(1.0), _cycles(beta)), beta=beta)


#: The test problems by name (1-D/2-D Poisson, Allen–Cahn, advection) — see docs/spectral.md.
PROBLEMS: dict[str, Callable[[], PDEProblem]] = {
    "poisson1d-sin100": _poisson_1d_sin100,
    "poisson1d-sin6cos100": _poisson_1d_sin6cos100,
    "poisson1d-xsin200": _poisson_1d_xsin200,
    "poisson2d-sin100": _poisson_2d_sin100,
    "poisson2d-sin6cos20": _poisson_2d_sin6cos20,
    "allen-cahn1d-sin100": _allen_cahn_1d,
    "allen-cahn2d-sin20": _allen_cahn_2d,
    "advection-beta200": _advection,
}


def problem(name: str) -> PDEProblem:
    """The built-in problem ``name`` (one of :data:`PROBLEMS`)."""
    if name not in PROBLEMS:
        raise ValueError(f"problem must be one of {', '.join(sorted(PROBLEMS))}; got {name!r}")
    return PROBLEMS[name]()


def nyquist_frequency(n: int, bounds: tuple[float, float]) -> float:
    """``1/(2h)`` cycles per unit for ``n`` equispaced points on ``bounds`` (``h = (b − a)/(n − 1)``).

    ``n`` is an int ≥ 2 and ``bounds`` a pair of finite numbers ``a < b``; anything else is refused."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 2:
        raise ValueError(f"n must be an int >= 2 (points on the interval), got {n!r}")
    try:
        low, high = (float(v) for v in bounds)
    except (TypeError, ValueError):
        raise TypeError(f"bounds must be a pair of real numbers (a, b), got {bounds!r}") from None
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ValueError(f"bounds must be finite with a < b, got {bounds!r}")
    return (int(n) - 1) / (2 * (high - low))


@dataclass
class PDEResult:
    """What :func:`solve_pde` returns: the final (not best) relative L2 error and the run's record."""

    problem: str
    n: tuple[int, ...]
    relative_l2: float
    rounds: int
    kernel_steps: int
    seconds: float
    history: list[dict[str, float]] = field(default_factory=list)
    values: torch.Tensor | None = None
    grid: tuple[torch.Tensor, ...] = ()
    kernel: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"problem": self.problem, "n": list(self.n), "relative_l2": self.relative_l2, "rounds": self.rounds,
                "kernel_steps": self.kernel_steps, "seconds": self.seconds, "kernel": self.kernel,
                "history": self.history}


class _Kernel1D:
    """One dimension's learnable mixture: log-weights, frequencies, log-scales (assay parameterization)."""

    def __init__(self, kind: str, components: int, nyquist: float, dtype: torch.dtype, device: Any) -> None:
        self.kind = kind
        self.log_w = torch.full((components,), -math.log(components), dtype=dtype, device=device)
        self.mu = torch.linspace(0, nyquist, components, dtype=dtype, device=device)
        self.log_s = torch.full((components,), math.log(nyquist / components), dtype=dtype, device=device)

    def parameters(self) -> list[torch.Tensor]:
        return [self.log_w, self.mu, self.log_s]

    def __call__(self, tau: torch.Tensor, order: int = 0, params: Sequence[torch.Tensor] | None = None):
        log_w, mu, log_s = params if params is not None else self.parameters()
        if self.kind == "student_t":
            return student_t_mixture_kernel(tau, log_w.exp(), mu, log_s.exp(), nu=5, order=order)
        return spectral_mixture_kernel(tau, log_w.exp(), mu, log_s.exp(), order=order)


def _check_solver_args(prob: PDEProblem, n: Any, kernel: str, components: int, rounds: int) -> tuple[int, ...]:
    if not isinstance(prob, PDEProblem):
        raise TypeError(f"problem must be a PDEProblem or a name in PROBLEMS, got {type(prob).__name__}")
    sizes = (n,) * prob.dims if isinstance(n, int) else tuple(n)
    if len(sizes) != prob.dims or any(isinstance(v, bool) or not isinstance(v, int) or v < 4 for v in sizes):
        raise ValueError(f"n must be an int >= 4 or {prob.dims} such ints (points per dimension), got {n!r}")
    if kernel not in ("student_t", "gaussian"):
        raise ValueError(f"kernel must be 'student_t' or 'gaussian', got {kernel!r}")
    if components < 1 or rounds < 1:
        raise ValueError(f"components and rounds must be >= 1, got {components} and {rounds}")
    return sizes


def _resolution_guard(prob: PDEProblem, sizes: tuple[int, ...], allow: bool) -> None:
    for d, (n, bounds, freq) in enumerate(zip(sizes, prob.bounds, prob.max_frequency)):
        nyq = nyquist_frequency(n, bounds)
        needed = math.floor(2 * freq * (bounds[1] - bounds[0])) + 2
        if freq >= nyq:
            message = (f"grid too coarse for {prob.name} in dimension {d}: n = {n} points give a Nyquist frequency "
                       f"of {nyq:.4g} cycles per unit, but the solution has frequency {freq:.4g}; need n >= {needed} "
                       "(the grid aliases it, and no amount of training recovers the solution)")
            if not allow:
                raise ValueError(message + "; pass allow_underresolved=True to run anyway")
            warnings.warn(message, stacklevel=3)
        elif freq > nyq / 1.25:
            warnings.warn(f"{prob.name}: dimension {d} has only {2 * nyq / freq:.2f} points per period of the "
                          "highest frequency (< 2.5); expect a slow, inaccurate fit", stacklevel=3)


def _progress(total: int, enabled: bool, label: str):
    if not enabled:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover - tqdm is optional
        return _PlainBar(total, label)
    return tqdm(total=total, desc=label, leave=True)


class _PlainBar:  # pragma: no cover - used only without tqdm
    def __init__(self, total: int, label: str) -> None:
        self.total, self.label, self.done = total, label, 0

    def update(self, k: int = 1) -> None:
        import sys

        self.done += k
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}")

    def set_postfix(self, **values: Any) -> None:
        pass

    def close(self) -> None:
        import sys

        sys.stderr.write("\n")


_DENSE_LIMIT = 4096
_INIT_LR = 0.05  # Adam's rate for the inflow-line fit of the first kernel


def _sylvester(a: torch.Tensor, b: torch.Tensor, c: torch.Tensor, refine: int = 3) -> torch.Tensor:
    """Solve ``A X + X Bᵀ = C`` by eigendecomposition of ``A`` and ``B`` with iterative refinement."""
    la, va = torch.linalg.eig(a)
    lb, vb = torch.linalg.eig(b)
    va_inv, vb_inv = torch.linalg.inv(va), torch.linalg.inv(vb)
    denominator = la[:, None] + lb[None, :]

    def once(rhs: torch.Tensor) -> torch.Tensor:
        y = (va_inv @ rhs.to(va.dtype) @ vb_inv.mT) / denominator
        return (va @ y @ vb.mT).real

    x = once(c)
    for _ in range(refine):
        x = x + once(c - (a @ x + x @ b.mT))
    return x


def solve_pde(
    prob: PDEProblem | str,
    n: int | Sequence[int],
    *,
    kernel: str = "student_t",
    components: int = 30,
    rounds: int = 6,
    kernel_steps: int = 100,
    lr: float = 0.02,
    jitter: float = 1e-10,
    likelihood_jitter: float = 1e-6,
    test_points: int = 300,
    newton_steps: int = 30,
    dtype: torch.dtype = torch.float64,
    device: Any = "cpu",
    progress: bool = False,
    allow_underresolved: bool = False,
    keep_values: bool = False,
    init: str | None = None,
    init_steps: int = 300,
) -> PDEResult:
    """Solve ``prob`` on an ``n``-point-per-dimension grid (module docstring) and return the final error.

    ``init`` chooses the kernel before the first U-step: ``"broadband"`` (GP-HM's: ``Q`` equal weights with
    frequencies spread up to Nyquist) or ``"inflow"`` — each dimension's kernel first fitted by maximum likelihood
    (``init_steps`` Adam steps) to the Dirichlet data along the inflow edge of that dimension. ``None`` picks
    ``"inflow"`` for advection, whose inflow edges carry whole lines of data, and ``"broadband"`` otherwise (a
    Poisson problem's edges carry two points per dimension in 1-D and, for the paper's problems, zeros in 2-D).
    Why it matters for advection: with the broadband kernel the first-derivative operator ``K'(K + εI)⁻¹`` is
    ≈ 9 % wrong near the boundary and the hyperbolic system carries that error along the characteristics (relative
    L2 of order 1); fitted to the inflow lines it is accurate to ≈ 1e-5 (docs/spectral.md).
    """
    prob = problem(prob) if isinstance(prob, str) else prob
    sizes = _check_solver_args(prob, n, kernel, components, rounds)
    if init is None:
        init = "inflow" if prob.equation == "advection" else "broadband"
    if init not in ("broadband", "inflow"):
        raise ValueError(f"init must be 'broadband', 'inflow' or None, got {init!r}")
    if init == "inflow" and prob.equation != "advection":
        raise ValueError("init='inflow' needs inflow edges carrying lines of data: only the advection problems "
                         "have them")
    if isinstance(init_steps, bool) or not isinstance(init_steps, int) or init_steps < 0:
        raise ValueError(f"init_steps must be an int >= 0, got {init_steps!r}")
    _resolution_guard(prob, sizes, allow_underresolved)
    if prob.equation == "allen_cahn" and math.prod(sizes[1:]) * sizes[0] > 4096 and prob.dims > 1:
        raise ValueError(f"Allen–Cahn on 2-D grids uses a dense Newton Jacobian: n1·n2 must be <= 4096, got {sizes}")
    start = time.perf_counter()
    grids = tuple(torch.linspace(a, b, m, dtype=dtype, device=device) for (a, b), m in zip(prob.bounds, sizes))
    kernels = [_Kernel1D(kernel, components, nyquist_frequency(m, bd), dtype, device)
               for m, bd in zip(sizes, prob.bounds)]
    mesh = torch.meshgrid(*grids, indexing="ij")
    exact = prob.solution(*mesh)
    source = prob.source(*mesh)
    boundary = torch.zeros(sizes, dtype=torch.bool, device=device)
    for d in range(prob.dims):
        index = [slice(None)] * prob.dims
        for edge in (0, -1):
            index[d] = edge
            boundary[tuple(index)] = True
    if prob.equation == "advection":  # inflow data only: x = 0 and y = 0 (the outflow edges are collocated)
        boundary[:, -1] = False
        boundary[-1, :] = False
        boundary[0, :] = boundary[:, 0] = True
    bar = _progress(rounds * (kernel_steps + 1), progress, prob.name)
    history: list[dict[str, float]] = []
    values = torch.where(boundary, exact, torch.zeros_like(exact))
    if init == "inflow":
        inflow_lines = (exact[:, 0], exact[0, :])  # x along the y = 0 edge, y along the x = 0 edge
        for k, x, line in zip(kernels, grids, inflow_lines):
            _kernel_step([k], [x], line, init_steps, _INIT_LR, likelihood_jitter, None)
    error = math.nan
    for round_index in range(rounds):
        operators = _operators(prob, kernels, grids, jitter)
        values = _u_step(prob, operators, values, source, exact, boundary, newton_steps)
        error = _relative_l2(prob, kernels, grids, values, jitter, test_points)
        history.append({"round": round_index, "relative_l2": error})
        if bar is not None:
            bar.update(1)
            bar.set_postfix(error=f"{error:.2e}")
        if round_index < rounds - 1:
            loss = _kernel_step(kernels, grids, values, kernel_steps, lr, likelihood_jitter, bar)
            history[-1]["negative_log_likelihood"] = loss
    if bar is not None:
        bar.close()
    return PDEResult(prob.name, sizes, error, rounds, kernel_steps, time.perf_counter() - start, history,
                     values.detach() if keep_values else None, grids if keep_values else (), kernel)


def _derivative_matrix(k: _Kernel1D, x: torch.Tensor, order: int, jitter: float) -> torch.Tensor:
    tau = x[:, None] - x[None, :]
    gram = k(tau)
    scale = float(gram.diagonal().max())
    a = gram + jitter * scale * torch.eye(x.numel(), dtype=x.dtype, device=x.device)
    return torch.linalg.solve(a, k(tau, order).mT).mT


def _operators(prob: PDEProblem, kernels: list[_Kernel1D], grids, jitter: float) -> list[torch.Tensor]:
    order = 1 if prob.equation == "advection" else 2
    with torch.no_grad():
        return [_derivative_matrix(k, x, order, jitter) for k, x in zip(kernels, grids)]


def _apply(prob: PDEProblem, ops: list[torch.Tensor], u: torch.Tensor) -> torch.Tensor:
    if prob.dims == 1:
        return ops[0] @ u
    first = ops[0] @ u
    second = u @ ops[1].mT
    if prob.equation == "advection":
        return prob.beta * first + second
    return first + second


def _u_step(prob, ops, values, source, exact, boundary, newton_steps) -> torch.Tensor:
    with torch.no_grad():
        base = torch.where(boundary, exact, torch.zeros_like(exact))
        interior = ~boundary
        if prob.dims == 1:
            idx = interior.nonzero().squeeze(-1)
            lap = ops[0][idx][:, idx]
            rhs = (source - _apply(prob, ops, base))[idx]
            u = base.clone()
            u[idx] = torch.linalg.solve(lap, rhs)
            if prob.equation == "allen_cahn":
                u = _newton_1d(prob, ops, [u, torch.where(boundary, exact, values)], source, idx, lap, newton_steps)
            return u
        rows = interior.any(dim=1).nonzero().squeeze(-1)
        cols = interior.any(dim=0).nonzero().squeeze(-1)
        a = ops[0][rows][:, rows]
        b = ops[1][cols][:, cols]
        if prob.equation == "advection":
            a = prob.beta * a
        rhs = (source - _apply(prob, ops, base))[rows][:, cols]
        u = base.clone()
        if rows.numel() * cols.numel() <= _DENSE_LIMIT:  # small grids: the Kronecker-sum system, dense and robust
            eye_a = torch.eye(a.shape[0], dtype=a.dtype, device=a.device)
            eye_b = torch.eye(b.shape[0], dtype=b.dtype, device=b.device)
            system = torch.kron(a, eye_b) + torch.kron(eye_a, b)
            solution = torch.linalg.solve(system, rhs.reshape(-1)).reshape(rows.numel(), cols.numel())
        else:
            solution = _sylvester(a, b, rhs)
        u[rows[:, None], cols[None, :]] = solution
        if prob.equation == "allen_cahn":
            starts = [u, torch.where(boundary, exact, values)]
            u = _newton_2d(prob, ops, starts, source, rows, cols, a, b, newton_steps)
        return u


def _newton_1d(prob, ops, starts, source, idx, lap, steps) -> torch.Tensor:
    def residual(v: torch.Tensor) -> torch.Tensor:
        return (_apply(prob, ops, v) + v * (v * v - 1) - source)[idx]

    def jacobian(v: torch.Tensor) -> torch.Tensor:
        return lap + torch.diag(3 * v[idx] ** 2 - 1)

    return _newton(starts, idx, residual, jacobian, steps)


def _newton_2d(prob, ops, starts, source, rows, cols, a, b, steps) -> torch.Tensor:
    eye_a = torch.eye(a.shape[0], dtype=a.dtype, device=a.device)
    eye_b = torch.eye(b.shape[0], dtype=b.dtype, device=b.device)
    lap = torch.kron(a, eye_b) + torch.kron(eye_a, b)
    index = (rows[:, None], cols[None, :])

    def residual(v: torch.Tensor) -> torch.Tensor:
        return (_apply(prob, ops, v) + v * (v * v - 1) - source)[index].reshape(-1)

    def jacobian(v: torch.Tensor) -> torch.Tensor:
        return lap + torch.diag(3 * v[index].reshape(-1) ** 2 - 1)

    return _newton(starts, index, residual, jacobian, steps)


def _newton(starts, index, residual, jacobian, steps) -> torch.Tensor:
    """Newton's method on the interior values ``u[index]``, tried from each of ``starts`` (the linear solve without
    the cubic term, the previous round's values) in the order of their residual norms under the current operators;
    the first run that converges (residual ≤ 1e-10 of the source-scale residual at u = 0, or a step ≤ 1e-13
    relative) is returned. Newton from a poor start on the cubic term can run away (measured: values of 4e6 on a
    64² Allen–Cahn grid started from the linear solve, where the previous round's values converge); a backtracking
    line search on the residual norm was tried and stalls at its local minima. When no start converges the result
    with the smallest residual is returned with a warning."""
    reference = max(float(torch.linalg.vector_norm(residual(torch.zeros_like(starts[0])))), 1e-300)
    ordered = sorted(starts, key=lambda v: float(torch.linalg.vector_norm(residual(v))))
    best, best_norm = ordered[0], math.inf
    for u in ordered:
        for _ in range(steps):
            delta = torch.linalg.solve(jacobian(u), residual(u)).reshape(u[index].shape)
            u = u.clone()
            u[index] -= delta
            if not torch.isfinite(delta).all():
                break
            if float(delta.abs().max()) <= 1e-13 * max(1.0, float(u.abs().max())):
                break
        norm = float(torch.linalg.vector_norm(residual(u)))
        if norm < best_norm:
            best, best_norm = u, norm
        if norm <= 1e-10 * reference:
            return u
    warnings.warn(f"Allen–Cahn Newton did not converge from any start: residual norm {best_norm:.3e} "
                  f"({best_norm / reference:.1e} of the residual at u = 0) after {steps} steps", stacklevel=4)
    return best


def _kernel_step(kernels, grids, values, steps, lr, likelihood_jitter, bar) -> float:
    params = [p.clone().requires_grad_(True) for k in kernels for p in k.parameters()]
    optimizer = torch.optim.Adam(params, lr=lr)
    target = values.detach()
    loss_value = math.nan
    for _ in range(steps):
        optimizer.zero_grad()
        loss = _per_factor_nll(kernels, grids, target, params, likelihood_jitter)
        if not torch.isfinite(loss):
            break
        loss.backward()
        optimizer.step()
        loss_value = float(loss.detach())
        if bar is not None:
            bar.update(1)
    for d, k in enumerate(kernels):
        k.log_w, k.mu, k.log_s = (p.detach() for p in params[3 * d: 3 * d + 3])
    return loss_value


def _per_factor_nll(kernels, grids, u, params, jitter) -> torch.Tensor:
    """``−log N(vec U | 0, ⊗_d (K_d + εI))`` without the constant: ``½ tr(Π A_d⁻¹ U) + ½ Σ_d (N/n_d) log det A_d``."""
    n_total = u.numel()
    logdet = u.new_zeros(())
    solved = u
    for d, (k, x) in enumerate(zip(kernels, grids)):
        tau = x[:, None] - x[None, :]
        gram = k(tau, params=params[3 * d: 3 * d + 3])
        a = gram + jitter * torch.eye(x.numel(), dtype=x.dtype, device=x.device)
        lower = torch.linalg.cholesky(a)
        logdet = logdet + (n_total / x.numel()) * 2 * torch.log(torch.diagonal(lower)).sum()
        moved = solved.movedim(d, 0)
        flat = torch.cholesky_solve(moved.reshape(x.numel(), -1), lower)
        solved = flat.reshape(moved.shape).movedim(0, d)
    return 0.5 * (u * solved).sum() + 0.5 * logdet


def _relative_l2(prob, kernels, grids, values, jitter, test_points) -> float:
    with torch.no_grad():
        tests = [torch.linspace(a, b, test_points, dtype=values.dtype, device=values.device) for a, b in prob.bounds]
        pred = values
        for d, (k, x, xt) in enumerate(zip(kernels, grids, tests)):
            tau = x[:, None] - x[None, :]
            gram = k(tau)
            a = gram + jitter * float(gram.diagonal().max()) * torch.eye(x.numel(), dtype=x.dtype, device=x.device)
            interp = torch.linalg.solve(a, k(xt[:, None] - x[None, :]).mT).mT  # K* (K + εI)⁻¹
            moved = pred.movedim(d, 0)
            pred = (interp @ moved.reshape(x.numel(), -1)).reshape(xt.numel(), *moved.shape[1:]).movedim(0, d)
        truth = prob.solution(*torch.meshgrid(*tests, indexing="ij"))
        return float(torch.linalg.vector_norm(pred - truth) / torch.linalg.vector_norm(truth))
