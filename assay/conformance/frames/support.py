"""Helpers of the frames chapters: deterministic clouds and group elements, the probes, reference values, snippets.

Everything here is deterministic (fixed seeds). Reference values come from :mod:`assay.reference.frames` (mpmath,
30 digits) and are cached per cloud.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from assay.conformance.support import array_literal, sample_rotations
from assay.properties.frames.checks import PolynomialProbe, VectorProbe
from assay.properties.frames.strategies import generic_cloud, relative_gaps
from assay.reference.frames.conventions import parse_group

__all__ = [
    "PHI",
    "PSI",
    "REFERENCE_DPS",
    "declared_group",
    "generic_clouds",
    "group_elements",
    "reference_frames",
    "reference_invariant",
    "reference_vectors",
    "snippet",
]

REFERENCE_DPS = 30
PHI = PolynomialProbe(3, seed=0)
PSI = VectorProbe(3, seed=1)


def declared_group(adapter: Any) -> tuple[str, bool, bool]:
    """``(group for ℝ^3, proper, translations)`` from ``adapter.conventions["frames.group"]`` (default E(d))."""
    canonical, _, proper, translations = parse_group(adapter.conventions.get("frames.group", "E(d)"))
    return canonical.replace("(d)", "(3)"), proper, translations


@lru_cache(maxsize=16)
def _clouds(count: int, n: int, seed: int) -> np.ndarray:
    clouds, s = [], seed
    while len(clouds) < count:
        X = generic_cloud(s, n, 3)
        s += 1
        # gaps of the centred scatter (E/SE frames) and of XᵀX (O/SO frames, via the cloud X ∪ −X)
        if np.all(relative_gaps(X) >= 0.05) and np.all(relative_gaps(np.vstack([X, -X])) >= 0.05):
            clouds.append(X)
    return np.stack(clouds)


def generic_clouds(count: int, n: int, seed: int = 20261130) -> np.ndarray:
    """``(count, n, 3)`` float64 clouds whose frame spectra (centred and about the origin) have every relative
    gap ≥ 0.05."""
    return _clouds(count, n, seed).copy()


def group_elements(count: int, proper: bool, translations: bool, seed: int = 7) -> list[tuple[np.ndarray, np.ndarray]]:
    """``(R, t)`` pairs: the identity, a half-turn, then random rotations (every other one times −I unless
    ``proper``), with translations ``N(0, 5²)`` per axis when ``translations``."""
    rng = np.random.default_rng(seed)
    rotations = sample_rotations(count, seed=seed, improper=not proper)
    return [(R, rng.normal(0.0, 5.0, 3) if translations else np.zeros(3)) for R in rotations]


@lru_cache(maxsize=512)
def _reference(kind: str, cloud: tuple, group: str) -> np.ndarray:
    from assay.reference.frames import equivariant_average, invariant_average, sign_frames

    points = np.array(cloud)
    if kind == "frames":
        return np.array([np.array(R, dtype=np.float64) for R in sign_frames(points, group, REFERENCE_DPS)])
    if kind == "invariant":
        return np.array(float(invariant_average(PHI, points, group, REFERENCE_DPS)))
    return np.array(equivariant_average(PSI, points, group, kind, REFERENCE_DPS), dtype=np.float64)


def _key(cloud: np.ndarray) -> tuple:
    return tuple(map(tuple, np.asarray(cloud, dtype=np.float64).tolist()))


def reference_frames(cloud: np.ndarray, group: str) -> np.ndarray:
    """The reference sign frame ``(F, 3, 3)`` (float64 rounding of the 30-digit frame)."""
    return _reference("frames", _key(cloud), group)


def reference_invariant(cloud: np.ndarray, group: str) -> float:
    """The reference invariant average of :data:`PHI`."""
    return float(_reference("invariant", _key(cloud), group))


def reference_vectors(cloud: np.ndarray, group: str, output: str) -> np.ndarray:
    """The reference average of :data:`PSI` (``output``: ``vectors`` or ``positions``)."""
    return _reference(output, _key(cloud), group)


def snippet(spec: str, capability: str, cloud: np.ndarray, call: str, check: str) -> str:
    """A fresh-Python snippet that loads the adapter, rebuilds the cloud and prints the offending quantity."""
    return (
        "import numpy as np\n"
        "from assay.conformance.adapters import load_adapter\n"
        "from assay.conformance.frames.support import PHI, PSI, reference_invariant, reference_vectors\n"
        f"adapter = load_adapter({spec!r})\n"
        f"f = adapter.get({capability!r})\n"
        f"X = {array_literal(cloud)}[None]\n"
        f"{call}\n"
        f"{check}\n"
    )
