"""Entropic OT and the Schrödinger bridge between two Gaussians in closed form, at any precision (mpmath).

Convention (``bridges.epsilon``, default ``half_cost``): the plan π solves min ∫ ½‖x − y‖² dπ + ε KL(π ‖ α ⊗ β)
between α = N(a, A) and β = N(b, B) in R^d; the bridge is the reference process dX = √ε dW pinned by π. With
σ² = ε (Janati et al. 2020; Bunne et al. 2023):

- ``D = (4 A^{1/2} B A^{1/2} + ε² I)^{1/2}`` (symmetric root);
- cross-covariance ``C = Cov(X0, X1) = ½ A^{1/2} D A^{−1/2} − (ε/2) I`` (not symmetric in general; equal to
  ``½ (4AB + ε² I)^{1/2} − (ε/2) I`` with the principal root — an independent route,
  :func:`cross_covariance_via_sqrtm`);
- the plan is N((a, b), Γ), Γ = [[A, C], [Cᵀ, B]]; its precision has cross block exactly −I/ε (the Gibbs form
  π ∝ exp(⟨x, y⟩/ε) · f(x) g(y));
- value (Janati's convention, cost ‖x − y‖² + 2σ² KL): ``OT = ‖a − b‖² + Tr A + Tr B − Tr D + d ε (1 − log 2ε)
  + ε log det(D + ε I)``; the ``half_cost`` value is half of it. :meth:`GaussianBridge.value_direct` evaluates the
  objective on the plan instead (‖a−b‖² + Tr A + Tr B − 2 Tr C + ε (log det A + log det B − log det Γ)), an
  independent computation;
- bridge marginals ``μ_t = (1−t) a + t b``, ``Σ_t = (1−t)² A + t² B + t(1−t)(C + Cᵀ + ε I)``;
- drift of the Markov bridge ``g(x, t) = b − a + M_t Σ_t⁻¹ (x − μ_t)``, ``M_t = (1−t) Cᵀ + t B − (1−t) A − t C −
  ε t I`` (from g = (E[X1 | X_t = x] − x)/(1 − t)); ``M_t + M_tᵀ + ε I = dΣ_t/dt``;
- conditional plan ``π(y | x) = N(b + Cᵀ A⁻¹ (x − a), B − Cᵀ A⁻¹ C)``; the Light SB parameters with K = 1 are
  ``S = Cᵀ A⁻¹`` (symmetric PD), ``r = b − S a`` and ``ε S = B − Cᵀ A⁻¹ C``;
- ε → 0: the Monge map ``T(x) = b + A^{−1/2} (A^{1/2} B A^{1/2})^{1/2} A^{−1/2} (x − a)`` and
  ``W2² = ‖a − b‖² + Tr A + Tr B − 2 Tr (A^{1/2} B A^{1/2})^{1/2}`` (:func:`monge_map`, :func:`w2_squared`).

All arithmetic is mpmath at ``dps`` digits (plus guard digits); results are ``mpmath.matrix``/``mpf``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import mpmath

from assay.core.validation import check_dps
from assay.reference.bridges._mp import (
    as_mp_scalar,
    as_mp_spd,
    as_mp_vector,
    sym_function,
    sym_logdet,
    sym_sqrt,
    trace,
)
from assay.reference.bridges.conventions import EPSILON, to_default

__all__ = [
    "GaussianBridge",
    "cross_covariance_via_sqrtm",
    "gaussian_bridge",
    "monge_map",
    "w2_squared",
]

_GUARD = 10


def _check_epsilon(epsilon: Any, convention: str):
    from assay.core.conventions import resolve

    resolve(EPSILON, convention, "convention")
    value = as_mp_scalar(epsilon, "epsilon")
    if value <= 0:
        raise ValueError(f"epsilon must be > 0, got {epsilon!r}")
    return to_default(value, convention)


def _check_time(t: Any):
    value = as_mp_scalar(t, "t")
    if not 0 <= value <= 1:
        raise ValueError(f"t must lie in [0, 1], got {t!r}")
    return value


@dataclass(frozen=True)
class GaussianBridge:
    """The entropic plan and Schrödinger bridge between N(a, A) and N(b, B) (default ε convention), at ``dps``."""

    a: Any
    A: Any
    b: Any
    B: Any
    epsilon: Any
    dps: int
    C: Any
    D: Any

    @property
    def dim(self) -> int:
        return self.A.rows

    def _work(self):
        return mpmath.workdps(self.dps + _GUARD)

    def joint_covariance(self):
        """Γ = [[A, C], [Cᵀ, B]] (2d × 2d)."""
        d = self.dim
        with self._work():
            g = mpmath.matrix(2 * d, 2 * d)
            for i in range(d):
                for j in range(d):
                    g[i, j] = self.A[i, j]
                    g[i, d + j] = self.C[i, j]
                    g[d + i, j] = self.C[j, i]
                    g[d + i, d + j] = self.B[i, j]
            return g

    def joint_precision_cross_block(self):
        """The (x, y) block of Γ⁻¹ — equal to −I/ε for the entropic plan (the Gibbs property)."""
        d = self.dim
        with self._work():
            inverse = mpmath.inverse(self.joint_covariance())
            return mpmath.matrix([[inverse[i, d + j] for j in range(d)] for i in range(d)])

    def value(self, convention: str = "half_cost"):
        """The entropic OT value by Janati's closed form; ``convention`` ``half_cost`` (default) or ``janati_sigma2``.

        ``full_cost`` gives the same number as ``janati_sigma2`` (cost ‖x−y‖² with entropy weight 2ε).
        """
        from assay.core.conventions import resolve

        name = resolve(EPSILON, convention, "convention")
        eps, d = self.epsilon, self.dim
        with self._work():
            diff = self.a - self.b
            shifted = self.D + eps * mpmath.eye(d)
            janati = (
                mpmath.fsum(diff[i] ** 2 for i in range(d)) + trace(self.A) + trace(self.B) - trace(self.D)
                + d * eps * (1 - mpmath.log(2 * eps)) + eps * sym_logdet((shifted + shifted.T) / 2)
            )
            return +(janati / 2 if name in ("half_cost", "diffusion_sigma") else janati)

    def value_direct(self, convention: str = "half_cost"):
        """The objective evaluated on the plan: E½‖x−y‖² + ε KL(π ‖ α⊗β) (``half_cost``; doubled for Janati's)."""
        from assay.core.conventions import resolve

        name = resolve(EPSILON, convention, "convention")
        eps, d = self.epsilon, self.dim
        with self._work():
            diff = self.a - self.b
            gamma = self.joint_covariance()
            expected_cost = (mpmath.fsum(diff[i] ** 2 for i in range(d)) + trace(self.A) + trace(self.B)
                             - 2 * trace(self.C))
            kl = (sym_logdet(self.A) + sym_logdet(self.B) - mpmath.log(mpmath.det(gamma))) / 2
            full = expected_cost + 2 * eps * kl
            return +(full / 2 if name in ("half_cost", "diffusion_sigma") else full)

    def marginal(self, t: Any):
        """``(μ_t, Σ_t)`` of the bridge at time ``t ∈ [0, 1]``."""
        t = _check_time(t)
        with self._work():
            mean = (1 - t) * self.a + t * self.b
            noise = self.C + self.C.T + self.epsilon * mpmath.eye(self.dim)
            cov = (1 - t) ** 2 * self.A + t**2 * self.B + t * (1 - t) * noise
            return mean, cov

    def drift_matrix(self, t: Any):
        """``M_t = (1−t) Cᵀ + t B − (1−t) A − t C − ε t I``."""
        t = _check_time(t)
        with self._work():
            eye = mpmath.eye(self.dim)
            return (1 - t) * self.C.T + t * self.B - (1 - t) * self.A - t * self.C - self.epsilon * t * eye

    def drift(self, x: Any, t: Any):
        """``g(x, t) = b − a + M_t Σ_t⁻¹ (x − μ_t)`` (a column vector)."""
        t = _check_time(t)
        x = as_mp_vector(x, "x", self.dim)
        mean, cov = self.marginal(t)
        with self._work():
            return (self.b - self.a) + self.drift_matrix(t) * (mpmath.lu_solve(cov, x - mean))

    def conditional(self, x: Any):
        """Mean and covariance of π(y | x): ``b + Cᵀ A⁻¹ (x − a)`` and ``B − Cᵀ A⁻¹ C``."""
        x = as_mp_vector(x, "x", self.dim)
        with self._work():
            gain = self.C.T * mpmath.inverse(self.A)
            return self.b + gain * (x - self.a), self.B - gain * self.C

    def light_sb_parameters(self):
        """The exact K = 1 Light SB parameters ``(S, r)``: S = Cᵀ A⁻¹, r = b − S a (so ε S = B − Cᵀ A⁻¹ C)."""
        with self._work():
            s = self.C.T * mpmath.inverse(self.A)
            s = (s + s.T) / 2  # symmetric up to rounding at the working precision
            return s, self.b - s * self.a


def gaussian_bridge(
    a: Any, A: Any, b: Any, B: Any, epsilon: Any, *, convention: str = "half_cost", dps: int = 30
) -> GaussianBridge:
    """The entropic plan / Schrödinger bridge between N(a, A) and N(b, B) at ``dps`` digits.

    ``epsilon`` is read in ``convention`` (``bridges.epsilon``) and stored as the default-convention ε. Refused:
    ε ≤ 0, non-symmetric or non-PD covariances, means and covariances of different dimensions, non-finite entries.
    """
    dps = check_dps(dps)
    with mpmath.workdps(dps + _GUARD):
        eps = _check_epsilon(epsilon, convention)
        a = as_mp_vector(a, "a")
        b = as_mp_vector(b, "b")
        if b.rows != a.rows:
            raise ValueError(f"b must have the dimension of a ({a.rows}), got {b.rows}")
        A = as_mp_spd(A, "A", a.rows)
        B = as_mp_spd(B, "B", a.rows)
        d = a.rows
        root_a = sym_sqrt(A)
        inv_root_a = sym_function(A, lambda v: 1 / mpmath.sqrt(v))
        inner = 4 * root_a * B * root_a
        inner = (inner + inner.T) / 2 + eps**2 * mpmath.eye(d)
        big_d = sym_sqrt(inner)
        cross = root_a * big_d * inv_root_a / 2 - (eps / 2) * mpmath.eye(d)
    return GaussianBridge(a=a, A=A, b=b, B=B, epsilon=eps, dps=dps, C=cross, D=big_d)


def cross_covariance_via_sqrtm(A: Any, B: Any, epsilon: Any, *, dps: int = 30):
    """Independent route to C: ``½ (4 A B + ε² I)^{1/2} − (ε/2) I`` with mpmath's general principal ``sqrtm``."""
    dps = check_dps(dps)
    with mpmath.workdps(dps + _GUARD):
        eps = _check_epsilon(epsilon, "half_cost")
        A = as_mp_spd(A, "A")
        B = as_mp_spd(B, "B", A.rows)
        d = A.rows
        return mpmath.sqrtm(4 * A * B + eps**2 * mpmath.eye(d)) / 2 - (eps / 2) * mpmath.eye(d)


def monge_map(a: Any, A: Any, b: Any, B: Any, *, dps: int = 30):
    """The ε → 0 limit: ``(M, a, b)`` with ``T(x) = b + M (x − a)``, ``M = A^{−½}(A^{½} B A^{½})^{½} A^{−½}``."""
    dps = check_dps(dps)
    with mpmath.workdps(dps + _GUARD):
        a = as_mp_vector(a, "a")
        b = as_mp_vector(b, "b", a.rows)
        A = as_mp_spd(A, "A", a.rows)
        B = as_mp_spd(B, "B", a.rows)
        root_a = sym_sqrt(A)
        inv_root_a = sym_function(A, lambda v: 1 / mpmath.sqrt(v))
        inner = root_a * B * root_a
        middle = sym_sqrt((inner + inner.T) / 2)
        m = inv_root_a * middle * inv_root_a
        return (m + m.T) / 2, a, b


def w2_squared(a: Any, A: Any, b: Any, B: Any, *, dps: int = 30):
    """``W2²(N(a, A), N(b, B)) = ‖a − b‖² + Tr A + Tr B − 2 Tr (A^{½} B A^{½})^{½}`` (cost ‖x − y‖², no ½)."""
    dps = check_dps(dps)
    with mpmath.workdps(dps + _GUARD):
        a = as_mp_vector(a, "a")
        b = as_mp_vector(b, "b", a.rows)
        A = as_mp_spd(A, "A", a.rows)
        B = as_mp_spd(B, "B", a.rows)
        root_a = sym_sqrt(A)
        inner = root_a * B * root_a
        diff = a - b
        value = (mpmath.fsum(diff[i] ** 2 for i in range(a.rows)) + trace(A) + trace(B)
                 - 2 * trace(sym_sqrt((inner + inner.T) / 2)))
    with mpmath.workdps(dps):
        return +value
