"""Conformance: spectral kernels — values, derivative kernels, the inverse Fourier transform, Bochner.

- ``spectral.sm_kernel`` / ``spectral.student_t_kernel``: ``k^(n)(τ)`` equals the closed form of
  :mod:`assay.reference.spectral` (every order the adapter declares, ``max_order``); ``k^(n)(0)`` equals the
  spectral moment ``∫(2πis)^n S(s) ds`` (a port that differentiates through ``|x − y|`` in torch gets
  ``k''(0) = 0``) and ``k^(n)`` is continuous at a tiny lag; the kernel equals the mpmath quadrature of its
  spectral density (Wiener–Khinchin); symmetric, ``|k| ≤ k(0)`` and PSD Gram matrices (Bochner).
- ``spectral.matern_kernel``: Matérn-1/2, 3/2, 5/2 against the reference (GPyTorch's convention: lengthscale ℓ).
"""

from __future__ import annotations

import numpy as np
import pytest

from assay.conformance.contracts import contract_for
from assay.conformance.plugin import profile_sizes
from assay.conformance.spectral.support import lags, mixture_case, reference_kernel, summarize_scaled

SM = "spectral.sm_kernel"
STUDENT_T = "spectral.student_t_kernel"
MATERN = "spectral.matern_kernel"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "order" in metafunc.fixturenames:
        orders = profile_sizes(metafunc)["orders"]
        if "at_zero" in metafunc.definition.name:  # order 0 at τ = 0 is ∫S = k(0): the inverse-transform test
            orders = [n for n in orders if n > 0]
        metafunc.parametrize("order", orders, ids=lambda n: f"order={n}")


def _call(adapter, kind: str, tau: np.ndarray, params: dict, order: int) -> np.ndarray:
    if kind == "gaussian":
        out = adapter.get(SM)(tau, params["weights"], params["means"], params["scales"], order)
    else:
        out = adapter.get(STUDENT_T)(tau, params["weights"], params["means"], params["scales"], 5, order)
    out = np.asarray(out, dtype=np.float64)
    if out.shape != tau.shape:
        raise AssertionError(f"{adapter.name}: kernel at lags of shape {tau.shape} returned shape {out.shape}")
    return out


def _scale(kind: str, params: dict, order: int) -> float:
    return abs(float(reference_kernel(kind, params, np.zeros(1), order + order % 2)[0])) or 1.0


def _snippet(spec: str, kind: str, params: dict, tau: float, order: int) -> str:
    call = (f"adapter.get({SM!r})(tau, {params['weights']}, {params['means']}, {params['scales']}, {order})"
            if kind == "gaussian" else
            f"adapter.get({STUDENT_T!r})(tau, {params['weights']}, {params['means']}, {params['scales']}, 5, {order})")
    return (
        "import numpy as np\nfrom assay.conformance.adapters import load_adapter\n"
        "from assay.conformance.spectral.support import reference_kernel\n"
        f"adapter = load_adapter({spec!r})\ntau = np.array([{tau!r}])\n"
        f"print('got     ', {call})\n"
        f"print('expected', reference_kernel({kind!r}, {params!r}, tau, {order}))\n"
    )


KINDS = [pytest.param("gaussian", marks=pytest.mark.assay_capability(SM, limits={"order": "order"}), id="sm"),
         pytest.param("student_t", marks=pytest.mark.assay_capability(STUDENT_T, limits={"order": "order"}),
                      id="student_t")]


@pytest.mark.parametrize("kind", KINDS)
def test_kernel_values_and_derivatives(assay_adapter, assay_check, assay_sizes, kind, order):
    params = mixture_case(assay_sizes["components"])
    tau = lags(assay_sizes["lags"])
    got = _call(assay_adapter, kind, tau, params, order)
    expected = reference_kernel(kind, params, tau, order)
    capability = SM if kind == "gaussian" else STUDENT_T
    summary = summarize_scaled(got, expected, _scale(kind, params, order), assay_adapter.dtype,
                               [float(t) for t in tau])
    worst = float(tau[summary.worst_index[0]])
    assay_check.check(summary, contract_for(capability, "value", assay_adapter.dtype),
                      f"k^({order})(τ) equals the closed form (signed lag τ = x − y)",
                      _snippet(assay_adapter.spec, kind, params, worst, order))


@pytest.mark.parametrize("kind", KINDS)
def test_derivative_kernels_at_zero_equal_spectral_moments(assay_adapter, assay_check, assay_sizes, kind, order):
    from assay.reference.spectral import GaussianMixture, StudentTMixture, spectral_moment

    params = mixture_case(assay_sizes["components"], seed=1)
    mixture = (GaussianMixture(params["weights"], params["means"], params["scales"]) if kind == "gaussian" else
               StudentTMixture(params["weights"], params["means"], params["scales"], 5))
    expected = float(spectral_moment(mixture, order, dps=18))
    points = np.array([0.0, 1e-9, -1e-9])
    got = _call(assay_adapter, kind, points, params, order)
    scale = _scale(kind, params, order)
    # at ±1e-9 the true value differs from k^(n)(0) by ≈ 1e-9·|k^(n+1)|; compare with the closed form there
    closed = reference_kernel(kind, params, points, order)
    closed[0] = expected
    capability = SM if kind == "gaussian" else STUDENT_T
    summary = summarize_scaled(got, closed, scale, assay_adapter.dtype, ["τ=0", "τ=+1e-9", "τ=−1e-9"])
    assay_check.check(summary, contract_for(capability, "derivative_at_zero", assay_adapter.dtype),
                      f"k^({order})(0) = ∫(2πis)^{order} S(s) ds = {expected:.17g}, and continuous at τ = ±1e-9",
                      _snippet(assay_adapter.spec, kind, params, 0.0, order))


@pytest.mark.assay_capability(SM)
def test_kernel_equals_inverse_fourier_transform(assay_adapter, assay_check, assay_sizes):
    from assay.reference.spectral import GaussianMixture, covariance_by_quadrature

    params = mixture_case(assay_sizes["components"], seed=2)
    mixture = GaussianMixture(params["weights"], params["means"], params["scales"])
    tau = np.concatenate([[0.0], lags(assay_sizes["wk_lags"] + 3, seed=2)[3:]])
    got = _call(assay_adapter, "gaussian", tau, params, 0)
    expected = np.array([float(covariance_by_quadrature(mixture, float(t), dps=18)) for t in tau])
    summary = summarize_scaled(got, expected, sum(params["weights"]), assay_adapter.dtype, [float(t) for t in tau])
    assay_check.check(summary, contract_for(SM, "inverse_transform", assay_adapter.dtype),
                      "k(τ) = ∫ S(s) cos(2πsτ) ds (Wiener–Khinchin; k(0) = ∫S = Σw)",
                      _snippet(assay_adapter.spec, "gaussian", params, float(tau[summary.worst_index[0]]), 0))


@pytest.mark.parametrize("kind", KINDS)
def test_kernel_is_symmetric_bounded_and_positive_definite(assay_adapter, assay_sizes, kind):
    from assay.properties.spectral import bochner_violation

    params = mixture_case(assay_sizes["components"], seed=3)
    tau = lags(assay_sizes["lags"], seed=3)
    k0 = sum(params["weights"])
    eps = 2.0**-52 if assay_adapter.dtype != "float32" else 2.0**-23
    plus, minus = _call(assay_adapter, kind, tau, params, 0), _call(assay_adapter, kind, -tau, params, 0)
    asymmetry = float(np.max(np.abs(plus - minus))) / k0
    excess = max(0.0, float(np.max(np.abs(plus))) - k0) / k0
    x = np.linspace(0.0, 1.5, assay_sizes["gram_points"])
    gram = _call(assay_adapter, kind, (x[:, None] - x[None, :]).ravel(), params, 0).reshape(len(x), len(x))
    violation = bochner_violation(gram)
    # symmetry and |k| ≤ k(0): a few roundings (1000 ε as the value contract); Bochner: eigenvalues of a PSD
    # matrix come out ≥ −N·ε·‖G‖ (eigvalsh is backward stable), so 10·N·ε.
    problems = []
    if asymmetry > 1000 * eps:
        problems.append(f"k(τ) ≠ k(−τ): max difference {asymmetry:.3g}·k(0)")
    if excess > 1000 * eps:
        problems.append(f"|k(τ)| exceeds k(0) = {k0} by {excess:.3g}·k(0)")
    if violation > 10 * len(x) * eps:
        problems.append(f"Gram matrix on {len(x)} points not PSD: λ_min/λ_max = −{violation:.3g}")
    assert not problems, f"{assay_adapter.name} ({kind}): " + "; ".join(problems)


@pytest.mark.assay_capability(MATERN)
@pytest.mark.parametrize("smoothness", [0.5, 1.5, 2.5])
def test_matern_kernel_values(assay_adapter, assay_check, assay_sizes, smoothness):
    from assay.reference.spectral import covariance, from_gpytorch_matern

    lengthscale = 0.7
    tau = lags(assay_sizes["lags"], seed=4)
    got = np.asarray(assay_adapter.get(MATERN)(tau, lengthscale, smoothness), dtype=np.float64)
    mixture = from_gpytorch_matern(lengthscale, smoothness)
    expected = np.array([float(covariance(mixture, float(t), dps=25)) for t in tau])
    summary = summarize_scaled(got, expected, 1.0, assay_adapter.dtype, [float(t) for t in tau])
    worst = float(tau[summary.worst_index[0]])
    snippet = (
        "import numpy as np\nfrom assay.conformance.adapters import load_adapter\n"
        "from assay.reference.spectral import covariance, from_gpytorch_matern\n"
        f"adapter = load_adapter({assay_adapter.spec!r})\n"
        f"print(adapter.get({MATERN!r})(np.array([{worst!r}]), {lengthscale}, {smoothness}))\n"
        f"print(float(covariance(from_gpytorch_matern({lengthscale}, {smoothness}), {worst!r})))\n"
    )
    assay_check.check(summary, contract_for(MATERN, "value", assay_adapter.dtype),
                      f"Matérn-{smoothness} with lengthscale {lengthscale} equals the reference", snippet)
