"""Helpers of the so3 conformance chapters: the references in an adapter's declared conventions.

Not a test module. Everything here reads the adapter's declared conventions (a kind the adapter does not declare
takes the registry's default, :func:`convention`) and brings the exact references of :mod:`assay.reference.so3`
into them, so a library in a different but declared convention is compared fairly. Domain-neutral helpers
(measures, literals, samplers) are in :mod:`assay.conformance.support`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from assay.conformance.support import (  # noqa: F401  (re-exported for the chapters and snippets)
    array_literal,
    exact_or_none,
    measure_scalars,
    sample_rotations,
    sample_unit_vectors,
    scalar_snippet,
    summarize_eps,
)
from assay.core.conventions import default_name

__all__ = [
    "angles_from_rotation",
    "block_signs_and_order",
    "convention",
    "from_default_real",
    "gaunt_product_equivariance_error",
    "gaunt_product_equivariance_snippet",
    "reference_coupling_tensor",
    "reference_gaunt_product",
    "reference_sh_block",
    "reference_sh_numpy",
    "reference_wigner_D",
    "reorder_m",
    "rotation_from_angles",
    "sample_angles",
    "sh_block_norm",
    "sh_conventions",
    "to_default_real",
    "wigner_equivariance_error",
    "wigner_equivariance_snippet",
    "wigner_unitarity_snippet",
]


def convention(conventions: Mapping[str, str], kind: str) -> str:
    """The adapter's declared convention of ``kind``, or the registry's default when it declares none."""
    import assay.reference.so3.conventions  # noqa: F401  (registers the so3 kinds)

    return conventions.get(kind) or default_name(kind)


def sample_angles(count: int, seed: int = 3) -> list[tuple[float, float, float]]:
    """Euler angles: gimbal lock (β = 0, π), right angles and π in every slot, β next to gimbal lock, small angles
    beside right angles, then ``count`` random angles (deterministic)."""
    half = math.pi / 2
    special = [(0.0, 0.0, 0.0), (0.3, 0.0, -1.1), (0.7, math.pi, 0.2), (half, half, half), (math.pi, half, 0.0),
               (0.0, half, math.pi), (math.pi, math.pi, math.pi), (-half, 0.4, half), (half, 1e-12, 0.0),
               (2.0**-7, 1.0, -half), (half, 2.0**-6, -half)]
    rng = np.random.default_rng(seed)
    random = [(float(a), float(b), float(c)) for a, b, c in
              zip(rng.uniform(-math.pi, math.pi, count), rng.uniform(0, math.pi, count),
                  rng.uniform(-math.pi, math.pi, count))]
    return special + random


def reorder_m(block: np.ndarray, m_order: str) -> np.ndarray:
    """Columns (last axis) of a degree block ordered m = −l..l, re-ordered to the declared ``so3.m_order``."""
    from assay.core.conventions import resolve
    from assay.reference.so3.conventions import M_ORDER

    if resolve(M_ORDER, m_order or default_name(M_ORDER), "so3.m_order") == "ascending":
        return block
    return block[..., ::-1]


def sh_conventions(conventions: dict) -> dict[str, str]:
    return {
        "basis": convention(conventions, "so3.basis"),
        "normalization": convention(conventions, "so3.normalization"),
        "phase": convention(conventions, "so3.phase"),
        "polar_axis": convention(conventions, "so3.polar_axis"),
    }


def reference_sh_block(l: int, points: np.ndarray, conventions: dict, dps: int = 30) -> np.ndarray:
    """The exact-to-``dps`` harmonics of degree ``l`` at ``points`` in the declared conventions, (N, 2l+1)."""
    from assay.reference.so3.harmonics import spherical_harmonics_xyz

    options = sh_conventions(conventions)
    kind = np.complex128 if options["basis"] == "complex" else np.float64
    rows = [np.array(spherical_harmonics_xyz(l, p, dps=dps, **options), dtype=kind) for p in points]
    return reorder_m(np.array(rows).reshape(len(points), 2 * l + 1), convention(conventions, "so3.m_order"))


def sh_block_norm(l: int, normalization: str) -> float:
    """``‖Y_l(r)‖₂`` (the same at every point): √((2l+1)/(4π)) times the normalization factor."""
    from assay.reference.so3.harmonics import normalization_factor

    return math.sqrt((2 * l + 1) / (4 * math.pi)) * float(normalization_factor(l, normalization))


def reference_sh_numpy(l: int, points: np.ndarray, conventions: dict) -> np.ndarray:
    """Float64 harmonics of degree ``l`` in the declared conventions (the reference recurrence in numpy): for
    property checks, where a few ε of the harmonics themselves are negligible against the bound."""
    from assay.reference.so3.harmonics import spherical_harmonics_numpy

    block = spherical_harmonics_numpy(l, points, **sh_conventions(conventions))
    return reorder_m(block, convention(conventions, "so3.m_order"))


def _phase_signs(l: int) -> np.ndarray:
    return np.array([(-1.0) ** m for m in range(-l, l + 1)])


def reference_wigner_D(l: int, conventions: dict, *, angles: tuple | None = None, matrix: Any = None,
                       dps: int = 30) -> np.ndarray:
    """The reference D^l in the declared basis, polar axis, phase and m order (complex: Edmonds, or its conjugate
    when ``so3.wigner_D`` is ``conjugate``; real: the matrix with ``Y(R r) = D Y(r)``), from Euler angles in the
    declared ``so3.euler`` convention or from a matrix."""
    from assay.reference.so3.wigner import wigner_D, wigner_D_from_matrix

    basis = convention(conventions, "so3.basis")
    polar_axis = convention(conventions, "so3.polar_axis")
    if angles is not None:
        D = wigner_D(l, *angles, basis=basis, euler=convention(conventions, "so3.euler"), polar_axis=polar_axis,
                     dps=dps)
    else:
        D = wigner_D_from_matrix(l, matrix, basis=basis, polar_axis=polar_axis, dps=dps)
    D = np.array(D, dtype=np.complex128 if basis == "complex" else np.float64)
    if basis == "complex" and convention(conventions, "so3.wigner_D") == "conjugate":
        D = D.conj()
    if convention(conventions, "so3.phase") == "none":
        signs = _phase_signs(l)
        D = signs[:, None] * D * signs[None, :]
    if convention(conventions, "so3.m_order") == "descending":
        D = D[::-1, ::-1]
    return D


def rotation_from_angles(angles: tuple, euler: str) -> np.ndarray:
    """The float64 rotation matrix of Euler ``angles`` in the named convention (rounded from the reference)."""
    from assay.reference.so3.rotations import matrix_from_euler

    return np.array(matrix_from_euler(*angles, euler=euler, dps=30), dtype=np.float64)


def angles_from_rotation(matrix: np.ndarray, euler: str) -> tuple[float, float, float]:
    from assay.reference.so3.rotations import euler_from_matrix

    return tuple(float(a) for a in euler_from_matrix(matrix, euler=euler, dps=30))


def block_signs_and_order(l: int, conventions: dict) -> tuple[np.ndarray, np.ndarray]:
    """(signs, permutation) taking a degree-l block in the default real form (m = −l..l, Condon–Shortley) to the
    declared phase and m order: ``declared = signs * default[permutation]``."""
    signs = _phase_signs(l) if convention(conventions, "so3.phase") == "none" else np.ones(2 * l + 1)
    order = np.arange(2 * l + 1)
    if convention(conventions, "so3.m_order") == "descending":
        order = order[::-1]
    return signs[order], order


def reference_coupling_tensor(l1: int, l2: int, l3: int, conventions: dict) -> np.ndarray:
    """The real coupling tensor in the declared normalization (``so3.coupling``), phase and m order. The polar
    axis does not matter: the tensor is invariant under every rotation, and the axis change is one."""
    from assay.reference.so3.real_coupling import real_coupling_tensor

    tensor = real_coupling_tensor(l1, l2, l3, convention=convention(conventions, "so3.coupling"))
    for axis, l in enumerate((l1, l2, l3)):
        signs, order = block_signs_and_order(l, conventions)
        tensor = np.moveaxis(np.moveaxis(tensor, axis, -1)[..., order] * signs, -1, axis)
    return tensor


def to_default_real(vector: np.ndarray, lmax: int, conventions: dict) -> np.ndarray:
    """A flat real SH coefficient vector in the declared phase/m order, brought to the default real form."""
    out = np.array(vector, dtype=np.float64)
    for l in range(lmax + 1):
        signs, order = block_signs_and_order(l, conventions)
        block = np.empty(2 * l + 1)
        block[order] = out[l * l:(l + 1) ** 2] * signs
        out[l * l:(l + 1) ** 2] = block
    return out


def from_default_real(vector: np.ndarray, lmax: int, conventions: dict) -> np.ndarray:
    out = np.array(vector, dtype=np.float64)
    for l in range(lmax + 1):
        signs, order = block_signs_and_order(l, conventions)
        out[l * l:(l + 1) ** 2] = out[l * l:(l + 1) ** 2][order] * signs
    return out


def reference_gaunt_product(x: np.ndarray, y: np.ndarray, lmax1: int, lmax2: int, lmax_out: int) -> np.ndarray:
    """The Gaunt product of default-real coefficient vectors by exact-degree quadrature, independent of any Gaunt
    coefficient: ``z_{l m} = ∫ f g Y_{l m} dΩ`` with ``f = Σ x Y`` and ``g = Σ y Y``, on a Gauss–Legendre (in
    cos θ) × uniform (in φ) grid exact for polynomials of degree ``lmax1 + lmax2 + lmax_out``, harmonics from the
    float64 reference recurrence. Its error is a few ε of ``‖x‖‖y‖`` — far below the 1024 ε contract — and it costs
    milliseconds where the exact contraction at L = 8 takes a minute; the deep probes use it."""
    from assay.reference.so3.harmonics import spherical_harmonics_numpy

    degree = lmax1 + lmax2 + lmax_out
    nodes, weights = np.polynomial.legendre.leggauss(degree // 2 + 1)
    n_phi = degree + 1
    phi = 2 * np.pi * np.arange(n_phi) / n_phi
    sin_theta = np.sqrt(1 - nodes**2)
    points = np.stack([np.outer(sin_theta, np.cos(phi)), np.outer(sin_theta, np.sin(phi)),
                       np.repeat(nodes[:, None], n_phi, axis=1)], axis=-1).reshape(-1, 3)
    quadrature = np.repeat(weights, n_phi) * (2 * np.pi / n_phi)
    lmax = max(lmax1, lmax2, lmax_out)
    harmonics = np.concatenate([spherical_harmonics_numpy(l, points) for l in range(lmax + 1)], axis=1)
    f = harmonics[:, : (lmax1 + 1) ** 2] @ np.asarray(x, dtype=np.float64)
    g = harmonics[:, : (lmax2 + 1) ** 2] @ np.asarray(y, dtype=np.float64)
    return harmonics[:, : (lmax_out + 1) ** 2].T @ (quadrature * f * g)


def deep_symbols(count: int, j_max: int, seed: int = 100) -> list[tuple]:
    """3j arguments ``(j1, j2, j3, m1, m2, m3)`` (``m1 + m2 + m3 = 0``) for the deep probes: the worst cases of the
    Racah sum's cancellation first — ``(J J J; 0 0 0)``, near-zero orders on large equal spins, half-integers next
    to them, a stretched symbol — then ``count`` random ones with spins up to ``j_max`` (half-integers included),
    deterministic. CG arguments follow as ``(j1, j2, j3, m1, m2, −m3)``."""
    from fractions import Fraction

    J = int(j_max) - int(j_max) % 2
    half = Fraction(1, 2)
    fixed = [
        (J, J, J, 0, 0, 0),
        (J, J - 1, J, 1, -1, 0),
        (J - half, J - half, J, half, -half, 0),
        (J // 2, J // 2, J, 0, 0, 0),
        (J, J, 2, 1, -1, 0),
        (J // 2, J // 2 + 1, J + 1, J // 2, -(J // 2) - 1, 1),
    ]
    rng = np.random.default_rng(seed)
    random = []
    while len(random) < count:
        twice = [int(t) for t in rng.integers(0, 2 * j_max + 1, 2)]
        low, high = abs(twice[0] - twice[1]), min(twice[0] + twice[1], 2 * j_max)
        twice_j3 = int(rng.integers(low // 2, high // 2 + 1)) * 2 + (low % 2)
        if twice_j3 > high:
            continue
        j1, j2, j3 = (Fraction(t, 2) for t in (*twice, twice_j3))
        m1 = Fraction(int(rng.integers(0, twice[0] + 1)) * 2 - twice[0], 2)
        m2 = Fraction(int(rng.integers(0, twice[1] + 1)) * 2 - twice[1], 2)
        if abs(m1 + m2) > j3:
            continue
        random.append((j1, j2, j3, m1, m2, -(m1 + m2)))
    return [tuple(Fraction(v) for v in a) for a in fixed] + random[:count]


def deep_degrees(count: int, lmax: int, seed: int = 200) -> list[tuple[int, ...]]:
    """Gaunt arguments ``(l1, l2, l3, m1, m2, m3)`` with degrees up to ``lmax``: ``(L L L; 0 0 0)``-like worst
    cases, then ``count`` random ones with an even degree sum and ``m1 + m2 + m3 = 0`` (deterministic)."""
    L = int(lmax) - int(lmax) % 2
    fixed = [(L, L, L, 0, 0, 0), (L, L - 1, L - 1, 1, -2, 1), (L // 2, L // 2, L, 3, -1, -2), (L, L, 2, -1, 1, 0)]
    rng = np.random.default_rng(seed)
    out = []
    while len(out) < count:
        l1, l2 = (int(v) for v in rng.integers(0, lmax + 1, 2))
        l3 = int(rng.integers(abs(l1 - l2), min(l1 + l2, lmax) + 1))
        if (l1 + l2 + l3) % 2:
            continue
        m1, m2 = int(rng.integers(-l1, l1 + 1)), int(rng.integers(-l2, l2 + 1))
        if abs(m1 + m2) > l3:
            continue
        out.append((l1, l2, l3, m1, m2, -(m1 + m2)))
    return fixed + out


# -- equivariance errors and the snippets that reproduce them ---------------------------------------------------

def wigner_equivariance_error(adapter: Any, capability: str, l: int, angles: tuple | None, matrix: np.ndarray,
                              points: np.ndarray) -> float:
    """``max |Y(R r) − D(R) Y(r)|`` over ``points`` (``conj(D)`` for Edmonds' D in a complex basis), with the
    reference harmonics in the adapter's declared conventions; D from the adapter's ``so3.wigner_D`` (at
    ``angles``) or ``so3.wigner_D_matrix`` (at ``matrix``). Divide by :func:`sh_block_norm` for the contract's
    scale."""
    conventions = adapter.conventions
    function = adapter.get(capability)
    D = np.asarray(function(l, *angles) if angles is not None else function(l, matrix))
    if D.shape != (2 * l + 1, 2 * l + 1):
        raise AssertionError(f"{adapter.name}: {capability} returned shape {D.shape}, expected {(2 * l + 1,) * 2}")
    if convention(conventions, "so3.basis") == "complex" and convention(conventions, "so3.wigner_D") == "edmonds":
        D = D.conj()  # Edmonds' D acts on complex harmonics as Y(R r) = conj(D(R)) Y(r)
    points = np.asarray(points, dtype=np.float64)
    rotated = reference_sh_numpy(l, points @ np.asarray(matrix, dtype=np.float64).T, conventions)
    transformed = reference_sh_numpy(l, points, conventions) @ D.T
    return float(np.abs(rotated - transformed).max())


def wigner_equivariance_snippet(spec: str, capability: str, l: int, angles: tuple | None, matrix: np.ndarray,
                                points: np.ndarray) -> str:
    """Code that recomputes the equivariance error of one rotation, in ε of the adapter's dtype relative to
    ``‖Y_l‖`` — the number the contract bounds."""
    return (
        "import numpy as np\n"
        "from assay.conformance.adapters import load_adapter\n"
        "from assay.conformance.so3.support import convention, sh_block_norm, wigner_equivariance_error\n"
        "from assay.conformance.support import summarize_eps\n"
        f"adapter = load_adapter({spec!r})\n"
        f"angles = {tuple(angles) if angles is not None else None!r}\n"
        f"R = {array_literal(matrix)}\n"
        f"points = {array_literal(points)}\n"
        f"error = wigner_equivariance_error(adapter, {capability!r}, {l}, angles, R, points)\n"
        f"norm = sh_block_norm({l}, convention(adapter.conventions, 'so3.normalization'))\n"
        "print('|Y(R r) - D(R) Y(r)|:', summarize_eps([error], norm, adapter.dtype))\n"
    )


def wigner_unitarity_snippet(spec: str, capability: str, l: int, angles: tuple | None, matrix: np.ndarray) -> str:
    """Code that recomputes ``max |D Dᴴ − I|`` of one rotation, in ε of the adapter's dtype (the unitarity
    contract's measure)."""
    call = f"({l}, *angles)" if capability == "so3.wigner_D" else f"({l}, R)"
    return (
        "import numpy as np\n"
        "from assay.conformance.adapters import load_adapter\n"
        "from assay.conformance.support import summarize_eps\n"
        f"adapter = load_adapter({spec!r})\n"
        f"angles = {tuple(angles) if angles is not None else None!r}\n"
        f"R = {array_literal(matrix)}\n"
        f"D = np.asarray(adapter.get({capability!r}){call}).astype(np.complex128)\n"
        f"error = np.abs(D @ D.conj().T - np.eye({2 * l + 1})).max()\n"
        "print('|D D^H - I|:', summarize_eps([error], 1.0, adapter.dtype))\n"
    )


def _block_wigner_D(R: np.ndarray, lmax: int, conventions: dict) -> np.ndarray:
    size = (lmax + 1) ** 2
    D = np.zeros((size, size))
    for l in range(lmax + 1):
        D[l * l:(l + 1) ** 2, l * l:(l + 1) ** 2] = reference_wigner_D(l, conventions, matrix=R, dps=20)
    return D


def gaunt_product_equivariance_error(adapter: Any, x: np.ndarray, y: np.ndarray, shape: tuple[int, int, int],
                                     R: np.ndarray) -> float:
    """``max |z(D x, D y) − D z(x, y)| / (‖x‖ ‖y‖)`` for the adapter's ``so3.gaunt_tensor_product`` (real basis,
    the adapter's phase and m order), with reference block-diagonal Wigner D of ``R`` at 20 digits."""
    L1, L2, Lout = shape
    conventions = {**adapter.conventions, "so3.basis": "real"}
    product = adapter.get("so3.gaunt_tensor_product")

    def z(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        out = np.asarray(product(a, b, Lout))
        if out.shape != ((Lout + 1) ** 2,):
            raise AssertionError(f"{adapter.name}: so3.gaunt_tensor_product returned shape {out.shape}, expected "
                                 f"{((Lout + 1) ** 2,)}")
        return out.astype(np.float64)

    D = _block_wigner_D(np.asarray(R, dtype=np.float64), max(L1, L2, Lout), conventions)
    d1, d2, d_out = ((l + 1) ** 2 for l in (L1, L2, Lout))
    rotated = z(D[:d1, :d1] @ x, D[:d2, :d2] @ y)
    expected = D[:d_out, :d_out] @ z(x, y)
    return float(np.abs(rotated - expected).max() / (np.linalg.norm(x) * np.linalg.norm(y)))


def gaunt_product_equivariance_snippet(spec: str, x: np.ndarray, y: np.ndarray, shape: tuple[int, int, int],
                                       R: np.ndarray) -> str:
    """Code that recomputes the Gaunt-product equivariance error at one rotation, in ε of the adapter's dtype."""
    return (
        "import numpy as np\n"
        "from assay.conformance.adapters import load_adapter\n"
        "from assay.conformance.so3.support import gaunt_product_equivariance_error\n"
        "from assay.conformance.support import summarize_eps\n"
        f"adapter = load_adapter({spec!r})\n"
        f"x = {array_literal(x)}\ny = {array_literal(y)}\nR = {array_literal(R)}\n"
        f"error = gaunt_product_equivariance_error(adapter, x, y, {tuple(shape)!r}, R)\n"
        "print('|z(Dx, Dy) - D z(x, y)| / (|x| |y|):', summarize_eps([error], 1.0, adapter.dtype))\n"
    )
