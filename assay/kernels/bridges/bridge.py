"""Brownian-bridge sampling for the Schrödinger bridge with reference process dX = √ε dW (``half_cost`` ε).

Given endpoints (x0, x1) of the plan, the bridge at time t is

    x_t = (1 − t) x0 + t x1 + √(t (1 − t) ε) ξ,   ξ ~ N(0, I),

whose variance t(1 − t)ε is that of a Brownian bridge of diffusion √ε. (The official Light SB code used
``t(1−t)ε`` as the standard deviation — without the square root — until mid-2024.)
"""

from __future__ import annotations

import math
from typing import Any

import torch

__all__ = ["brownian_bridge_sample"]


def brownian_bridge_sample(
    x0: torch.Tensor, x1: torch.Tensor, t: Any, epsilon: float, generator: torch.Generator | None = None
) -> torch.Tensor:
    """x_t for each pair of rows of ``x0``, ``x1`` (n, D); ``t`` a float or an (n,) tensor in [0, 1]."""
    if not isinstance(x0, torch.Tensor) or not isinstance(x1, torch.Tensor):
        raise TypeError("x0 and x1 must be torch.Tensors")
    if x0.shape != x1.shape or x0.ndim != 2:
        raise ValueError(f"x0 and x1 must have the same shape (n, D), got {tuple(x0.shape)} and {tuple(x1.shape)}")
    if not (torch.isfinite(x0).all() and torch.isfinite(x1).all()):
        raise ValueError("x0 and x1 must be finite (no NaN or inf samples)")
    if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float)) or not math.isfinite(epsilon) or epsilon <= 0:
        raise ValueError(f"epsilon must be a finite number > 0, got {epsilon!r}")
    t_tensor = torch.as_tensor(t, dtype=x0.dtype, device=x0.device)
    if t_tensor.ndim == 1:
        if t_tensor.shape[0] != x0.shape[0]:
            raise ValueError(f"t must be a float or have shape ({x0.shape[0]},), got {tuple(t_tensor.shape)}")
        t_tensor = t_tensor[:, None]
    elif t_tensor.ndim != 0:
        raise ValueError("t must be a float or a 1-D tensor")
    if not torch.isfinite(t_tensor).all() or (t_tensor < 0).any() or (t_tensor > 1).any():
        raise ValueError("t must lie in [0, 1]")
    noise = torch.randn(x0.shape, generator=generator, dtype=x0.dtype, device=x0.device)
    return (1 - t_tensor) * x0 + t_tensor * x1 + torch.sqrt(t_tensor * (1 - t_tensor) * epsilon) * noise
