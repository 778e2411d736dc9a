"""Number conversions shared by the adapters of native libraries (imported only by them)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

__all__ = ["plain_integer"]


def plain_integer(value: Any) -> Any:
    """An integral ``Fraction`` or a numpy integer as a Python ``int``; anything else unchanged (passed on to the
    library as it is, so the library's own handling of half-integers and bad input is what gets tested)."""
    if isinstance(value, Fraction) and value.denominator == 1:
        return int(value)
    if isinstance(value, np.integer):
        return int(value)
    return value
