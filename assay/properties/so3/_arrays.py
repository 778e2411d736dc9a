"""Private helper: turn whatever an implementation returns (numpy, torch, lists, mpmath objects) into numpy."""

from __future__ import annotations

from typing import Any

import numpy as np


def as_numpy(value: Any) -> np.ndarray:
    """``value`` as a float64 or complex128 numpy array (torch tensors are detached and moved to the CPU)."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    array = np.asarray(value)
    if array.dtype == object:
        try:
            return array.astype(np.float64)
        except TypeError:
            return array.astype(np.complex128)
    if np.iscomplexobj(array):
        return array.astype(np.complex128)
    return array.astype(np.float64)
