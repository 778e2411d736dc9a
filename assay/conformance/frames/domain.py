"""The frames conformance domain: PCA frames, frame averages, degeneracy, graph frames — capabilities, contracts,
sizes.

An adapter declares the group its frames are built for as ``conventions["frames.group"]`` (``O(d)``, ``SO(d)``,
``E(d)``, ``SE(d)``), and — when it provides ``frames.degenerate`` — its policy on repeated eigenvalues as
``conventions["frames.degeneracy"]`` (``haar``, ``refuse``). Chapters test the declared group: reflections only
for O/E, translations only for E/SE. The graph capabilities (``frames.graph_*``) concern the Laplacian-signature
frame of the symmetric group acting on node labels; they need no convention beyond the ordering convention in their
signatures (``σ[k]`` is the node placed at position k; ``A ↦ A[σ][:, σ]``, ``x ↦ x[σ]``).
"""

from __future__ import annotations

from assay.conformance.registry import CapabilitySpec, ContractSpec, Domain

__all__ = ["DOMAIN"]

_GROUP = ("frames.group", "frames.frame_matrix")

CAPABILITIES = (
    CapabilitySpec(
        "frames.frames",
        "f(points) -> array (B, F, 3, 3): the frame of each cloud (points: float64 array (B, n, 3), points as rows); "
        "each R has the signed principal axes as columns, so the framed input is (X − 1tᵀ) R (t = 0 for O/SO)",
        conventions=_GROUP,
    ),
    CapabilitySpec(
        "frames.invariant",
        "f(phi, points) -> array (B,): mean over the frame of phi((X − 1tᵀ) R); phi maps framed inputs "
        "(M, n, 3) (a torch tensor or a numpy array) to (M,)",
        conventions=_GROUP,
    ),
    CapabilitySpec(
        "frames.vectors",
        "f(psi, points) -> array (B, n, 3): mean over the frame of psi((X − 1tᵀ) R) Rᵀ (free vectors: forces, "
        "velocities); psi maps (M, n, 3) to (M, n, 3)",
        conventions=_GROUP,
    ),
    CapabilitySpec(
        "frames.positions",
        "f(psi, points) -> array (B, n, 3): mean over the frame of psi((X − 1tᵀ) R) Rᵀ + 1tᵀ (positions: the "
        "centroid is added back for E/SE)",
        conventions=_GROUP,
    ),
    CapabilitySpec(
        "frames.classify",
        "f(points) -> array (B,) of bool: True where the scatter matrix has a repeated eigenvalue (the cloud is "
        "degenerate for PCA frames)",
        conventions=("frames.group",),
    ),
    CapabilitySpec(
        "frames.degenerate",
        "f(phi, points, samples, seed) -> array (B,): the invariant average on (possibly) degenerate clouds under "
        "the declared frames.degeneracy policy — 'haar': a Monte-Carlo estimate with `samples` Haar draws on "
        "each degenerate eigenspace; 'refuse': raise ValueError",
        conventions=("frames.group", "frames.degeneracy"),
    ),
    CapabilitySpec(
        "frames.graph_frame",
        "f(adjacency) -> int array (|F|, n): every ordering σ of the Laplacian-signature frame (σ[k] = the node "
        "placed at position k: blocks of nodes with equal eigenprojector diagonals, in signature order, each block "
        "in every order); adjacency: a symmetric float64 array (n, n)",
    ),
    CapabilitySpec(
        "frames.graph_invariant",
        "f(phi, adjacency, features) -> float: mean over the whole frame of phi(A[σ][:, σ], x[σ]); phi maps "
        "(M, n, n), (M, n) (torch tensors or numpy arrays) to (M,); features: float64 (n,)",
    ),
    CapabilitySpec(
        "frames.graph_equivariant",
        "f(psi, adjacency, features) -> array (n,): mean over the whole frame of psi(A[σ][:, σ], x[σ]) with the "
        "output at position k returned to node σ[k]; psi maps (M, n, n), (M, n) to (M, n)",
    ),
    CapabilitySpec(
        "frames.graph_sampled",
        "f(phi, adjacency, features, samples, seed) -> float: mean of phi over `samples` orderings drawn uniformly "
        "from the frame (stochastic graph frame averaging, for frames too large to enumerate)",
    ),
)

_SYMMETRY_WHY = (
    "generic clouds have relative eigenvalue gaps ≥ 0.05, so eigenvectors carry ≈ ε/gap ≤ 20 ε of rounding and "
    "a degree-4 probe multiplies that by 4; input rounding of X Rᵀ + t adds ≈ (|t|/spread) ε. 1000 ε leaves a "
    "10× margin over a correct float64 kernel (measured ≤ 20 ε) while a non-equivariant frame (signs from "
    "coordinate sums, a missing centroid, a mirrored axis) errs by O(1), about 10^15 ε"
)

CONTRACTS = (
    ContractSpec("frames.frames", "size", 0, "count", "",
                 "|F| is 2^d for O/E and 2^(d−1) for SO/SE; any other count is a different frame"),
    ContractSpec("frames.frames", "orthogonality", 64, "eps", "1 (entries of RᵀR − I)",
                 "eigenvectors from a symmetric eigensolver are orthonormal to a few ε; sign changes are exact"),
    ContractSpec("frames.frames", "determinant", 64, "eps", "1 (|det R − 1| for SO/SE, ||det R| − 1| for O/E)",
                 "det of an orthonormal 3×3 matrix is ±1 to a few ε; a left-handed axis gives det −1: an error of "
                 "2, about 10^16 ε"),
    ContractSpec("frames.frames", "equivariance", 1000, "eps", "1 (entries of R; Hausdorff distance of the sets)",
                 "F(gX) = g F(X) as sets; " + _SYMMETRY_WHY),
    ContractSpec("frames.frames", "value", 1000, "eps", "1 (entries of R; Hausdorff distance to the reference set)",
                 "the reference frame (mpmath, 30 digits) as a set; " + _SYMMETRY_WHY),
    ContractSpec("frames.invariant", "invariance", 1000, "eps", "max(1, |⟨φ⟩(X)|)", _SYMMETRY_WHY),
    ContractSpec("frames.invariant", "value", 1000, "eps", "max(1, |⟨φ⟩(X)|)",
                 "against the mpmath reference average (30 digits); " + _SYMMETRY_WHY),
    ContractSpec("frames.invariant", "continuity", 1e-4, "rel", "max(1, |⟨φ⟩|)",
                 "on either side of an eigenvalue crossing the average is Lipschitz in the cloud (the frame is "
                 "smooth there): steps of 1e-3 in s move it ≤ 1e-5 on the probe cloud; the jump AT the crossing "
                 "is expected (no continuous canonicalization exists) and is reported, not bounded",
                 float32_bound=1e-3),
    ContractSpec("frames.vectors", "equivariance", 1000, "eps", "max(1, max |⟨Ψ⟩(X)|)", _SYMMETRY_WHY),
    ContractSpec("frames.vectors", "value", 1000, "eps", "max(1, max |⟨Ψ⟩(X)|)",
                 "against the mpmath reference average (30 digits); " + _SYMMETRY_WHY),
    ContractSpec("frames.positions", "equivariance", 1000, "eps", "max(1, max |⟨Ψ⟩(X)|)",
                 "positions move with R and t: " + _SYMMETRY_WHY),
    ContractSpec("frames.positions", "value", 1000, "eps", "max(1, max |⟨Ψ⟩(X)|)",
                 "against the mpmath reference average (30 digits); " + _SYMMETRY_WHY),
    ContractSpec("frames.classify", "misclassified", 0, "count", "",
                 "the fixtures are exactly degenerate (integer coordinates, exact symmetric scatter) or generic "
                 "with gaps ≥ 0.05; any misclassification is a wrong rule, not rounding"),
    ContractSpec("frames.degenerate", "haar_mean", 6.0, "stat", "",
                 "the Haar estimate is a mean of `samples` i.i.d. draws, so |estimate − exact| / (σ/√samples) "
                 "is ≈ |N(0, 1)| (σ² the exact Haar variance of the probe, from the reference quadrature); "
                 "6 is its 1 − 2e-9 quantile. A sign-frame average errs by O(0.1), about 100 σ/√samples",
                 false_alarm=2e-9, statistic="|estimate − exact Haar average| / (σ/√samples)"),
)

_GRAPH_WHY = (
    "the probe is a sum of ≤ n² + 2n terms bounded by the stated scale; a correct float64 average rounds each "
    "term and the sums over positions and orderings, ≈ n² ε of the scale in the worst case (n ≤ 10: ≤ 120 ε; "
    "measured ≤ 4 ε). 1000 ε leaves that margin, while a frame that is not permutation-equivariant or averages "
    "the wrong orderings errs by O(0.1) of the scale, about 10^14 ε"
)

GRAPH_CONTRACTS = (
    ContractSpec("frames.graph_frame", "size", 0, "count", "",
                 "|F| = Π_b |b|! over the reference blocks (ties decided at 30 digits; exact integer graphs)"),
    ContractSpec("frames.graph_frame", "value", 0, "count", "",
                 "orderings are integers: the frame equals the reference frame as a set, or some ordering is "
                 "missing or extra (counted)"),
    ContractSpec("frames.graph_frame", "equivariance", 0, "count", "",
                 "F(πG) = F(G) π⁻¹ as sets exactly (integer orderings); counted orderings that fail"),
    ContractSpec("frames.graph_invariant", "invariance", 1000, "eps",
                 "Σ|a| M + Σ|b| M² + Σ|C| max(A) M², M = max(1, max|x|)", _GRAPH_WHY),
    ContractSpec("frames.graph_invariant", "value", 1000, "eps",
                 "Σ|a| M + Σ|b| M² + Σ|C| max(A) M², M = max(1, max|x|)",
                 "against the closed-form exact average over the reference frame (30 digits); " + _GRAPH_WHY),
    ContractSpec("frames.graph_equivariant", "equivariance", 1000, "eps", "the probe's row bound (probe_magnitude)",
                 _GRAPH_WHY),
    ContractSpec("frames.graph_equivariant", "value", 1000, "eps", "the probe's row bound (probe_magnitude)",
                 "against the reference average enumerated at 30 digits; " + _GRAPH_WHY),
    ContractSpec("frames.graph_sampled", "mean", 6.0, "stat", "",
                 "the estimate is a mean of `samples` i.i.d. uniform orderings of the frame, so |estimate − exact| "
                 "/ (σ/√samples) is ≈ |N(0, 1)| (exact: closed form; σ: 20000 reference draws, 0.5 % error); 6 is "
                 "its 1 − 2e-9 quantile. A sampler that is not uniform on the frame, or a frame that is not "
                 "equivariant, moves the mean by many σ/√samples on some relabelling",
                 false_alarm=2e-9, statistic="|estimate − exact frame average| / (σ/√samples)"),
)

#: ``clouds``: generic clouds per test; ``points``: points per cloud; ``elements``: random group elements;
#: ``haar_samples``: draws for the degenerate-cloud statistics; ``crossing``: s values on each side;
#: ``graphs``: random graphs; ``graph_max_frames``: largest frame averaged exhaustively (quick 720: cycles C5, C6;
#: ci 40320: also the cube graph Q3; thorough 362880: also Paley-9); ``relabellings``: relabellings per graph;
#: ``graph_samples``:
#: orderings per stochastic estimate.
_GRAPH_QUICK = {"graphs": 3, "graph_max_frames": 720, "relabellings": 2, "graph_samples": 2048}
_GRAPH_CI = {"graphs": 8, "graph_max_frames": 40320, "relabellings": 4, "graph_samples": 4096}
_GRAPH_THOROUGH = {"graphs": 24, "graph_max_frames": 362880, "relabellings": 8, "graph_samples": 16384}
SIZES = {
    "quick": {"clouds": 6, "points": 8, "elements": 3, "haar_samples": 1024, "crossing": (1e-6, 1e-3),
              **_GRAPH_QUICK},
    "ci": {"clouds": 24, "points": 12, "elements": 6, "haar_samples": 4096, "crossing": (1e-8, 1e-6, 1e-4, 1e-3),
           **_GRAPH_CI},
    "thorough": {"clouds": 128, "points": 24, "elements": 16, "haar_samples": 16384,
                 "crossing": (1e-8, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2), **_GRAPH_THOROUGH},
}

DOMAIN = Domain(
    name="frames",
    title="Frame averaging: PCA frames, invariant and equivariant averages, degenerate spectra, graph frames",
    capabilities=CAPABILITIES,
    limits=(),
    contracts=CONTRACTS + GRAPH_CONTRACTS,
    sizes=SIZES,
    builtin="assay.conformance.frames.builtin:FramesBuiltin",
    order=30,
)
