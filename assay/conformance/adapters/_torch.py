"""Small torch helpers shared by the torch-based adapters (imported only by them)."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["DTYPES", "check_dtype", "to_numpy", "to_tensor"]

DTYPES = ("float64", "float32")


def check_dtype(dtype: str) -> str:
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(DTYPES)}; got {dtype!r}")
    return dtype


def to_tensor(values: Any, dtype: str, device: str):
    import torch

    return torch.as_tensor(np.asarray(values, dtype=np.float64), dtype=getattr(torch, dtype), device=device)


def to_numpy(tensor: Any) -> np.ndarray:
    """A detached CPU numpy copy, keeping the dtype (float32 stays float32, so errors are measured in it)."""
    return tensor.detach().cpu().numpy()
