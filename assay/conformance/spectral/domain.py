"""The spectral conformance domain: capabilities with their call signatures, limits, contracts and profile sizes.

Kernels are 1-D and stationary unless said otherwise; ``tau`` is a float64 array of signed lags ``x − y``; mixture
parameters are in the ``assay`` parameterization (weights ``w_q``, mean frequencies ``μ_q`` and scales in cycles per
unit; see ``spectral.parameterization``). Kronecker factors are lists of float64 ``(n_d, n_d)`` arrays; vectors are in
the order of ``spectral.kronecker_order`` (row-major).
"""

from __future__ import annotations

from assay.conformance.registry import CapabilitySpec, ContractSpec, Domain, Limit

__all__ = ["DOMAIN"]

SM = "spectral.sm_kernel"
STUDENT_T = "spectral.student_t_kernel"
MATERN = "spectral.matern_kernel"
SM_ND = "spectral.sm_kernel_nd"
MATVEC = "spectral.kronecker_matvec"
SOLVE = "spectral.kronecker_solve"
LOGDET = "spectral.kronecker_logdet"
OBJECTIVE = "spectral.log_weight_objective"

CAPABILITIES = (
    CapabilitySpec(SM, "f(tau, weights, means, scales, order) -> array like tau: k^(order)(τ) of the spectral mixture "
                   "kernel Σ_q w_q exp(−2π²σ_q²τ²) cos(2πμ_qτ) (order 0 = the kernel; derivatives in τ = x − y)",
                   limits=("max_order",), conventions=("spectral.parameterization",)),
    CapabilitySpec(STUDENT_T, "f(tau, weights, means, scales, nu, order) -> array like tau: k^(order)(τ) of "
                   "Σ_q w_q Matérn_{ν/2}(|τ|; 1/(2πρ_q)) cos(2πμ_qτ) (Student-t spectrum, odd ν)",
                   limits=("max_order",), conventions=("spectral.parameterization",)),
    CapabilitySpec(MATERN, "f(tau, lengthscale, smoothness) -> array like tau: Matérn_η(|τ|; ℓ) with η = smoothness in "
                   "{1/2, 3/2, 5/2} (k(0) = 1)", conventions=("spectral.parameterization",)),
    CapabilitySpec(SM_ND, "f(tau, weights, means, scales) -> array (n,): the d-dimensional spectral mixture kernel at "
                   "the lags tau (n, d) with weights (Q,), means (Q, d), scales (Q, d), combined over dimensions as "
                   "conventions['spectral.multidim'] says", conventions=("spectral.multidim",)),
    CapabilitySpec(MATVEC, "f(factors, v) -> (F_1 ⊗ … ⊗ F_d) v, v of length Π n_d in the declared Kronecker order",
                   conventions=("spectral.kronecker_order",)),
    CapabilitySpec(SOLVE, "f(factors, y, noise) -> (K_1 ⊗ … ⊗ K_d + noise·I)⁻¹ y",
                   conventions=("spectral.kronecker_order", "spectral.noise")),
    CapabilitySpec(LOGDET, "f(factors, noise) -> log det(K_1 ⊗ … ⊗ K_d + noise·I) (noise may be 0)",
                   conventions=("spectral.noise",)),
    CapabilitySpec(OBJECTIVE, "f(x, y, log_weights, means, scales, noise) -> −log N(y | 0, K + noise·I) for the 1-D "
                   "spectral mixture kernel with w = exp(log_weights): the training objective in log-weight "
                   "coordinates, where the Jeffreys prior p(w) ∝ 1/w is flat (no prior term)"),
)

LIMITS = (
    Limit("max_order", "order", "max", "the highest derivative order of the kernel the implementation provides"),
)

_KERNEL_WHY = (
    "inputs are exact; the error comes from rounding 2πμ and 2π²σ² and from cos/exp of arguments up to |ωτ| ≈ 50, "
    "which carry ≈ 2ε|ωτ| absolute error, times ≤ 5 Leibniz terms for derivatives: ≤ 500 ε of the scale. A float32 "
    "ingredient (≈ 2²⁹ ε), a wrong factor 2π or a missed derivative term fails by orders of magnitude"
)

CONTRACTS = (
    ContractSpec(SM, "value", 1000, "eps", "|k^(2⌈n/2⌉)(0)| (Σw for order 0)", _KERNEL_WHY),
    ContractSpec(SM, "derivative_at_zero", 64, "eps", "|k^(n)(0)|",
                 "k^(n)(0) = ∫(2πis)^n S(s) ds; at τ = 0 every cos/exp argument is 0, so only the polynomial in α, ω "
                 "rounds (a few ε). Differentiating through |τ| in torch gives k''(0) = 0: an error of 1/ε"),
    ContractSpec(SM, "inverse_transform", 1000, "eps", "k(0) = Σw",
                 "the kernel equals ∫S(s)cos(2πsτ)ds (mpmath quadrature of the density to 20 digits); as for value"),
    ContractSpec(STUDENT_T, "value", 1000, "eps", "|k^(2⌈n/2⌉)(0)| (Σw for order 0)", _KERNEL_WHY),
    ContractSpec(STUDENT_T, "derivative_at_zero", 64, "eps", "|k^(n)(0)|",
                 "k''(0) = −w(λ²/3 + ω²) for Matérn-5/2 from exact rational polynomial coefficients: a few ε"),
    ContractSpec(MATERN, "value", 64, "eps", "k(0) = 1",
                 "Matérn_η(r) for η ∈ {1/2, 3/2, 5/2} is a polynomial in √(2η) r/ℓ times an exponential: a few "
                 "roundings; a distance computed as √(x² + y² − 2xy) loses ≈ √ε near r = 0 and fails"),
    ContractSpec(SM_ND, "value", 1000, "eps", "k(0) in the declared convention",
                 "a product/sum of d one-dimensional kernels, each within the 1-D bound; a convention other than the "
                 "declared one changes k(0) from Σw to (Σw)^d and fails by far"),
    ContractSpec(MATVEC, "value", 1e-13, "rel", "max|(⊗F)v|",
                 "d mode products of ≤ 6×6 factors accumulate ≈ 20 roundings of numbers ≤ the scale; a wrong "
                 "Kronecker order (factors reversed) permutes the result and fails at O(1); float32: the same ≈ 20 "
                 "roundings of ε = 6e-8", float32_bound=1e-5),
    ContractSpec(SOLVE, "value", 1e-10, "rel", "max|x|",
                 "the issue's agreement bound for Kronecker = dense: with noise ≥ 1e-3 and k(0) ≤ 2, cond(A) ≤ 4e4 "
                 "on the suite's grids, so a backward-stable solve is good to ≈ 1e-11; per-factor jitter "
                 "(K1+εI)⊗(K2+εI) differs by ε(K1⊗I + I⊗K2) and fails; float32: cond · ε ≈ 4e4 · 6e-8 ≈ 2.4e-3",
                 float32_bound=1e-2),
    ContractSpec(LOGDET, "value", 1e-10, "rel", "max(|log det A|, N)",
                 "Σ log(λ_i + σ²) of eigenvalues accurate to ε·‖K‖ absolute; relative to N this is ≈ 1e-13 for "
                 "σ² ≥ 1e-3. A clamp of small eigenvalues (linear_operator: at 1e-7) shows up in the noise-free "
                 "probe with eigenvalues below it; float32: eigenvalues to ε·‖K‖ ≈ 1e-7 relative to N",
                 float32_bound=1e-5),
    ContractSpec(OBJECTIVE, "value", 1e-10, "rel", "max(1, |NLML|)",
                 "Cholesky of a matrix with cond ≤ 1e4: ≈ 1e-12. A double-counted Jeffreys prior (adding Σ log w "
                 "on top of log-space weights) is off by |Σ log w| ≥ 0.5 in the suite's cases; float32: 1e4 · 6e-8",
                 float32_bound=1e-3),
)

SIZES = {
    "quick": {"lags": 7, "components": 2, "orders": (0, 1, 2, 3, 4), "grid": (4, 3), "grid3": (3, 3, 2),
              "noises": (1e-3, 0.1), "gram_points": 8, "deep_grid": (12, 10), "wk_lags": 2},
    "ci": {"lags": 15, "components": 3, "orders": (0, 1, 2, 3, 4), "grid": (5, 4), "grid3": (3, 3, 3),
           "noises": (1e-3, 0.1, 1.0), "gram_points": 12, "deep_grid": (20, 16), "wk_lags": 3},
    "thorough": {"lags": 40, "components": 4, "orders": (0, 1, 2, 3, 4), "grid": (6, 5), "grid3": (4, 3, 3),
                 "noises": (1e-4, 1e-3, 0.1, 1.0), "gram_points": 20, "deep_grid": (30, 25), "wk_lags": 5},
}

DOMAIN = Domain(
    name="spectral",
    title="Spectral kernels: Wiener–Khinchin mixtures, derivative kernels, Kronecker GP algebra",
    capabilities=CAPABILITIES,
    limits=LIMITS,
    contracts=CONTRACTS,
    sizes=SIZES,
    builtin="assay.conformance.spectral.builtin:SpectralBuiltin",
    order=50,
)
