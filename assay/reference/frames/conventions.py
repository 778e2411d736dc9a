"""The frame-averaging conventions assay names, registered in :mod:`assay.core.conventions`.

Kinds (use these strings with :func:`assay.core.conventions.resolve`):

- ``frames.group`` — the symmetry group a frame is built for: ``O(d)``, ``SO(d)``, ``E(d)``, ``SE(d)``.
- ``frames.action`` — how a group element acts on a point cloud: ``row_points`` (points are the rows of
  ``X ∈ ℝ^{n×d}``; ``(R, t)·X = X Rᵀ + 1 tᵀ``).
- ``frames.frame_matrix`` — what a frame element ``R`` is: ``eigenvector_columns`` (the columns of ``R`` are the
  signed eigenvectors of the scatter matrix, eigenvalues ascending; the framed input is ``(X − 1 tᵀ) R``).
- ``frames.degeneracy`` — what to do where the scatter matrix has a repeated eigenvalue: ``haar`` (average over
  O(k) on each k-fold eigenspace), ``refuse`` (raise), ``ignore`` (use the 2^d sign frames of whatever basis the
  eigensolver returned — not equivariant there).
"""

from __future__ import annotations

from assay.core.conventions import Convention, register

__all__ = ["ACTION", "DEGENERACY", "FRAME_MATRIX", "GROUP", "GROUPS", "parse_group"]

GROUP = "frames.group"
ACTION = "frames.action"
FRAME_MATRIX = "frames.frame_matrix"
DEGENERACY = "frames.degeneracy"

#: the four groups: name → (orthogonal part proper?, translations included?)
GROUPS = {"O(d)": (False, False), "SO(d)": (True, False), "E(d)": (False, True), "SE(d)": (True, True)}

_ALL = [
    Convention(GROUP, "O(d)", "X ↦ X Rᵀ, Rᵀ R = I",
               "Orthogonal group: rotations and reflections about the origin; PCA frame of 2^d sign choices.",
               aliases=("O", "orthogonal"), default=True),
    Convention(GROUP, "SO(d)", "X ↦ X Rᵀ, Rᵀ R = I, det R = +1",
               "Rotations about the origin; PCA frame of the 2^(d−1) sign choices with det +1.",
               aliases=("SO", "rotations"), conversion="the det +1 half of the O(d) frame"),
    Convention(GROUP, "E(d)", "X ↦ X Rᵀ + 1 tᵀ, Rᵀ R = I",
               "Euclidean group: O(d) about the centroid plus translations; 2^d frames.",
               aliases=("E", "euclidean"), conversion="O(d) frame of the centred cloud X − 1 tᵀ, t the centroid"),
    Convention(GROUP, "SE(d)", "X ↦ X Rᵀ + 1 tᵀ, Rᵀ R = I, det R = +1",
               "Proper Euclidean group; 2^(d−1) frames. Signing v1..v_(d−1) and taking v_d = ⋆(v1 ∧ … ∧ v_(d−1)) "
               "(v3 = v1 × v2 in 3-d) gives the same set.",
               aliases=("SE", "proper_euclidean"), conversion="SO(d) frame of the centred cloud"),
    Convention(ACTION, "row_points", "(R, t)·X = X Rᵀ + 1 tᵀ",
               "Points are the rows of X ∈ ℝ^{n×d}; positions transform with R and t, free vectors (velocities, "
               "forces, normals) with R only.", default=True),
    Convention(FRAME_MATRIX, "eigenvector_columns",
               "C = (X − 1tᵀ)ᵀ(X − 1tᵀ) = V Λ Vᵀ, λ1 ≤ … ≤ λd; R = V diag(s), s ∈ {±1}^d; framed input (X − 1tᵀ) R",
               "Frame elements are signed eigenvector matrices; invariant average mean_R φ((X − 1tᵀ) R); "
               "equivariant average mean_R Φ((X − 1tᵀ) R) Rᵀ (+ 1tᵀ for positions). Equals Puny et al.'s "
               "ρ1(g)⁻¹X with g = (R, t).", default=True),
    Convention(DEGENERACY, "haar", "⟨φ⟩ = ∫_H φ((X − 1tᵀ) V Q) dQ, H = Π_j O(k_j) (det VQ = +1 for SO/SE)",
               "On a k-fold eigenspace every orthonormal basis is equally valid, so the equivariant frame is V·H; "
               "its Haar average is what frame averaging should return.", default=True),
    Convention(DEGENERACY, "refuse", "raise ValueError on a repeated eigenvalue",
               "No output where no finite sign frame is equivariant."),
    Convention(DEGENERACY, "ignore", "mean over V diag(s) for whatever V the eigensolver returned",
               "What most libraries do; not equivariant where eigenvalues repeat (measured error 0.3 on a regular "
               "tetrahedron)."),
]

for _convention in _ALL:
    register(_convention)


def parse_group(group: str, argument: str = "group") -> tuple[str, int | None, bool, bool]:
    """``(canonical kind, d or None, proper, translations)`` for names like ``"E(3)"``, ``"SO(d)"``, ``"se3"``.

    A concrete dimension (``"E(3)"``) is returned as an int; ``"E(d)"`` or ``"E"`` gives ``None`` (any d).
    """
    from assay.core.conventions import resolve

    if not isinstance(group, str):
        raise TypeError(f"{argument} must be a str such as 'E(3)' or 'SO(d)', got {type(group).__name__}")
    text = group.strip().replace(" ", "")
    dimension: int | None = None
    stem = text
    if text.endswith(")") and "(" in text:
        stem, inside = text[:-1].split("(", 1)
        if inside.isdigit():
            dimension = int(inside)
        elif inside.lower() != "d":
            raise ValueError(f"{argument} must look like 'E(3)' or 'E(d)'; got {group!r}")
    else:
        digits = "".join(ch for ch in text if ch.isdigit())
        if digits and text.endswith(digits):
            stem, dimension = text[: -len(digits)], int(digits)
    if dimension is not None and dimension < 1:
        raise ValueError(f"{argument} must have dimension >= 1; got {group!r}")
    canonical = resolve(GROUP, stem.upper() + "(d)" if stem.upper() in ("O", "SO", "E", "SE") else stem, argument)
    proper, translations = GROUPS[canonical]
    return canonical, dimension, proper, translations
