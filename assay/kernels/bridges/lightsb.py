"""Light Schrödinger Bridge (Korotin, Gushchin, Burnaev, ICLR 2024) as a torch module: fit, sample, drift.

Convention ``bridges.epsilon`` = ``half_cost`` (reference process dX = √ε dW; entropic OT with cost ½‖x − y‖² and
entropy weight ε). The model is a mixture of K Gaussians for the *adjusted* potential

    v(y) = Σ_k α_k N(y | r_k, ε S_k),      c(x) = ∫ exp(⟨x, y⟩/ε) v(y) dy = Σ_k α_k exp((xᵀ S_k x + 2 r_kᵀ x)/(2ε)),

with S_k symmetric positive definite (``covariance="diagonal"``: S_k = diag(exp(s_k)); ``"full"``: S_k = L_k L_kᵀ
with L_k lower triangular with a positive (exp) diagonal). Then

- conditional plan: π(y | x) = Σ_k α̃_k(x) N(y | r_k + S_k x, ε S_k), log α̃_k(x) = log α_k + (xᵀS_k x + 2 r_kᵀx)/(2ε)
  − logsumexp — :meth:`LightSB.sample`, exact moments :meth:`LightSB.conditional_moments`;
- loss (simulation-free; KL(π*‖π_θ) = L(θ) − L(θ*)): L(θ) = E_{p0} log c_θ(x) − E_{p1} log v_θ(y) —
  :meth:`LightSB.loss`, its gradient in closed form for the diagonal model (:meth:`LightSB.loss_and_gradient`),
  minimized with Adam by :meth:`LightSB.fit`. Every log-sum is shifted by its largest term (stable at small ε);
- drift of the bridge, for t ∈ [0, 1): g(x, t) = ε ∇ₓ log ∫ N(x' | x, (1−t) ε I) exp(‖x'‖²/(2ε)) v(x') dx'
  = (Σ_k γ_k(x, t) A_k⁻¹ c_k − x)/(1 − t) with A_k = t/(ε(1−t)) I + (ε S_k)⁻¹, c_k = x/(ε(1−t)) + S_k⁻¹ r_k/ε,
  log γ_k ∝ log α_k − ½ log det(ε S_k) − ½ log det A_k − ½ r_kᵀ(ε S_k)⁻¹ r_k + ½ c_kᵀ A_k⁻¹ c_k — :meth:`LightSB.drift`;
- Euler–Maruyama simulation of dX = g(X, t) dt + √ε dW from X_0 = x — :meth:`LightSB.sde_sample`.

Device and dtype follow the parameters (``LightSB(..., dtype=torch.float32, device="cuda")``); randomness comes
from an explicit ``torch.Generator`` or seed, so runs are reproducible.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

__all__ = ["LightSB"]

Sampler = Callable[[int], torch.Tensor]


def _check_positive(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be finite and > 0, got {value!r}")
    return value


def _check_int(value: Any, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


# Terms of a log-sum below e^-60 of its largest term change neither float32 nor float64 sums (K e^-60 ≪ 2^-53), and
# clamping there keeps exp() off its slow path: on CPU, torch's exp takes ~25 ns per element below -87 (float32
# underflow) against ~1 ns above; a step at ε = 0.1, batch 2048, D = 64 took 11.9 ms without the clamp, 3.4 ms with it.
_LOG_NEGLIGIBLE = -60.0


def _log_sum_and_weights(logits: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """logsumexp over the last axis and the softmax weights, with exp() evaluated only at shifts ≥ −60."""
    peak = logits.amax(dim=-1, keepdim=True)
    terms = torch.exp((logits - peak).clamp_min_(_LOG_NEGLIGIBLE))
    total = terms.sum(dim=-1, keepdim=True)
    return (peak + torch.log(total)).squeeze(-1), terms.div_(total)


def _logsumexp(logits: torch.Tensor) -> torch.Tensor:
    """logsumexp over the last axis (differentiable), with exp() evaluated only at shifts ≥ −60."""
    peak = logits.detach().amax(dim=-1, keepdim=True)
    return (peak + torch.log(torch.exp((logits - peak).clamp_min(_LOG_NEGLIGIBLE)).sum(-1, keepdim=True))).squeeze(-1)


def _generator(seed_or_generator: Any, device: torch.device) -> torch.Generator:
    if isinstance(seed_or_generator, torch.Generator):
        return seed_or_generator
    generator = torch.Generator(device=device)
    if seed_or_generator is None:
        generator.seed()
    else:
        generator.manual_seed(int(seed_or_generator))
    return generator


class LightSB(torch.nn.Module):
    """A K-component Light SB model in dimension ``dim`` for ``epsilon`` (default ε convention).

    Parameters: ``log_alpha`` (K,), ``r`` (K, D) and ``s`` — (K, D) log-diagonal of S for ``covariance="diagonal"``,
    or (K, D, D) whose lower triangle (diagonal exponentiated) is the Cholesky factor of S for ``"full"``.
    """

    def __init__(
        self,
        dim: int,
        n_components: int = 50,
        epsilon: float = 1.0,
        *,
        covariance: str = "diagonal",
        s_init: float = 0.1,
        dtype: torch.dtype = torch.float64,
        device: Any = "cpu",
        seed: int | None = 0,
    ) -> None:
        super().__init__()
        self.dim = _check_int(dim, "dim")
        self.n_components = _check_int(n_components, "n_components (K)")
        self.epsilon = _check_positive(epsilon, "epsilon")
        if covariance not in ("diagonal", "full"):
            raise ValueError(f"covariance must be 'diagonal' or 'full', got {covariance!r}")
        if dtype not in (torch.float32, torch.float64):
            raise TypeError(f"dtype must be torch.float32 or torch.float64, got {dtype}")
        s_init = _check_positive(s_init, "s_init")
        self.covariance = covariance
        device = torch.device(device)
        generator = _generator(seed, torch.device("cpu"))
        k, d = self.n_components, self.dim
        self.log_alpha = torch.nn.Parameter(torch.full((k,), -math.log(k), dtype=dtype, device=device))
        self.r = torch.nn.Parameter(torch.randn(k, d, generator=generator, dtype=dtype).to(device))
        if covariance == "diagonal":
            self.s = torch.nn.Parameter(torch.full((k, d), math.log(s_init), dtype=dtype, device=device))
        else:
            init = torch.zeros(k, d, d, dtype=dtype)
            init.diagonal(dim1=-2, dim2=-1).fill_(0.5 * math.log(s_init))
            self.s = torch.nn.Parameter(init.to(device))

    # -- construction from exact parameters ------------------------------------------------------------------------
    @classmethod
    def from_parameters(
        cls, log_alpha: Any, r: Any, S: Any, epsilon: float, *, dtype: torch.dtype = torch.float64, device: Any = "cpu"
    ) -> LightSB:
        """A model with the given parameters; ``S`` of shape (K, D) is diagonal, (K, D, D) full (must be SPD)."""
        log_alpha = torch.tensor(np.array(log_alpha, dtype=np.float64)) if not isinstance(log_alpha, torch.Tensor) \
            else log_alpha.detach().to(torch.float64, copy=True).cpu()
        r = torch.tensor(np.array(r, dtype=np.float64)) if not isinstance(r, torch.Tensor) \
            else r.detach().to(torch.float64, copy=True).cpu()
        S = torch.tensor(np.array(S, dtype=np.float64)) if not isinstance(S, torch.Tensor) \
            else S.detach().to(torch.float64, copy=True).cpu()
        if log_alpha.ndim != 1 or r.ndim != 2 or r.shape[0] != log_alpha.shape[0]:
            raise ValueError(f"log_alpha must be (K,) and r (K, D); got {tuple(log_alpha.shape)}, {tuple(r.shape)}")
        k, d = r.shape
        for name, tensor in (("log_alpha", log_alpha), ("r", r), ("S", S)):
            if not torch.isfinite(tensor).all():
                raise ValueError(f"{name} must be finite")
        if S.shape == (k, d):
            if (S <= 0).any():
                raise ValueError("S (diagonal) must be > 0")
            model = cls(d, k, epsilon, covariance="diagonal", dtype=dtype, device=device)
            raw_s = S.log()
        elif S.shape == (k, d, d):
            if not torch.allclose(S, S.transpose(-1, -2), atol=1e-12 * float(S.abs().max()), rtol=0):
                raise ValueError("S must be symmetric")
            chol, info = torch.linalg.cholesky_ex(0.5 * (S + S.transpose(-1, -2)))
            if (info != 0).any():
                raise ValueError("S must be positive definite")
            model = cls(d, k, epsilon, covariance="full", dtype=dtype, device=device)
            raw_s = chol.tril(-1) + torch.diag_embed(chol.diagonal(dim1=-2, dim2=-1).log())
        else:
            raise ValueError(f"S must have shape ({k}, {d}) or ({k}, {d}, {d}), got {tuple(S.shape)}")
        with torch.no_grad():
            model.log_alpha.copy_(log_alpha)
            model.r.copy_(r)
            model.s.copy_(raw_s)
        return model

    # -- parameters ----------------------------------------------------------------------------------------------
    def _factor(self) -> torch.Tensor:
        """Cholesky factor L of S (K, D, D) for the full model; for the diagonal model sqrt(diag S) (K, D)."""
        if self.covariance == "diagonal":
            return torch.exp(0.5 * self.s)
        return self.s.tril(-1) + torch.diag_embed(torch.exp(self.s.diagonal(dim1=-2, dim2=-1)))

    def S(self) -> torch.Tensor:
        """S_k: (K, D) diagonal entries, or (K, D, D) matrices."""
        if self.covariance == "diagonal":
            return torch.exp(self.s)
        factor = self._factor()
        return factor @ factor.transpose(-1, -2)

    def _log_det_s(self) -> torch.Tensor:
        if self.covariance == "diagonal":
            return self.s.sum(-1)
        return 2 * self.s.diagonal(dim1=-2, dim2=-1).sum(-1)

    def _check_x(self, x: Any, name: str = "x") -> torch.Tensor:
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
        if x.ndim != 2 or x.shape[1] != self.dim:
            raise ValueError(f"{name} must have shape (n, {self.dim}) (the model's dimension), got {tuple(x.shape)}")
        if not torch.isfinite(x).all():
            raise ValueError(f"{name} must be finite (no NaN or inf samples)")
        return x.to(dtype=self.r.dtype, device=self.r.device)

    # -- densities -----------------------------------------------------------------------------------------------
    def _quadratic(self, x: torch.Tensor) -> torch.Tensor:
        """xᵀ S_k x + 2 r_kᵀ x, shape (n, K)."""
        if self.covariance == "diagonal":
            quad = (x * x) @ self.S().T
        else:
            projected = torch.einsum("kji,nj->nki", self._factor(), x)  # L_kᵀ x
            quad = (projected * projected).sum(-1)
        return quad + 2 * x @ self.r.T

    def conditional_log_weights(self, x: torch.Tensor) -> torch.Tensor:
        """log α̃_k(x), normalized over k, shape (n, K)."""
        x = self._check_x(x)
        logits = self.log_alpha + self._quadratic(x) / (2 * self.epsilon)
        return logits - _logsumexp(logits)[:, None]

    def log_c(self, x: torch.Tensor) -> torch.Tensor:
        """log c(x) = logsumexp_k [log α_k + (xᵀS_k x + 2 r_kᵀx)/(2ε)]."""
        return _logsumexp(self.log_alpha + self._quadratic(x) / (2 * self.epsilon))

    def log_v(self, y: torch.Tensor) -> torch.Tensor:
        """log v(y) = logsumexp_k [log α_k + log N(y | r_k, ε S_k)]."""
        eps, d = self.epsilon, self.dim
        if self.covariance == "diagonal":
            # Σ_d (y_d − r_kd)²/s_kd expanded into three matrix products (no (n, K, D) intermediate)
            inv_s = torch.exp(-self.s)
            maha = ((y * y) @ inv_s.T - 2 * y @ (self.r * inv_s).T + (self.r * self.r * inv_s).sum(-1)) / eps
        else:
            diff = y[:, None, :] - self.r[None]  # (n, K, D)
            factor = self._factor().expand(y.shape[0], -1, -1, -1)
            solved = torch.linalg.solve_triangular(factor, diff.unsqueeze(-1), upper=False).squeeze(-1)
            maha = (solved * solved).sum(-1) / eps
        log_norm = -0.5 * (d * math.log(2 * math.pi * eps) + self._log_det_s())
        return _logsumexp(self.log_alpha + log_norm - 0.5 * maha)

    def loss(self, x0: torch.Tensor, x1: torch.Tensor) -> torch.Tensor:
        """L(θ) = mean log c(x0) − mean log v(x1) (KL(π*‖π_θ) up to a constant)."""
        return self.log_c(x0).mean() - self.log_v(x1).mean()

    @torch.no_grad()
    def loss_and_gradient(self, x0: torch.Tensor, x1: torch.Tensor) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
        """L(θ) and its gradient (log_alpha, r, s) in closed form, diagonal model only (what :meth:`fit` uses).

        With features f(x) = [x², x] (n, 2D), both log-sums are one matrix product each, and so are the gradients.
        Writing W⁰, W¹ for the softmax weights over k of the two log-sums (rows sum to 1), n0, n1 the batch sizes:

            ∂L/∂log α_k = Σ_n W⁰_nk / n0 − Σ_n W¹_nk / n1
            ∂L/∂r_kd   = Σ_n W⁰_nk x_nd / (n0 ε) − e^(−s_kd) Σ_n W¹_nk (y_nd − r_kd) / (n1 ε)
            ∂L/∂s_kd   = S_kd Σ_n W⁰_nk x_nd² / (2 n0 ε) + Σ_n W¹_nk [½ − ½ e^(−s_kd) (y_nd − r_kd)² / ε] / n1

        Four (n, 2D)·(2D, K)-sized products per step instead of autograd's graph (with the clamped log-sums, D = 64
        fits 3–5× faster: ``benchmarks/bridges_fit_time.py``); tests hold it to autograd's gradient in float64.
        ``x0`` (n0, D) and ``x1`` (n1, D) must be finite.
        """
        if self.covariance != "diagonal":
            raise ValueError("loss_and_gradient is the diagonal model's closed form; use loss().backward() for 'full'")
        return self._closed_form_step(self._check_x(x0, "x0"), self._check_x(x1, "x1"))

    @torch.no_grad()
    def _closed_form_step(self, x0: torch.Tensor, x1: torch.Tensor) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
        """:meth:`loss_and_gradient` on checked batches (fit's draws are checked once, as a whole pool)."""
        eps, d = self.epsilon, self.dim
        n0, n1 = x0.shape[0], x1.shape[0]
        log_alpha, r, s = self.log_alpha, self.r, self.s
        scale, inv_scale = torch.exp(s), torch.exp(-s)

        features0 = torch.cat((x0 * x0, x0), dim=1)
        logits0 = torch.addmm(log_alpha, features0, torch.cat((scale, 2 * r), dim=1).T, alpha=1 / (2 * eps))
        lse0, weights0 = _log_sum_and_weights(logits0)
        moments0 = weights0.T @ features0  # (K, 2D): Σ W⁰ x², Σ W⁰ x
        mass0 = weights0.sum(0)

        features1 = torch.cat((x1 * x1, x1), dim=1)
        r_scaled = r * inv_scale
        offset = log_alpha - 0.5 * (d * math.log(2 * math.pi * eps) + s.sum(-1)) - 0.5 * (r * r_scaled).sum(-1) / eps
        logits1 = torch.addmm(offset, features1, torch.cat((-0.5 * inv_scale, r_scaled), dim=1).T, alpha=1 / eps)
        lse1, weights1 = _log_sum_and_weights(logits1)
        moments1 = weights1.T @ features1  # Σ W¹ y², Σ W¹ y
        mass1 = weights1.sum(0)[:, None]

        loss = lse0.mean() - lse1.mean()
        grad_log_alpha = mass0 / n0 - mass1[:, 0] / n1
        first1 = moments1[:, d:] - r * mass1  # Σ W¹ (y − r)
        grad_r = moments0[:, d:] / (n0 * eps) - inv_scale * first1 / (n1 * eps)
        second1 = moments1[:, :d] - 2 * r * moments1[:, d:] + r * r * mass1  # Σ W¹ (y − r)²
        grad_s = scale * moments0[:, :d] / (2 * n0 * eps) + (0.5 * mass1 - 0.5 * inv_scale * second1 / eps) / n1
        return loss, (grad_log_alpha, grad_r, grad_s)

    # -- the plan ------------------------------------------------------------------------------------------------
    def conditional_component_means(self, x: torch.Tensor) -> torch.Tensor:
        """r_k + S_k x, shape (n, K, D)."""
        x = self._check_x(x)
        if self.covariance == "diagonal":
            return self.r[None] + x[:, None, :] * self.S()[None]
        return self.r[None] + torch.einsum("kij,nj->nki", self.S(), x)

    def conditional_moments(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Exact mean (n, D) and covariance (n, D, D) of π_θ(·|x)."""
        weights = self.conditional_log_weights(x).exp()
        means = self.conditional_component_means(x)
        mean = torch.einsum("nk,nki->ni", weights, means)
        centred = means - mean[:, None, :]
        s = self.S()
        component_cov = torch.diag_embed(s) if self.covariance == "diagonal" else s
        cov = self.epsilon * torch.einsum("nk,kij->nij", weights, component_cov)
        cov = cov + torch.einsum("nk,nki,nkj->nij", weights, centred, centred)
        return mean, cov

    @torch.no_grad()
    def sample(self, x: torch.Tensor, generator: Any = None) -> torch.Tensor:
        """One draw y ~ π_θ(·|x) per row of ``x`` (Gumbel-max over the components, then the Gaussian)."""
        x = self._check_x(x)
        generator = _generator(generator, x.device)
        log_weights = self.conditional_log_weights(x)
        uniform = torch.rand(log_weights.shape, generator=generator, dtype=x.dtype, device=x.device)
        tiny = torch.finfo(x.dtype).tiny
        exponential = -torch.log(uniform.clamp_min(tiny))  # Exp(1)
        gumbel = -torch.log(exponential.clamp_min(tiny))
        labels = torch.argmax(log_weights + gumbel, dim=-1)
        noise = torch.randn(x.shape, generator=generator, dtype=x.dtype, device=x.device)
        factor = self._factor()[labels]
        if self.covariance == "diagonal":
            mean = self.r[labels] + self.S()[labels] * x
            return mean + math.sqrt(self.epsilon) * factor * noise
        mean = self.r[labels] + torch.einsum("nij,nj->ni", self.S()[labels], x)
        return mean + math.sqrt(self.epsilon) * torch.einsum("nij,nj->ni", factor, noise)

    # -- the bridge ----------------------------------------------------------------------------------------------
    def drift(self, x: torch.Tensor, t: float) -> torch.Tensor:
        """g(x, t) for t ∈ [0, 1) (see the module docstring), shape (n, D)."""
        x = self._check_x(x)
        t = float(t)
        if not 0 <= t < 1:
            raise ValueError(f"t must lie in [0, 1) (the drift is singular at t = 1), got {t!r}")
        eps = self.epsilon
        tau = 1 - t
        if self.covariance == "diagonal":
            s = self.S()  # (K, D)
            a = t / (eps * tau) + 1 / (eps * s)  # A_k diagonal
            c = x[:, None, :] / (eps * tau) + (self.r / (eps * s))[None]  # (n, K, D)
            mean = c / a  # A_k⁻¹ c_k
            log_det_a = torch.log(a).sum(-1)
            r_term = (self.r * self.r / s).sum(-1) / eps
            quad = (c * mean).sum(-1)
        else:
            s = self.S()
            eye = torch.eye(self.dim, dtype=x.dtype, device=x.device)
            s_inv = torch.cholesky_inverse(self._factor())
            a = t / (eps * tau) * eye + s_inv / eps
            c = x[:, None, :] / (eps * tau) + (torch.einsum("kij,kj->ki", s_inv, self.r) / eps)[None]
            a_chol = torch.linalg.cholesky(a)
            mean = torch.cholesky_solve(c.permute(1, 2, 0), a_chol).permute(2, 0, 1)
            log_det_a = 2 * torch.log(a_chol.diagonal(dim1=-2, dim2=-1)).sum(-1)
            r_term = torch.einsum("ki,kij,kj->k", self.r, s_inv, self.r) / eps
            quad = (c * mean).sum(-1)
        log_det_eps_s = self.dim * math.log(eps) + self._log_det_s()
        logits = self.log_alpha - 0.5 * log_det_eps_s - 0.5 * log_det_a - 0.5 * r_term + 0.5 * quad
        gamma = torch.softmax(logits, dim=-1)
        return (torch.einsum("nk,nki->ni", gamma, mean) - x) / tau

    @torch.no_grad()
    def sde_sample(
        self, x: torch.Tensor, n_steps: int = 100, generator: Any = None, return_trajectory: bool = False
    ) -> torch.Tensor:
        """Euler–Maruyama for dX = g(X, t) dt + √ε dW on [0, 1] from X_0 = x with ``n_steps`` uniform steps.

        Returns X_1 (n, D), or the trajectory (n_steps + 1, n, D) with ``return_trajectory``.
        """
        x = self._check_x(x)
        n_steps = _check_int(n_steps, "n_steps")
        generator = _generator(generator, x.device)
        dt = 1.0 / n_steps
        path = [x] if return_trajectory else None
        for step in range(n_steps):
            noise = torch.randn(x.shape, generator=generator, dtype=x.dtype, device=x.device)
            x = x + self.drift(x, step * dt) * dt + math.sqrt(self.epsilon * dt) * noise
            if path is not None:
                path.append(x)
        return torch.stack(path) if path is not None else x

    # -- fitting -------------------------------------------------------------------------------------------------
    @torch.no_grad()
    def init_r_from_samples(self, samples: torch.Tensor, generator: Any = None) -> None:
        """Set r_k to K distinct draws of ``samples`` (n, D) (the official initialization)."""
        samples = self._check_x(samples, "samples")
        if samples.shape[0] < self.n_components:
            raise ValueError(f"samples must have at least K = {self.n_components} rows, got {samples.shape[0]}")
        generator = _generator(generator, torch.device("cpu"))
        index = torch.randperm(samples.shape[0], generator=generator)[: self.n_components]
        self.r.copy_(samples[index.to(samples.device)])

    def fit(
        self,
        x0: torch.Tensor | Sampler,
        x1: torch.Tensor | Sampler,
        *,
        steps: int = 10_000,
        batch_size: int = 128,
        lr: float = 1e-3,
        seed: int = 0,
        init_r: bool = True,
        schedule: str = "constant",
        progress: bool | None = None,
        callback: Callable[[int, float], None] | None = None,
    ) -> list[float]:
        """Minimize L(θ) with Adam on minibatches; returns the loss per step.

        ``x0``/``x1`` are tensors of samples of p0/p1 (minibatches drawn with replacement by a seeded generator)
        or callables ``n -> (n, D) tensor``. ``init_r`` sets r from p1 samples first. ``progress``: a text progress
        bar on stderr (default: when ``steps >= 2000`` and stderr is a terminal). The diagonal model steps with the
        closed-form gradient of :meth:`loss_and_gradient`, the full model with autograd through :meth:`loss`.
        """
        steps = _check_int(steps, "steps")
        batch_size = _check_int(batch_size, "batch_size")
        lr = _check_positive(lr, "lr")
        generator = _generator(seed, torch.device("cpu"))

        def make_draw(source: Any, name: str) -> Sampler:
            if callable(source) and not isinstance(source, torch.Tensor):
                return lambda n: self._check_x(source(n), name)
            data = self._check_x(source, name)
            if data.shape[0] < 1:
                raise ValueError(f"{name} must contain at least one sample")
            return lambda n: data.index_select(0, torch.randint(data.shape[0], (n,), generator=generator)
                                               .to(data.device))

        draw0, draw1 = make_draw(x0, "x0"), make_draw(x1, "x1")
        if init_r:
            self.init_r_from_samples(draw1(max(self.n_components, batch_size)), generator)
        if schedule not in ("constant", "cosine"):
            raise ValueError(f"schedule must be 'constant' or 'cosine', got {schedule!r}")
        closed_form = self.covariance == "diagonal"
        optimizer = torch.optim.Adam(self.parameters(), lr=lr)
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, steps) if schedule == "cosine" else None
        show = sys.stderr.isatty() and steps >= 2000 if progress is None else bool(progress)
        losses: list[float] = []
        start = time.perf_counter()
        for step in range(steps):
            optimizer.zero_grad(set_to_none=True)
            if closed_form:
                loss, grads = self._closed_form_step(draw0(batch_size), draw1(batch_size))
                for parameter, grad in zip((self.log_alpha, self.r, self.s), grads):
                    parameter.grad = grad
            else:
                loss = self.loss(draw0(batch_size), draw1(batch_size))
                loss.backward()
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            value = float(loss.detach())
            if not math.isfinite(value):
                raise FloatingPointError(f"the Light SB loss became {value} at step {step}; lower lr or raise epsilon")
            losses.append(value)
            if callback is not None:
                callback(step, value)
            if show and (step % max(1, steps // 50) == 0 or step == steps - 1):
                done = (step + 1) / steps
                bar = "#" * int(30 * done)
                sys.stderr.write(f"\rLightSB fit [{bar:<30}] {step + 1}/{steps} loss {value:.4f} "
                                 f"{time.perf_counter() - start:.1f}s")
                if step == steps - 1:
                    sys.stderr.write("\n")
                sys.stderr.flush()
        return losses
