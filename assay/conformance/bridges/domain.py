"""The bridges conformance domain: entropic OT plans, Gaussian closed forms, Light SB plans, drifts and samplers."""

from __future__ import annotations

from assay.conformance.registry import CapabilitySpec, ContractSpec, Domain, Limit

__all__ = ["DOMAIN"]

_EPS = ("bridges.epsilon",)

CAPABILITIES = (
    CapabilitySpec(
        "bridges.gaussian_eot",
        "f(a, A, b, B, epsilon) -> C (d, d): Cov(X0, X1) of the entropic plan between N(a, A) and N(b, B), epsilon in "
        "conventions['bridges.epsilon'] (float64 numpy in)",
        limits=("max_dimension",), conventions=_EPS,
    ),
    CapabilitySpec(
        "bridges.entropic_plan",
        "f(x, y, epsilon, a, b) -> P (n, m): the entropic plan between Σ a_i δ_{x_i} and Σ b_j δ_{y_j} (points (n, D), "
        "(m, D); weights summing to 1) for the cost ½‖x − y‖² with epsilon in conventions['bridges.epsilon']",
        limits=("max_dimension",), conventions=_EPS,
    ),
    CapabilitySpec(
        "bridges.monge_map",
        "f(a, A, b, B) -> M (d, d): the linear part of the OT (Monge) map T(x) = b + M (x − a) between Gaussians",
        limits=("max_dimension",),
    ),
    CapabilitySpec(
        "bridges.lightsb_conditional_moments",
        "f(log_alpha, r, S, epsilon, x) -> (mean (n, D), cov (n, D, D)): moments of the Light SB plan "
        "π(y|x) = Σ_k α̃_k(x) N(r_k + S_k x, ε S_k); log_alpha (K,), r (K, D), S (K, D, D) SPD",
        limits=("max_dimension",), conventions=_EPS,
    ),
    CapabilitySpec(
        "bridges.lightsb_drift",
        "f(log_alpha, r, S, epsilon, x, t) -> g (n, D): the Schrödinger-bridge drift of the Light SB model at "
        "t ∈ [0, 1)",
        limits=("max_dimension",), conventions=_EPS,
    ),
    CapabilitySpec(
        "bridges.lightsb_sample",
        "f(log_alpha, r, S, epsilon, x, seed) -> y (n, D): one draw of π(·|x_i) per row",
        limits=("max_dimension",), conventions=_EPS,
    ),
    CapabilitySpec(
        "bridges.sde_sample",
        "f(log_alpha, r, S, epsilon, x, n_steps, seed) -> X_1 (n, D): the bridge SDE dX = g dt + √ε dW simulated "
        "from X_0 = x with n_steps steps",
        limits=("max_dimension",), conventions=_EPS,
    ),
    CapabilitySpec(
        "bridges.bridge_sample",
        "f(x0, x1, t, epsilon, seed) -> x_t (n, D): the Brownian bridge of diffusion √ε between x0 and x1 at times "
        "t (n,)",
        conventions=_EPS,
    ),
)

LIMITS = (Limit("max_dimension", "dimension", "max", "the largest dimension D the implementation supports"),)

_STAT_WHY = (
    "Kolmogorov–Smirnov two-sample tests on the coordinate axes and 8 fixed random directions, Bonferroni-combined: "
    "for a correct sampler the combined p-value is ≤ 10⁻³ with probability ≤ 10⁻³, so the statistic −log10 p "
    "exceeds 3 with probability ≤ 10⁻³ (fixed seeds: the verdict is reproducible). A plan built with 2ε or with a "
    "transposed S gives p < 10⁻¹⁰"
)

CONTRACTS = (
    ContractSpec(
        "bridges.gaussian_eot", "value", 1e-9, "rel", "max |C_ref|",
        "closed forms reach ~10⁻¹³ (three symmetric square roots, each ≈ κ ε); an iterative solver on a fine grid "
        "(Sinkhorn on a discretized Gaussian) reaches its stopping threshold. An ε convention off by 2 changes C by "
        "O(ε/‖C‖) ≫ 10⁻⁹",
        float32_bound=1e-4,
    ),
    ContractSpec(
        "bridges.gaussian_eot", "gibbs", 1e-9, "rel", "1/ε",
        "the plan is entropic iff the cross block of its precision Γ⁻¹ is −I/ε (Gibbs form exp(⟨x, y⟩/ε)); "
        "measured as ε·max |(Γ⁻¹)_xy + I/ε|; a solver for 2ε scores 0.5",
        float32_bound=1e-3,
    ),
    ContractSpec(
        "bridges.entropic_plan", "marginals", 1e-7, "rel", "max(a, b)",
        "Sinkhorn stops when the marginal error is below its threshold; 10⁻⁷ admits POT's default-style thresholds "
        "and fails a plan that is not a coupling (an unbalanced or unnormalized kernel) by orders of magnitude",
        float32_bound=1e-4,
    ),
    ContractSpec(
        "bridges.entropic_plan", "gibbs", 1e-6, "rel", "1 (log-plan units)",
        "log P_ij + ½‖x_i − y_j‖²/ε must be f_i + g_j, so log P_ij − log P_il − log P_kj + log P_kl = "
        "(x_i − x_k)·(y_j − y_l)/ε on every quadruple (4000 random ones, entries above the dtype's underflow): "
        "rounding of logs of size ‖x‖²/ε ≲ 10³ leaves ~10⁻¹³ (float64); a plan for 2ε misses by O(‖x‖²/ε)",
        float32_bound=1e-2,
    ),
    ContractSpec(
        "bridges.entropic_plan", "gaussian_grid", 1e-6, "rel", "|C_ref|",
        "on a fine grid (spacing ≤ σ/6) a discretized Gaussian keeps its moments to exp(−2π²σ²/h²) ≈ 10⁻³⁰⁰, so the "
        "grid plan's cross-covariance is the closed form to the solver's convergence",
        float32_bound=1e-3,
    ),
    ContractSpec(
        "bridges.monge_map", "value", 1e-10, "rel", "max |M_ref|",
        "two symmetric square roots and inverse roots (≈ κ² ε with κ ≤ 20); a transposed or non-symmetrized map "
        "errs by O(1)",
        float32_bound=1e-4,
    ),
    ContractSpec(
        "bridges.lightsb_conditional_moments", "value", 1e-11, "rel",
        "max conditional covariance entry (its square root for the means)",
        "the benchmark's exact Light SB parameters reproduce π*(·|x): softmax weights of logits up to ~10³ in size "
        "lose ~|logit|·ε each; 10× that. A missing ε or S instead of εS is an O(1) error",
        float32_bound=1e-3,
    ),
    ContractSpec(
        "bridges.lightsb_conditional_moments", "gaussian_k1", 1e-12, "rel", "max conditional covariance entry",
        "K = 1 with S = CᵀA⁻¹, r = b − S a is the Gaussian plan exactly; a few products and one softmax of one "
        "component",
        float32_bound=1e-4,
    ),
    ContractSpec(
        "bridges.lightsb_drift", "value", 1e-10, "rel", "max |g_ref|",
        "a softmax-weighted sum of per-component Gaussian solves; ~10² ε of the largest drift, 10× that "
        "(the singular factor 1/(1 − t) stays ≤ 20 in the suite)",
        float32_bound=1e-3,
    ),
    ContractSpec(
        "bridges.lightsb_sample", "plan_ks", 3.0, "stat", "", _STAT_WHY, false_alarm=1e-3,
        statistic="−log10 of the Bonferroni-combined KS p-value against exact plan samples",
    ),
    ContractSpec(
        "bridges.sde_sample", "plan_ks", 3.0, "stat", "",
        _STAT_WHY + "; Euler–Maruyama's weak error O(1/n_steps) is ≈ 1% of a standard deviation at the suite's "
        "step counts, below what KS resolves with these sample sizes",
        false_alarm=1e-3, statistic="−log10 of the Bonferroni-combined KS p-value of X_1 against exact plan samples",
    ),
    ContractSpec(
        "bridges.bridge_sample", "variance", 3.0, "stat", "",
        "Σ ‖x_t − (1−t)x0 − t x1‖²/(t(1−t)ε) is χ²(n·D) for the correct bridge; −log10 of the two-sided χ² p-value "
        "exceeds 3 with probability 10⁻³. The standard deviation t(1−t)ε (no square root; the official Light SB "
        "code until mid-2024) gives p < 10⁻¹⁰⁰ at ε = 1",
        false_alarm=1e-3, statistic="−log10 of the two-sided χ² p-value of the bridge residuals",
    ),
)

#: ``dims``/``epsilons``: Gaussian cases; ``bench``: (D, ε) benchmark instances for the Light SB chapters;
#: ``points``: test points per case; ``stat_samples``: samples per statistical test; ``sde_steps``: Euler steps;
#: ``grid``: grid points per axis for the discrete plan; ``cloud``: points per cloud.
SIZES = {
    "quick": {"dims": (1, 2), "epsilons": (0.1, 1.0), "bench": ((2, 1.0), (4, 0.1)), "points": 16,
              "stat_samples": 1200, "sde_steps": 50, "grid": 80, "cloud": 40},
    "ci": {"dims": (1, 2, 3), "epsilons": (0.1, 1.0, 10.0), "bench": ((2, 0.1), (2, 1.0), (8, 10.0), (16, 1.0)),
           "points": 32, "stat_samples": 2400, "sde_steps": 100, "grid": 120, "cloud": 60},
    "thorough": {"dims": (1, 2, 3, 5), "epsilons": (0.05, 0.1, 1.0, 10.0),
                 "bench": ((2, 0.1), (2, 1.0), (2, 10.0), (16, 0.1), (16, 1.0), (64, 10.0)), "points": 64,
                 "stat_samples": 6000, "sde_steps": 200, "grid": 200, "cloud": 100},
}

DOMAIN = Domain(
    name="bridges",
    title="Schrödinger bridges and entropic OT",
    capabilities=CAPABILITIES,
    limits=LIMITS,
    contracts=CONTRACTS,
    sizes=SIZES,
    builtin="assay.conformance.bridges.builtin:BridgesBuiltin",
    order=40,
)
