"""Argument checks for the frame kernels: messages name the argument and the rule."""

from __future__ import annotations

import torch

__all__ = ["MAX_SIGN_DIMENSION", "check_bool", "check_mask", "check_points"]

#: The largest d for which the 2^d sign patterns are built (a million rows).
MAX_SIGN_DIMENSION = 20


def check_bool(value: object, name: str) -> bool:
    """``value`` must be a ``bool`` (a tensor or a number is refused: its truth value is ambiguous or a typo)."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__}")
    return value


def check_points(points: object, name: str = "points") -> torch.Tensor:
    """``points`` as a ``(B, n, d)`` float32/float64 tensor; refuses other ranks and dtypes, n = 0, d = 0, NaN/inf."""
    if not isinstance(points, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor of shape (B, n, d) or (n, d), got {type(points).__name__}")
    if points.dtype not in (torch.float32, torch.float64):
        raise TypeError(f"{name} must be float32 or float64, got {points.dtype}")
    if points.ndim != 3:
        raise ValueError(f"{name} must have shape (B, n, d) (a batch of clouds, points as rows), got "
                         f"{tuple(points.shape)}")
    if points.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one cloud (B >= 1), got B = 0")
    if points.shape[1] == 0:
        raise ValueError(f"{name} must hold at least one point per cloud (n >= 1), got n = 0")
    if points.shape[2] == 0:
        raise ValueError(f"{name} must have dimension d >= 1, got d = 0")
    # one reduction first (NaN and ±inf propagate into the sum); the elementwise test only when it is not finite
    # (a finite cloud whose sum overflows passes the second test)
    if not bool(torch.isfinite(points.sum())) and not bool(torch.isfinite(points).all()):
        bad = torch.nonzero(~torch.isfinite(points).reshape(points.shape[0], -1).all(dim=1)).flatten().tolist()
        raise ValueError(f"{name} must be finite (no NaN or inf); clouds {bad[:10]} are not")
    return points


def check_mask(mask: object, points: torch.Tensor, name: str = "mask") -> torch.Tensor | None:
    """``mask`` as a ``(B, n)`` bool tensor on ``points``' device, or None; each cloud needs one True entry."""
    if mask is None:
        return None
    if not isinstance(mask, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor of shape (B, n) or None, got {type(mask).__name__}")
    if mask.dtype != torch.bool:
        raise TypeError(f"{name} must be a bool tensor (True = a real point), got {mask.dtype}")
    if tuple(mask.shape) != tuple(points.shape[:2]):
        raise ValueError(f"{name} must have shape (B, n) = {tuple(points.shape[:2])}, got {tuple(mask.shape)}")
    if mask.device != points.device:
        raise ValueError(f"{name} must be on the same device as points ({points.device}), got {mask.device}")
    empty = ~mask.any(dim=1)
    if bool(empty.any()):
        bad = torch.nonzero(empty).flatten().tolist()
        raise ValueError(f"{name} must keep at least one point in every cloud; clouds {bad[:10]} are all False")
    return mask
