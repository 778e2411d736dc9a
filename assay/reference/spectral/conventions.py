"""The spectral-kernel conventions assay names, registered in :mod:`assay.core.conventions`.

Kinds (use these strings with :func:`assay.core.conventions.resolve`):

- ``spectral.parameterization`` — how a mixture component is written down: ``assay`` (weight ``w``, mean frequency
  ``μ`` and spectral scale ``σ`` or ``ρ``, all in cycles per unit), ``gphm`` (GP-HM's ``log-w``, ``log-ls``,
  ``freq``), ``gpytorch`` (``mixture_weights``, ``mixture_means``, ``mixture_scales``; ``MaternKernel.lengthscale``).
- ``spectral.multidim`` — how a kernel on ``d`` input dimensions is built from 1-D mixtures: ``product`` (assay,
  GP-HM: ``k(τ) = Π_d k_d(τ_d)``, each dimension its own mixture), ``shared_weights_product`` (GPyTorch's
  ``SpectralMixtureKernel``: ``Π_d Σ_q w_q g_qd(τ_d)``, one weight vector for all dimensions, ``k(0) = (Σ w)^d``),
  ``sum_of_products`` (Wilson & Adams 2013: ``Σ_q w_q Π_d g_qd(τ_d)``, ``k(0) = Σ w``).
- ``spectral.kronecker_order`` — ``row_major`` (assay, numpy: ``(K1 ⊗ K2) vec(U) = vec(K1 U K2ᵀ)`` with ``vec``
  the row-major flattening of the grid array ``U[i1, i2]``).
- ``spectral.noise`` — where the jitter/noise goes: ``total`` (``K1 ⊗ K2 + εI``), ``per_factor``
  (``(K1 + εI) ⊗ (K2 + εI)``, which is *not* ``K1 ⊗ K2 + εI``; named so it cannot pass for it).
"""

from __future__ import annotations

from assay.core.conventions import Convention, register

__all__ = ["KRONECKER_ORDER", "MULTIDIM", "NOISE", "PARAMETERIZATION"]

PARAMETERIZATION = "spectral.parameterization"
MULTIDIM = "spectral.multidim"
KRONECKER_ORDER = "spectral.kronecker_order"
NOISE = "spectral.noise"

_ALL = [
    Convention(
        PARAMETERIZATION, "assay",
        "Gaussian: k(τ) = Σ_q w_q exp(−2π²σ_q²τ²) cos(2πμ_qτ); Student-t: k(τ) = Σ_q w_q Matérn_{ν/2}(|τ|; "
        "ℓ_q = 1/(2πρ_q)) cos(2πμ_qτ); S(s) = Σ_q (w_q/2)[p_q(s − μ_q) + p_q(s + μ_q)]",
        "Weights w_q > 0 (k(0) = Σ w_q), mean frequencies μ_q and spectral scales σ_q (Gaussian standard deviation) "
        "or ρ_q (Student-t scale, ν degrees of freedom), all in cycles per unit of the input.",
        aliases=("wiener_khinchin", "cycles"), default=True,
    ),
    Convention(
        PARAMETERIZATION, "gphm",
        "w = e^{log-w}; μ = freq; Gaussian: e^{log-ls} = 2π²σ²; Student-t (Matérn): e^{log-ls} = 1/ℓ = 2πρ",
        "Fang et al. (GP-HM, ICLR 2024) official code: log-weights, a log *precision* called log-ls, and freq = μ. "
        "Weights in log space carry the Jeffreys prior p(w) ∝ 1/w (flat in log w) — adding −log w again double "
        "counts it.",
        aliases=("gp-hm", "gp_hm", "fang"),
        conversion="σ = √(e^{log-ls}/(2π²)), ρ = e^{log-ls}/(2π); w = e^{log-w}; μ = freq "
        "(assay.reference.spectral.from_gphm / to_gphm)",
    ),
    Convention(
        PARAMETERIZATION, "gpytorch",
        "SpectralMixtureKernel: Σ_q w_q exp(−2π² τ² s_q²) cos(2π τ m_q) with s = mixture_scales, m = mixture_means; "
        "MaternKernel(ν_m): Matérn_{ν_m}(|τ|; lengthscale)",
        "GPyTorch's names. mixture_scales is the spectral standard deviation σ (its empirical-spectrum "
        "initialisation sets it from GMM variances, but the kernel squares it as a standard deviation). "
        "MaternKernel's ν_m is the Matérn smoothness η = ν/2 of the Student-t spectrum with ν = 2ν_m.",
        conversion="w = mixture_weights, μ = mixture_means, σ = mixture_scales; Matérn: ρ = 1/(2π·lengthscale), "
        "ν = 2·ν_m (assay.reference.spectral.from_gpytorch / to_gpytorch)",
    ),
    Convention(
        MULTIDIM, "product",
        "k(τ_1, …, τ_d) = Π_d k_d(τ_d), each k_d its own 1-D mixture",
        "A product kernel: on a grid the covariance is K_1 ⊗ … ⊗ K_d (GP-HM). k(0) = Π_d Σ_q w_qd.",
        default=True,
    ),
    Convention(
        MULTIDIM, "shared_weights_product",
        "k(τ) = Π_d Σ_q w_q exp(−2π²σ_qd²τ_d²) cos(2πμ_qdτ_d)",
        "GPyTorch's SpectralMixtureKernel with ard_num_dims = d: one weight vector shared by every dimension, "
        "k(0) = (Σ_q w_q)^d (GPyTorch issues 1198, 1815, 1981).",
        aliases=("gpytorch",),
        conversion="the product convention with w_qd = w_q for every d",
    ),
    Convention(
        MULTIDIM, "sum_of_products",
        "k(τ) = Σ_q w_q Π_d exp(−2π²σ_qd²τ_d²) cos(2πμ_qdτ_d)",
        "Wilson & Adams (2013): a Gaussian mixture in d-dimensional frequency space; k(0) = Σ w_q. Not a single "
        "Kronecker product on a grid (a sum of Q of them).",
        aliases=("wilson_adams",),
        conversion="equal to the product convention only for Q = 1 (w = Π_d w_d)",
    ),
    Convention(
        KRONECKER_ORDER, "row_major",
        "(K_1 ⊗ K_2) vec(U) = vec(K_1 U K_2ᵀ), vec = row-major (C order) flattening of U[i_1, i_2, …]",
        "Grid point (i_1, …, i_d) has flat index ((i_1 n_2 + i_2) n_3 + …); the first factor varies slowest. "
        "numpy.kron, torch.kron and linear_operator's KroneckerProductLinearOperator(K_1, K_2) all use it.",
        aliases=("c_order",), default=True,
    ),
    Convention(
        KRONECKER_ORDER, "column_major",
        "(K_1 ⊗ K_2) vec_F(U) with vec_F the column-major flattening, i.e. the factors in reverse order",
        "Fortran order: the first factor varies fastest.",
        aliases=("f_order",),
        conversion="reverse the list of factors (and transpose the grid array)",
    ),
    Convention(
        NOISE, "total", "K_1 ⊗ … ⊗ K_d + εI",
        "Noise (or jitter) ε added once to the full covariance; eigenvalues λ_i + ε (Saatçi).", default=True,
    ),
    Convention(
        NOISE, "per_factor", "(K_1 + εI) ⊗ … ⊗ (K_d + εI)",
        "Jitter added to each factor. Its eigenvalues are Π_d (λ_{d,i} + ε) — not the total convention; a code that "
        "does this while declaring K + εI gets a different log-determinant and solve.",
        conversion="no exact conversion to total: (K1+εI)⊗(K2+εI) = K1⊗K2 + ε(K1⊗I + I⊗K2) + ε²I",
    ),
]

for _convention in _ALL:
    register(_convention)
