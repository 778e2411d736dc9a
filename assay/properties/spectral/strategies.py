"""Hypothesis strategies for spectral mixtures, lags and grids.

Parameters are drawn in ranges where float64 kernels are well conditioned and the references are fast:
weights in ``[0.2, 3]``, mean frequencies in ``[0, 4]`` cycles per unit, scales in ``[0.1, 1.5]``, ``Q ≤ 3``.
Values are rounded to 6 decimals so reproduction snippets are short and exact in decimal.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

__all__ = ["grids", "lags", "mixture_parameters", "student_t_nu"]


def _value(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False).map(lambda v: round(v, 6))


@st.composite
def mixture_parameters(draw: Any, max_components: int = 3) -> dict[str, list[float]]:
    """``{"weights", "means", "scales"}`` of a mixture with 1..``max_components`` components."""
    q = draw(st.integers(1, max_components))
    return {
        "weights": draw(st.lists(_value(0.2, 3.0), min_size=q, max_size=q)),
        "means": draw(st.lists(_value(0.0, 4.0), min_size=q, max_size=q)),
        "scales": draw(st.lists(_value(0.1, 1.5), min_size=q, max_size=q)),
    }


def student_t_nu() -> st.SearchStrategy[int]:
    """Odd degrees of freedom with closed forms: ν ∈ {1, 3, 5, 7}."""
    return st.sampled_from([1, 3, 5, 7])


def lags(max_abs: float = 2.0, size: int = 5) -> st.SearchStrategy[list[float]]:
    """Lists of signed lags τ (including 0 and tiny values, where derivative kernels go wrong)."""
    special = st.sampled_from([0.0, 1e-9, -1e-9, 1e-4])
    return st.lists(st.one_of(special, _value(-max_abs, max_abs)), min_size=1, max_size=size)


@st.composite
def grids(draw: Any, dims: int = 2, max_points: int = 6) -> list[list[float]]:
    """Uniform grids on ``[0, L_d]`` with 2..``max_points`` points per dimension (``L_d ∈ [0.5, 2]``)."""
    out = []
    for _ in range(dims):
        n = draw(st.integers(2, max_points))
        length = draw(_value(0.5, 2.0))
        out.append([round(length * i / (n - 1), 9) for i in range(n)])
    return out
