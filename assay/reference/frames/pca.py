"""PCA frames for point clouds and the frame averages they define, at any precision (Puny et al., ICLR 2022).

Convention (``frames.frame_matrix = eigenvector_columns``, ``frames.action = row_points``): a group element
``g = (R, t)`` acts by ``X ↦ X Rᵀ + 1 tᵀ``. With the centroid ``t`` and the scatter ``C = V Λ Vᵀ`` (eigenvalues
ascending; :mod:`assay.reference.frames.spectrum`) the frame is

    F(X) = {(V diag(s), t) : s ∈ {±1}^d}                       O(d), E(d):  |F| = 2^d
    F(X) = {(V diag(s), t) : s ∈ {±1}^d, det(V diag(s)) = +1}   SO(d), SE(d): |F| = 2^(d−1)

(for O(d), SO(d) the translation part is dropped: ``t`` is not subtracted). ``F(gX) = g F(X)`` as sets whenever
the spectrum is simple. For a frame element ``R`` the framed input is ``(X − 1tᵀ) R`` and

    invariant    ⟨φ⟩(X) = mean_R φ((X − 1tᵀ) R)
    vectors      ⟨Φ⟩(X) = mean_R Φ((X − 1tᵀ) R) Rᵀ                (velocities, forces: no translation)
    positions    ⟨Φ⟩(X) = mean_R Φ((X − 1tᵀ) R) Rᵀ + 1tᵀ          (E(d), SE(d) only differ from vectors)

``Φ`` returns an array whose last axis has length d (one vector, or one per point).

Degenerate spectra (``degenerate=``): where eigenvalues repeat, ``V`` is determined only up to ``V Q`` with ``Q`` in
``H = Π_j O(k_j)`` (block-diagonal over the eigenspaces), and the equivariant frame is the whole coset ``V H``
(with det +1 for SO/SE). ``"haar"`` (default) returns its Haar average, computed with the quadrature rules of
:mod:`assay.reference.frames.haar`, exact when φ (Φ) is a polynomial of degree ≤ ``degree`` in the framed
coordinates — this is what frame averaging *should* return on a regular tetrahedron, a cube, an axially symmetric
or a collinear cloud. ``"refuse"`` raises ``ValueError``; ``"ignore"`` uses the 2^d sign frames of mpmath's basis.
Haar quadrature is provided for eigenspaces of dimension ≤ 3.

Functions ``phi`` receive the framed input as an ``(n, d)`` object array of ``mpmath.mpf`` and must compute with
it exactly (numpy arithmetic on object arrays, or mpmath functions elementwise).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import mpmath
import numpy as np

from assay.core.conventions import resolve
from assay.core.validation import check_dps
from assay.reference.frames._mp import as_points
from assay.reference.frames.conventions import DEGENERACY, parse_group
from assay.reference.frames.haar import check_degree, haar_rule, product_rule
from assay.reference.frames.spectrum import Spectrum, spectrum

__all__ = [
    "equivariant_average",
    "frame_rule",
    "frame_spectrum",
    "framed_inputs",
    "invariant_average",
    "sign_frames",
    "sign_patterns",
]

OUTPUTS = ("vectors", "positions")


def _group_for(group: str, d: int) -> tuple[bool, bool]:
    _, dimension, proper, translations = parse_group(group)
    if dimension is not None and dimension != d:
        raise ValueError(f"group {group!r} acts on ℝ^{dimension} but points have dimension d = {d}")
    return proper, translations


#: The largest dimension whose 2^d sign patterns :func:`sign_patterns` lists.
MAX_SIGN_DIMENSION = 20


def sign_patterns(d: int, proper_parity: int | None = None) -> list[tuple[int, ...]]:
    """All ``s ∈ {±1}^d`` in a fixed order (``itertools.product((1, −1), …)``); with ``proper_parity = p``
    (``+1`` or ``−1``) only those with ``Π s = p``. ``1 <= d <= MAX_SIGN_DIMENSION``."""
    if isinstance(d, bool) or not isinstance(d, (int, np.integer)):
        raise TypeError(f"d must be an int, got {type(d).__name__}")
    if not 1 <= d <= MAX_SIGN_DIMENSION:
        raise ValueError(f"d must satisfy 1 <= d <= MAX_SIGN_DIMENSION = {MAX_SIGN_DIMENSION} (2^d patterns), "
                         f"got {d}")
    if proper_parity is not None:
        if isinstance(proper_parity, bool) or not isinstance(proper_parity, (int, np.integer)):
            raise TypeError(f"proper_parity must be None, 1 or -1, got {type(proper_parity).__name__}")
        if proper_parity not in (1, -1):
            raise ValueError(f"proper_parity must be None, 1 or -1, got {proper_parity}")
    patterns = list(itertools.product((1, -1), repeat=d))
    if proper_parity is None:
        return patterns
    return [s for s in patterns if int(np.prod(s)) == proper_parity]


def _det(M: np.ndarray) -> Any:
    return mpmath.det(mpmath.matrix(M.tolist()))


def _frame_spectrum(X: np.ndarray, translations: bool, dps: int) -> Spectrum:
    return spectrum(X, dps) if translations else _origin_spectrum(X, dps)


def frame_spectrum(points: Any, group: str = "E(3)", dps: int = 50) -> Spectrum:
    """The classified spectrum the frame of ``group`` is built from: the scatter about the centroid (E/SE) or
    the second-moment matrix ``XᵀX`` (O/SO, which fix the origin)."""
    dps = check_dps(dps)
    with mpmath.workdps(dps):
        X = as_points(points)
        _, translations = _group_for(group, X.shape[1])
    return _frame_spectrum(X, translations, dps)


def sign_frames(points: Any, group: str = "O(d)", dps: int = 50, allow_degenerate: bool = False) -> list:
    """The sign frame ``[V diag(s)]`` of ``points`` (``d × d`` object arrays of mpf, see the module docstring).

    Refuses (``ValueError``) a spectrum with repeated eigenvalues unless ``allow_degenerate``: no finite sign frame
    is equivariant there.
    """
    dps = check_dps(dps)
    if not isinstance(allow_degenerate, bool):
        raise TypeError(f"allow_degenerate must be a bool, got {type(allow_degenerate).__name__}")
    with mpmath.workdps(dps):
        X = as_points(points)
        proper, translations = _group_for(group, X.shape[1])
        spec = _frame_spectrum(X, translations, dps)
    if not spec.simple and not allow_degenerate:
        raise ValueError(
            f"points have a {spec.kind} scatter spectrum (eigenvalue multiplicities {spec.multiplicities}); "
            "no sign frame is equivariant — use degenerate='haar' averages or allow_degenerate=True"
        )
    with mpmath.workdps(dps):
        V = spec.eigenvectors
        parity = None
        if proper:
            parity = 1 if _det(V) > 0 else -1
        return [V * np.array(s, dtype=object)[None, :] for s in sign_patterns(V.shape[0], parity)]


def frame_rule(spec: Spectrum, group: str, degenerate: str = "haar", degree: int = 8) -> list:
    """``[(weight, R)]``: the sign frame with equal weights, or on a degenerate spectrum (``degenerate="haar"``)
    the Haar quadrature over ``V H`` (see the module docstring)."""
    if not isinstance(spec, Spectrum):
        raise TypeError(f"spec must be a Spectrum (from spectrum() or frame_spectrum()), got {type(spec).__name__}")
    degree = check_degree(degree)
    policy = resolve(DEGENERACY, degenerate, "degenerate")
    V = spec.eigenvectors
    d = V.shape[0]
    proper, _ = _group_for(group, d)
    if not spec.simple and policy == "refuse":
        raise ValueError(
            f"points have a {spec.kind} scatter spectrum (eigenvalue multiplicities {spec.multiplicities}) and "
            "degenerate='refuse'"
        )
    if spec.simple or policy == "ignore":
        parity = (1 if _det(V) > 0 else -1) if proper else None
        patterns = sign_patterns(d, parity)
        return [(mpmath.mpf(1) / len(patterns), V * np.array(s, dtype=object)[None, :]) for s in patterns]
    if max(spec.multiplicities) > 3:
        raise ValueError(f"Haar quadrature is provided on eigenspaces of dimension <= 3; got multiplicities "
                         f"{spec.multiplicities}")
    rules = [haar_rule(len(block), degree, spec.dps) for block in spec.blocks]
    rule = [(w, V.dot(Q)) for w, Q in product_rule(rules)]
    if proper:
        # the det +1 coset of V·H: every block rule is symmetric under its reflection, so this half carries
        # exactly half the weight and is the Haar rule on that coset
        rule = [(2 * w, R) for w, R in rule if _det(R) > 0]
    return rule


def framed_inputs(points: Any, group: str = "O(d)", dps: int = 50) -> list[np.ndarray]:
    """``[(X − 1tᵀ) R for R in F(X)]`` (the ``t`` is dropped for O(d), SO(d)); simple spectra only."""
    with mpmath.workdps(check_dps(dps)):
        X = as_points(points)
        _, translations = _group_for(group, X.shape[1])
        frames = sign_frames(X, group, dps)
        Y = _shifted(X, translations, dps)
        return [Y.dot(R) for R in frames]


def _shifted(X: np.ndarray, translations: bool, dps: int) -> np.ndarray:
    if not translations:
        return X
    from assay.reference.frames.spectrum import centroid

    return X - centroid(X, dps)[None, :]


def _average(points: Any, group: str, dps: int, degenerate: str, degree: int,
             evaluate: Callable[[np.ndarray, np.ndarray], Any]) -> tuple[Any, np.ndarray]:
    dps = check_dps(dps)
    with mpmath.workdps(dps + 10):
        X = as_points(points)
        _, translations = _group_for(group, X.shape[1])
        # O(d)/SO(d) act about the origin: their frame comes from the second-moment matrix XᵀX, not the scatter
        spec = _frame_spectrum(X, translations, dps + 10)
        Y = _shifted(X, translations, dps + 10)
        total = None
        for weight, R in frame_rule(spec, group, degenerate, degree):
            value = np.asarray(evaluate(Y.dot(R), R), dtype=object) * weight
            total = value if total is None else total + value
        t = spec.centroid if translations else None
    with mpmath.workdps(dps):
        total = np.vectorize(lambda v: +v, otypes=[object])(np.asarray(total, dtype=object))
        return total, t


def _origin_spectrum(X: np.ndarray, dps: int) -> Spectrum:
    """The spectrum of ``XᵀX`` (the frame for O(d)/SO(d), which fix the origin instead of the centroid).

    Computed as the scatter spectrum of the cloud ``X ∪ −X`` (whose centroid is 0 and scatter 2XᵀX), so the same
    classification applies.
    """
    doubled = np.concatenate([X, -X], axis=0)
    spec = spectrum(doubled, dps)
    zero = np.array([mpmath.mpf(0)] * X.shape[1], dtype=object)
    return Spectrum(spec.eigenvalues, spec.eigenvectors, spec.relative_gaps, spec.blocks, spec.rank, spec.kind,
                    spec.tie_tol, zero, spec.dps)


def invariant_average(phi: Callable[[np.ndarray], Any], points: Any, group: str = "E(3)", dps: int = 50,
                      degenerate: str = "haar", degree: int = 8) -> Any:
    """``⟨φ⟩(X) = mean_{R ∈ F(X)} φ((X − 1tᵀ) R)`` (Haar average over V·H on a degenerate spectrum).

    Returns an mpf (or an object array when φ returns an array).
    """
    total, _ = _average(points, group, dps, degenerate, degree, lambda Y, R: phi(Y))
    return total.item() if total.ndim == 0 else total


def equivariant_average(phi: Callable[[np.ndarray], Any], points: Any, group: str = "E(3)", output: str = "vectors",
                        dps: int = 50, degenerate: str = "haar", degree: int = 8) -> np.ndarray:
    """``mean_R Φ((X − 1tᵀ) R) Rᵀ`` (``output="vectors"``) or that ``+ 1tᵀ`` (``output="positions"``).

    ``Φ`` returns an array whose last axis has length d. For O(d)/SO(d) there is no translation and the two outputs
    coincide.
    """
    if not isinstance(output, str):
        raise TypeError(f"output must be a str, one of {', '.join(OUTPUTS)}; got {type(output).__name__}")
    if output not in OUTPUTS:
        raise ValueError(f"output must be one of {', '.join(OUTPUTS)}; got {output!r}")

    def evaluate(Y: np.ndarray, R: np.ndarray) -> np.ndarray:
        value = np.asarray(phi(Y), dtype=object)
        if value.ndim == 0 or value.shape[-1] != R.shape[0]:
            raise ValueError(f"phi must return an array whose last axis has length d = {R.shape[0]}; "
                             f"got shape {value.shape}")
        return value.dot(R.T)

    total, t = _average(points, group, dps, degenerate, degree, evaluate)
    if output == "positions" and t is not None:
        total = total + t
    return total
