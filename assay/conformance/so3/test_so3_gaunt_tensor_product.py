"""Conformance: the Gaunt tensor product ``z_{l3 m3} = Σ G(l1 m1, l2 m2, l3 m3) x_{l1 m1} y_{l2 m2}``.

``G`` is the real Gaunt coefficient of orthonormal real harmonics (the same in the Wikipedia and e3nn bases). The
reference is :func:`assay.reference.so3.tensor_product.gaunt_tensor_product` (exact coefficients, mpmath sums);
inputs and outputs are converted from and to the adapter's declared phase and m order.

Properties:

- **values** — ``max |z − z_ref| / (‖x‖ ‖y‖)`` in ε for deterministic random inputs, full (Lout = L1 + L2) and
  truncated outputs. Float32 transforms used in a float64 product fail here.
- **deep probes** — ``(L, L, 2L)`` for L in ``deep_gtp_l`` (8 in every profile) against exact-degree quadrature.
- **complexity** — when the adapter declares ``complexity="L^p"``, its FLOPs (torch's FlopCounterMode plus assay's
  FFT formulas) at ``complexity_l`` are fitted by ``c·L^p'``; ``p' − p`` must not exceed the contract's margin.
- **equivariance** — ``z(D x, D y) = D z(x, y)`` for Hypothesis-drawn rotations, with the reference real D.
"""

from __future__ import annotations

import numpy as np
import pytest

from assay.conformance.contracts import contract_for
from assay.conformance.plugin import profile_sizes
from assay.conformance.so3.support import (
    array_literal,
    from_default_real,
    reference_gaunt_product,
    summarize_eps,
    to_default_real,
)

GTP = "so3.gaunt_tensor_product"


def _shapes(lmax: int) -> list[tuple[int, int, int]]:
    shapes = []
    for L in range(1, lmax + 1):
        shapes += [(L, L, 2 * L), (L, L - 1, L)]
    return shapes


def _examples(sizes: dict[str, int]) -> int:
    """Hypothesis examples: the profile's count, capped at 3 × the profile's rotations — each example costs a
    reference Wigner D of every degree up to L_out at 20 digits — so ``ci`` checks 9 rotations per shape and
    ``thorough`` 30 (a wrong product is O(1) off on any rotation, so few suffice)."""
    from hypothesis import settings

    return max(1, min(settings.default.max_examples, 3 * sizes["rotations"]))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "shape" in metafunc.fixturenames:
        sizes = profile_sizes(metafunc)
        shapes = _shapes(sizes["gtp_l_max"])
        if metafunc.function.__name__ == "test_gaunt_tensor_product_values":  # with the deep probes
            shapes += [(L, L, 2 * L) for L in sizes["deep_gtp_l"]]
        metafunc.parametrize("shape", shapes, ids=lambda s: "L1={}-L2={}-Lout={}".format(*s))


def _inputs(shape: tuple[int, int, int], seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(shape[0] + 1) ** 2), rng.normal(size=(shape[1] + 1) ** 2)


def _product(adapter, x: np.ndarray, y: np.ndarray, l_out: int) -> np.ndarray:
    z = np.asarray(adapter.get(GTP)(x, y, l_out))
    if z.shape != ((l_out + 1) ** 2,):
        raise AssertionError(f"{adapter.name}: {GTP} returned shape {z.shape}, expected {((l_out + 1) ** 2,)}")
    return z


def _snippet(spec: str, x: np.ndarray, y: np.ndarray, shape: tuple[int, int, int]) -> str:
    L1, L2, Lout = shape
    return (
        "import numpy as np\n"
        "from assay.conformance.adapters import load_adapter\n"
        "from assay.reference.so3.tensor_product import gaunt_tensor_product\n"
        f"adapter = load_adapter({spec!r})\n"
        f"x = {array_literal(x)}\ny = {array_literal(y)}\n"
        f"got = np.asarray(adapter.get({GTP!r})(x, y, {Lout}))\n"
        f"expected = gaunt_tensor_product(x, y, {L1}, {L2}, {Lout})  # default real form: see so3_support\n"
        "print(np.abs(got - expected).max())\n"
    )


@pytest.mark.assay_capability(GTP, limits={"degree": "shape"})
def test_gaunt_tensor_product_values(assay_adapter, assay_check, shape):
    from assay.reference.so3.tensor_product import gaunt_tensor_product

    L1, L2, Lout = shape
    conventions = assay_adapter.conventions
    # exact coefficients up to L = 5; beyond (the deep probes), exact-degree quadrature of f·g·Y (a few ε)
    reference = gaunt_tensor_product if max(L1, L2) <= 5 else reference_gaunt_product
    errors, pairs = [], []
    for seed in range(3):
        x, y = _inputs(shape, seed)
        got = _product(assay_adapter, x, y, Lout).astype(np.float64)
        expected = reference(to_default_real(x, L1, conventions), to_default_real(y, L2, conventions), L1, L2, Lout)
        expected = from_default_real(expected, Lout, conventions)
        errors.append(np.abs(got - expected).max() / (np.linalg.norm(x) * np.linalg.norm(y)))
        pairs.append((x, y))
    summary = summarize_eps(np.array(errors), 1.0, assay_adapter.dtype, [f"seed {s}" for s in range(3)])
    x, y = pairs[summary.worst_index[0]]
    assay_check.check(summary, contract_for(GTP, "value", assay_adapter.dtype),
                      f"z = Σ G x y equals the exact-coefficient reference (L1={L1}, L2={L2}, Lout={Lout})",
                      _snippet(assay_adapter.spec, x, y, shape))


@pytest.mark.assay_capability(GTP, limits={"degree": "shape"})
def test_gaunt_tensor_product_equivariance(assay_adapter, assay_check, assay_sizes, shape):
    from hypothesis import Phase, given, settings

    from assay.conformance.so3.support import gaunt_product_equivariance_error, gaunt_product_equivariance_snippet
    from assay.properties.so3.strategies import rotation_matrices, special_rotation_matrices

    x, y = _inputs(shape, 7)
    contract = contract_for(GTP, "equivariance", assay_adapter.dtype)
    seen: list[tuple[float, np.ndarray]] = []

    def record(R: np.ndarray) -> None:
        seen.append((gaunt_product_equivariance_error(assay_adapter, x, y, shape, R), R))

    # the identity, half- and quarter-turns and the axis permutation in every profile (each costs a reference D of
    # every degree at 20 digits, so not the whole special list) ...
    for R in special_rotation_matrices()[:7]:
        record(R)

    # ... then the Hypothesis-drawn rotations; errors are collected and checked once (no shrinking of a failure)
    @settings(deadline=None, max_examples=_examples(assay_sizes), phases=[Phase.explicit, Phase.reuse, Phase.generate])
    @given(rotation_matrices())
    def run(R):
        record(R)

    run()
    summary = summarize_eps(np.array([e for e, _ in seen]), 1.0, assay_adapter.dtype, [R.tolist() for _, R in seen])
    worst = seen[summary.worst_index[0]][1]
    assay_check.check(summary, contract, "z(D x, D y) = D z(x, y) for every rotation",
                      gaunt_product_equivariance_snippet(assay_adapter.spec, x, y, shape, worst))


def _declared_exponent(claim: str) -> float:
    """``"L^3"`` → 3.0 (the claim an adapter declares with ``complexity=``)."""
    import re

    match = re.fullmatch(r"\s*(?:O\()?\s*L\s*\^\s*([0-9.]+)\s*\)?\s*", str(claim))
    if match is None:
        raise ValueError(f"complexity claim must look like 'L^3', got {claim!r}")
    return float(match.group(1))


@pytest.mark.assay_capability(GTP)
def test_gaunt_tensor_product_complexity(assay_adapter, assay_check, assay_sizes):
    """FLOPs of the adapter's product at L = complexity_l (L1 = L2 = L, l_out = 2L), fitted exponent vs the claim."""
    from assay.conformance.report import NOT_PROVIDED_PREFIX
    from assay.conformance.support import summarize_exponent
    from assay.core.flops import count_flops, fit_loglog_exponent

    claim = assay_adapter.capabilities()[GTP].limits.get("complexity")
    if claim is None:
        pytest.skip(f"{NOT_PROVIDED_PREFIX}{assay_adapter.name}: {GTP} declares no complexity claim")
    declared = _declared_exponent(claim)
    from assay.conformance.registry import allows

    degrees = [L for L in assay_sizes["complexity_l"] if allows(assay_adapter, GTP, degree=(L, L, 2 * L))]
    if len(degrees) < 3:
        pytest.skip(f"{NOT_PROVIDED_PREFIX}{assay_adapter.name}: {GTP} at three of L = {assay_sizes['complexity_l']}")
    counts = []
    for L in degrees:
        x, y = _inputs((L, L, 2 * L), 0)
        counts.append(count_flops(_product, assay_adapter, x, y, 2 * L))
    if min(counts) <= 0:
        raise AssertionError(f"{assay_adapter.name}: no torch operation was counted at L = {degrees} (counts "
                             f"{counts}); the complexity contract needs the product computed with torch")
    fitted = fit_loglog_exponent(degrees, counts)
    summary = summarize_exponent(fitted, declared, inputs=[dict(zip(degrees, counts))])
    assay_check.check(summary, contract_for(GTP, "complexity", "float64"),
                      f"FLOPs grow as L^{fitted:.2f} (declared {claim}; counts {dict(zip(degrees, counts))})")
