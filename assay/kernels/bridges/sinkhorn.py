"""Log-domain Sinkhorn for the discrete entropic plan, in torch (stable for small ε).

Convention ``bridges.epsilon`` = ``half_cost``: the plan between Σ_i a_i δ_{x_i} and Σ_j b_j δ_{y_j} minimizes
Σ P_ij ½‖x_i − y_j‖² + ε KL(P ‖ a bᵀ); it is P_ij = a_i b_j exp((f_i + g_j − ½‖x_i − y_j‖²)/ε) with the potentials
updated alternately by f = −ε log Σ_j b_j exp((g_j − c_ij)/ε) (and symmetrically) until the row marginal error
max |P 1 − a| is below ``tol``. (POT's ``ot.sinkhorn(a, b, M=‖x−y‖², reg)`` is the same plan with reg = 2ε.)
"""

from __future__ import annotations

import math
from typing import Any

import torch

__all__ = ["sinkhorn_plan"]


def sinkhorn_plan(
    x: torch.Tensor,
    y: torch.Tensor,
    epsilon: float,
    a: torch.Tensor | None = None,
    b: torch.Tensor | None = None,
    *,
    tol: float = 1e-12,
    max_iter: int = 100_000,
) -> torch.Tensor:
    """The entropic plan P (n, m) between points ``x`` (n, D) and ``y`` (m, D) with weights ``a``, ``b``.

    Weights default to uniform; they must be positive and sum to 1 (within 1e-9, or the dtype's rounding). Raises
    ``RuntimeError`` when
    ``max_iter`` sweeps do not reach ``tol``.
    """
    for name, value in (("x", x), ("y", y)):
        if not isinstance(value, torch.Tensor) or value.ndim != 2:
            raise ValueError(f"{name} must be a 2-D torch.Tensor (points × dimension)")
        if not torch.isfinite(value).all():
            raise ValueError(f"{name} must be finite (no NaN or inf samples)")
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"x and y must have the same dimension, got {x.shape[1]} and {y.shape[1]}")
    if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float)) or not math.isfinite(epsilon) or epsilon <= 0:
        raise ValueError(f"epsilon must be a finite number > 0, got {epsilon!r}")
    n, m = x.shape[0], y.shape[0]

    def weights(value: Any, size: int, name: str) -> torch.Tensor:
        if value is None:
            return torch.full((size,), 1.0 / size, dtype=x.dtype, device=x.device)
        w = torch.as_tensor(value, dtype=x.dtype, device=x.device)
        tolerance = max(1e-9, 4 * size * torch.finfo(x.dtype).eps)  # the rounding of a sum of `size` weights
        if w.shape != (size,) or not torch.isfinite(w).all() or (w <= 0).any() or abs(float(w.sum()) - 1) > tolerance:
            raise ValueError(f"{name} must be {size} positive weights summing to 1")
        return w

    a, b = weights(a, n, "a"), weights(b, m, "b")
    cost = 0.5 * torch.cdist(x, y) ** 2
    log_a, log_b = a.log(), b.log()
    f = torch.zeros(n, dtype=x.dtype, device=x.device)
    g = torch.zeros(m, dtype=x.dtype, device=x.device)
    for _ in range(max_iter):
        f = -epsilon * torch.logsumexp(log_b[None, :] + (g[None, :] - cost) / epsilon, dim=1)
        g = -epsilon * torch.logsumexp(log_a[:, None] + (f[:, None] - cost) / epsilon, dim=0)
        log_plan = log_a[:, None] + log_b[None, :] + (f[:, None] + g[None, :] - cost) / epsilon
        if float((log_plan.exp().sum(1) - a).abs().max()) < tol:
            return log_plan.exp()
    raise RuntimeError(f"Sinkhorn did not reach tol={tol} in {max_iter} iterations (epsilon={epsilon})")
