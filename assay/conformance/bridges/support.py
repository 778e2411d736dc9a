"""Helpers the bridges chapters share: ε in the adapter's convention, reference cases, snippets, p-value scores."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from assay.conformance.support import array_literal

__all__ = ["adapter_epsilon", "gaussian_case", "log10_score", "snippet"]


def adapter_epsilon(adapter: Any, epsilon: float) -> float:
    """The value meaning the default-convention ``epsilon`` in the adapter's declared ``bridges.epsilon``."""
    from assay.reference.bridges.conventions import from_default

    return float(from_default(float(epsilon), adapter.conventions.get("bridges.epsilon", "half_cost")))


def gaussian_case(dim: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(a, A, b, B)`` with condition numbers ≤ 20 (reproducible from ``seed``)."""
    rng = np.random.default_rng([20261130, dim, seed])

    def spd(scale: float) -> np.ndarray:
        q, _ = np.linalg.qr(rng.standard_normal((dim, dim)))
        eigs = scale * np.exp(rng.uniform(0, np.log(20.0), size=dim) - np.log(20.0) / 2)
        m = (q * eigs) @ q.T
        return 0.5 * (m + m.T)

    return rng.standard_normal(dim), spd(1.0), rng.standard_normal(dim), spd(float(rng.uniform(0.5, 2.0)))


def log10_score(p_value: float) -> float:
    """−log10 p (∞ for p = 0)."""
    return math.inf if p_value <= 0 else -math.log10(p_value)


def snippet(spec: str, capability: str, assignments: dict[str, Any], call: str, check: str) -> str:
    """A fresh-Python snippet that loads the adapter, rebuilds the inputs and prints the offending quantity."""
    lines = ["import numpy as np", "from assay.conformance.adapters import load_adapter",
             f"adapter = load_adapter({spec!r})", f"f = adapter.get({capability!r})"]
    for name, value in assignments.items():
        lines.append(f"{name} = {array_literal(value) if isinstance(value, np.ndarray) else repr(value)}")
    lines += [call, check]
    return "\n".join(lines) + "\n"
