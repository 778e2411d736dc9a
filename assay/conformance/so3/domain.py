"""The so3 conformance domain: capabilities with their call signatures, limits, contracts and profile sizes."""

from __future__ import annotations

from assay.conformance.registry import CapabilitySpec, ContractSpec, Domain, Limit

__all__ = ["DOMAIN"]

_SH_CONVENTIONS = ("so3.basis", "so3.normalization", "so3.phase", "so3.polar_axis", "so3.m_order")

CAPABILITIES = (
    CapabilitySpec(
        "so3.clebsch_gordan",
        "f(j1, j2, j3, m1, m2, m3) -> ⟨j1 m1; j2 m2 | j3 m3⟩ (sympy argument order; half-integer j as Fraction); an "
        "exact value (SqrtRational, sympy, int, Fraction) or a float",
        limits=("max_spin", "integer_spins"),
    ),
    CapabilitySpec("so3.wigner_3j", "f(j1, j2, j3, m1, m2, m3) -> (j1 j2 j3; m1 m2 m3), exact or float",
                   limits=("max_spin", "integer_spins")),
    CapabilitySpec("so3.gaunt",
                   "f(l1, l2, l3, m1, m2, m3) -> ∫ Y_l1^m1 Y_l2^m2 Y_l3^m3 dΩ (complex SH, no conjugate), exact or "
                   "float",
                   limits=("max_degree",)),
    CapabilitySpec("so3.real_gaunt", "f(l1, l2, l3, m1, m2, m3) -> ∫ Y_l1m1 Y_l2m2 Y_l3m3 dΩ (real SH), exact or float",
                   limits=("max_degree",)),
    CapabilitySpec(
        "so3.coupling_tensor",
        "f(l1, l2, l3) -> array (2l1+1, 2l2+1, 2l3+1): the real invariant coupling tensor in the adapter's SH basis "
        "(so3.phase, so3.m_order) with the normalization conventions['so3.coupling']",
        limits=("max_degree",), conventions=("so3.coupling", "so3.phase", "so3.m_order"),
    ),
    CapabilitySpec(
        "so3.spherical_harmonics",
        "f(lmax, xyz) -> array (N, (lmax+1)**2): SH of degrees 0..lmax at the N unit vectors xyz (float64 array "
        "(N, 3)), degree-major, m in the declared order, in the declared convention",
        limits=("max_degree",), conventions=_SH_CONVENTIONS,
    ),
    CapabilitySpec(
        "so3.solid_harmonics",
        "f(lmax, xyz) -> array (N, (lmax+1)**2): regular solid harmonics |r|^l Y_lm(r/|r|) at N non-zero points "
        "of any length, laid out and normalized as so3.spherical_harmonics",
        limits=("max_degree",), conventions=_SH_CONVENTIONS,
    ),
    CapabilitySpec(
        "so3.wigner_D",
        "f(l, alpha, beta, gamma) -> array (2l+1, 2l+1): D^l of the rotation with these Euler angles "
        "(conventions['so3.euler']), in the adapter's SH basis; real basis: Y_l(R r) = D^l(R) Y_l(r); complex "
        "basis: Edmonds' D, or its complex conjugate when conventions['so3.wigner_D'] = 'conjugate'",
        limits=("max_degree",), conventions=(*_SH_CONVENTIONS, "so3.euler", "so3.wigner_D"),
    ),
    CapabilitySpec(
        "so3.wigner_D_matrix",
        "f(l, R) -> array (2l+1, 2l+1): D^l of the 3x3 rotation matrix R, in the adapter's SH basis (as so3.wigner_D)",
        limits=("max_degree",), conventions=(*_SH_CONVENTIONS, "so3.wigner_D"),
    ),
    CapabilitySpec(
        "so3.gaunt_tensor_product",
        "f(x, y, l_out) -> z: x ((L1+1)**2,), y ((L2+1)**2,) real SH coefficients in the adapter's basis; "
        "z_{l3 m3} = Σ G(l1 m1, l2 m2, l3 m3) x_{l1 m1} y_{l2 m2} with the real Gaunt G, l3 ≤ l_out. Claim: "
        "complexity='L^p' (FLOPs grow as L^p for L1 = L2 = L, l_out = 2L)",
        limits=("max_degree",), conventions=("so3.phase", "so3.m_order"), claims=("complexity",),
    ),
)

LIMITS = (
    Limit("max_degree", "degree", "max", "the largest degree l the implementation supports"),
    Limit("max_spin", "spin", "max", "the largest angular momentum j the implementation supports"),
    Limit("integer_spins", "spin", "integer", "True when only integer j are supported (no half-integers)"),
)


def _contract(capability: str, measure: str, bound: float, unit: str, scale: str, why: str) -> ContractSpec:
    return ContractSpec(capability, measure, bound, unit, scale, why, exact=unit == "ulp")


_SCALAR_WHY = (
    "±√(p/q) (or ±√(p/q)/√π) needs one square root and one division after exact integer work; a few roundings "
    "give ≤ 2 ulp, and 4 ulp leaves room for a library that evaluates the Racah sum in floating point without "
    "cancellation; catastrophic cancellation (QuTiP gave 8986860 for a value of order 0.1) fails by far"
)


CONTRACTS = (
    _contract("so3.clebsch_gordan", "value", 4, "ulp", "", _SCALAR_WHY),
    _contract("so3.wigner_3j", "value", 4, "ulp", "", _SCALAR_WHY),
    _contract("so3.gaunt", "value", 4, "ulp", "", _SCALAR_WHY),
    _contract("so3.real_gaunt", "value", 4, "ulp", "", _SCALAR_WHY + "; a sign error is an error of 2|value|"),
    _contract("so3.clebsch_gordan", "orthogonality",
        16, "eps", "1",
        "Σ_{m1 m2} ⟨j1 m1 j2 m2|J M⟩⟨j1 m1 j2 m2|J' M'⟩ = δ δ sums ≤ 2j+1 products of values each within 4 ulp",
    ),
    _contract("so3.wigner_3j", "symmetry",
        8, "ulp", "",
        "the column-permutation and m-reversal symmetries relate two computed values, each within 4 ulp",
    ),
    _contract("so3.gaunt", "symmetry", 8, "ulp", "",
              "permuting the three (l, m) pairs relates two values each within 4 ulp"),
    _contract("so3.real_gaunt", "symmetry",
        8, "ulp", "", "permuting the three (l, m) pairs relates two values each within 4 ulp",
    ),
    _contract("so3.coupling_tensor", "value",
        16, "eps", "max |C_ref| (the largest entry of the reference tensor in the same convention)",
        "entries are short sums of products of correctly rounded factors; a numerically computed null space "
        "(e3nn) reaches ≈ 1 ε; a tensor built in float32 and used as float64 is ≈ 10⁸ ε off",
    ),
    _contract("so3.coupling_tensor", "equivariance",
        256, "eps", "max |C|",
        "contracting C with three Wigner D matrices sums (2l+1)³ products; D itself carries ≲ 10 ε",
    ),
    _contract("so3.spherical_harmonics", "value",
        256, "eps", "‖Y_l(r)‖ (norm of the degree-l block, constant on the sphere)",
        "recurrences in l lose about one ε per step; 256 ε covers l ≤ 20 with room while a sign or "
        "normalization mistake is an O(1) error",
    ),
    _contract("so3.spherical_harmonics", "normalization",
        256, "eps", "‖Y_l‖²",
        "Σ_m |Y_lm(r)|² is the same at every point (addition theorem); sums 2l+1 values each within 256 ε",
    ),
    _contract("so3.wigner_D", "value",
        4096, "eps", "1 (entries of a unitary matrix)",
        "D is built from recurrences or a matrix exponential (e3nn: ‖DDᵀ−I‖ 2.6e-13 ≈ 1200 ε at l = 30); 4096 ε "
        "(≈ 9e-13) allows that and fails a swapped angle or a float32 ingredient",
    ),
    _contract("so3.wigner_D", "equivariance",
        4096, "eps", "‖Y_l(r)‖",
        "Y(Rr) − D(R)Y(r) combines the D error (≤ 4096 ε) with the SH error of the reference",
    ),
    _contract("so3.wigner_D", "unitarity", 4096, "eps", "1", "‖D Dᴴ − I‖_max of a unitary matrix built as above"),
    _contract("so3.wigner_D", "homomorphism",
        8192, "eps", "1", "D(R1 R2) − D(R1) D(R2) compares three matrices each within 4096 ε",
    ),
    _contract("so3.wigner_D_matrix", "value", 4096, "eps", "1", "as for so3.wigner_D"),
    _contract("so3.wigner_D_matrix", "equivariance", 4096, "eps", "‖Y_l(r)‖", "as for so3.wigner_D"),
    _contract("so3.wigner_D_matrix", "unitarity", 4096, "eps", "1", "as for so3.wigner_D"),
    _contract("so3.wigner_D_matrix", "homomorphism", 8192, "eps", "1", "as for so3.wigner_D"),
    _contract("so3.gaunt_tensor_product", "value",
        1024, "eps", "‖x‖·‖y‖ (the product of the input norms bounds every output coefficient up to √(1/π))",
        "a Fourier or grid route sums O(L²) products of transforms that are each ≈ ε accurate; the official "
        "float32 transforms (2.9e-7 at L=3, 2.4e-4 at L=13) fail a float64 contract",
    ),
    _contract("so3.gaunt_tensor_product", "equivariance",
        1024, "eps", "‖x‖·‖y‖", "z(D x, D y) − D z(x, y) with the reference D; same budget as the values",
    ),
)

CONTRACTS = (
    *CONTRACTS,
    _contract(
        "so3.solid_harmonics", "value", 256, "eps", "|r|^l ‖Y_l‖ (the norm of the degree-l block at that point)",
        "the harmonics' budget: a missing or wrong r^l factor is an O(1) error at |r| ≠ 1",
    ),
    ContractSpec(
        "so3.gaunt_tensor_product", "complexity", 0.5, "exponent", "L (L1 = L2 = L, l_out = 2L)",
        "FLOPs counted by torch's FlopCounterMode (plus assay's FFT formulas) at four degrees and fitted by c·L^p: "
        "lower-order terms bend a log-log fit by a few tenths at these sizes, while a wrong claim (L³ for an "
        "O(L⁶) dense contraction) is off by ≥ 1",
    ),
)

#: Sizes per profile. ``deep_*`` are the deep probes every profile adds, within the adapter's declared limits:
#: ``deep_scalars`` symbols (random and worst-case cancellation) with j, l up to ``deep_j_max``; coupling tensors of
#: degree ``deep_tensor_l``; harmonics of degree ``deep_sh_l``; Wigner D of degree ``deep_d_l``; Gaunt products
#: with L1 = L2 in ``deep_gtp_l``. ``complexity_l``: the degrees of the FLOP-count fit.
SIZES = {
    "quick": {"twice_j_max": 4, "gaunt_l_max": 2, "tensor_l_max": 2, "sh_l_max": 6, "d_l_max": 4, "gtp_l_max": 2,
              "points": 6, "rotations": 2, "deep_scalars": 6, "deep_j_max": 100, "deep_tensor_l": (8,),
              "deep_sh_l": (40,), "deep_d_l": (20,), "deep_gtp_l": (8,), "complexity_l": (4, 8, 12, 16)},
    "ci": {"twice_j_max": 6, "gaunt_l_max": 3, "tensor_l_max": 3, "sh_l_max": 16, "d_l_max": 8, "gtp_l_max": 3,
           "points": 12, "rotations": 3, "deep_scalars": 12, "deep_j_max": 100, "deep_tensor_l": (8, 10),
           "deep_sh_l": (24, 40), "deep_d_l": (12, 20), "deep_gtp_l": (6, 8), "complexity_l": (4, 8, 12, 16)},
    "thorough": {"twice_j_max": 10, "gaunt_l_max": 5, "tensor_l_max": 4, "sh_l_max": 20, "d_l_max": 14,
                 "gtp_l_max": 5, "points": 60, "rotations": 10, "deep_scalars": 40, "deep_j_max": 200,
                 "deep_tensor_l": (8, 10, 12), "deep_sh_l": (30, 40, 60), "deep_d_l": (20, 30),
                 "deep_gtp_l": (8, 10, 12), "complexity_l": (4, 8, 12, 16, 24)},
}

DOMAIN = Domain(
    name="so3",
    title="SO(3): harmonics, Wigner D, coupling coefficients, the Gaunt product",
    capabilities=CAPABILITIES,
    limits=LIMITS,
    contracts=CONTRACTS,
    sizes=SIZES,
    builtin="assay.conformance.so3.builtin:So3Builtin",
    fingerprint="assay.conformance.so3.fingerprint:fingerprint",
    order=10,
)
