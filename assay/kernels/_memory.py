"""Large CPU outputs of the kernels, allocated so that their first write is cheap (shared by all domains).

torch's CPU allocator takes fresh memory in 4 KiB pages, and the first write into each page is a fault; numpy asks
the operating system for transparent huge pages (``madvise``) on large arrays, so the first write faults once per
2 MiB instead. Measured on the 2-core machine: writing a fresh 135 MB output took 12 ms from numpy against 36 ms
from torch's allocator, and a zeroed 117 MB block-diagonal Wigner matrix (1000 rotations, lmax = 10) with its
blocks written 15 ms against 34 ms from ``torch.zeros``.
"""

from __future__ import annotations

import math

import numpy as np
import torch

__all__ = ["HUGE_PAGE_BYTES", "empty_output", "zeros_output"]

#: Outputs from this size on (bytes) are allocated through numpy on the CPU.
HUGE_PAGE_BYTES = 4 << 20

_NUMPY_DTYPES = {torch.float64: np.float64, torch.float32: np.float32}


def empty_output(shape: tuple[int, ...], dtype: torch.dtype, device: torch.device | str) -> torch.Tensor:
    """An uninitialized tensor of ``shape``: from numpy on the CPU from :data:`HUGE_PAGE_BYTES` on (float32 and
    float64; outside ``torch.compile``), else from torch."""
    device = torch.device(device)
    size = math.prod(shape) * torch.empty((), dtype=dtype).element_size()
    if (device.type == "cpu" and dtype in _NUMPY_DTYPES and size >= HUGE_PAGE_BYTES
            and not torch.compiler.is_compiling()):
        return torch.from_numpy(np.empty(shape, dtype=_NUMPY_DTYPES[dtype]))
    return torch.empty(shape, dtype=dtype, device=device)


def zeros_output(shape: tuple[int, ...], dtype: torch.dtype, device: torch.device | str) -> torch.Tensor:
    """:func:`empty_output` filled with zeros (by torch's parallel fill)."""
    return empty_output(shape, dtype, device).zero_()
