"""Frames, bridges and spectral entry points refuse bad input naming the argument and the rule, and answer the
legitimate edge cases correctly.

Each refusal is a row ``(call, exception, words its message must contain)``; add a row to cover a new entry point.
Sizes that would run for hours or exhaust memory (a Haar rule of degree 10⁹, 2^(2⁶²) sign patterns, a benchmark in
dimension 10¹²) are refused at once against the function's declared limit (``MAX_*``).
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import torch

from assay.kernels.frames import haar_orthogonal, pca_frames
from assay.kernels.frames import sign_patterns as torch_sign_patterns
from assay.kernels.spectral import matern_coefficients
from assay.reference.bridges import bw2_squared, bw2_uvp, cbw2_uvp, gaussian_fit, mixture_benchmark
from assay.reference.frames import (
    equivariant_average,
    frame_rule,
    graph_invariant_average,
    haar_average,
    haar_rule,
    product_rule,
    sign_frames,
    sign_patterns,
    so2_rule,
    so3_rule,
    spectrum,
)
from assay.reference.frames.haar import MAX_DEGREE, gauss_legendre
from assay.reference.spectral import (
    GaussianMixture,
    gp_logdet,
    gp_negative_log_likelihood,
    gp_quadratic_form,
    gp_solve,
    kronecker_dense,
    matern_polynomial,
    to_gphm,
)

NAN = float("nan")
POINTS = np.array([[0.0, 0.0, 0.0], [1.0, 0.1, 0.0], [0.2, 2.0, 0.3], [0.1, 0.4, 3.0]])
CLOUD = torch.tensor(POINTS[None], dtype=torch.float64)
EYE2 = mpmath.eye(2)
TRIANGLE = np.array([[0, 1, 1], [1, 0, 1], [1, 1, 0]])

REFUSALS = [
    # frames: reference
    (lambda: frame_rule(None, "O(3)"), TypeError, "spec must be a Spectrum"),
    (lambda: frame_rule(spectrum(POINTS), "O(3)", degree=MAX_DEGREE + 1), ValueError, "degree must satisfy"),
    (lambda: product_rule("ab"), TypeError, "rules must be a sequence of rules"),
    (lambda: product_rule([]), ValueError, "rules must contain at least one rule"),
    (lambda: product_rule([[]]), ValueError, "rules[0] must contain at least one (weight, Q) pair"),
    (lambda: product_rule([[(1, np.ones((2, 3)))]]), ValueError, "rules[0][0]: Q must be a square"),
    (lambda: product_rule([so2_rule(2), [(1, "Q")]]), ValueError, "rules[1][0]: Q must be a square"),
    (lambda: product_rule([so3_rule(6)] * 3), ValueError, "MAX_RULE_SIZE"),
    (lambda: sign_patterns(2**62), ValueError, "d must satisfy 1 <= d <= MAX_SIGN_DIMENSION"),
    (lambda: sign_patterns(0), ValueError, "d must satisfy 1 <= d"),
    (lambda: sign_patterns(2, proper_parity=0), ValueError, "proper_parity must be None, 1 or -1"),
    (lambda: sign_patterns(2, proper_parity=torch.ones(2)), TypeError, "proper_parity must be None, 1 or -1"),
    (lambda: so2_rule(2**62), ValueError, "degree must satisfy 0 <= degree <= MAX_DEGREE"),
    (lambda: so3_rule(-1), ValueError, "degree must satisfy"),
    (lambda: so3_rule(2.0), TypeError, "degree must be an int"),
    (lambda: haar_rule(2, 10**9), ValueError, "degree must satisfy"),
    (lambda: haar_rule(1, 10**9), ValueError, "degree must satisfy"),
    (lambda: haar_rule(2, 2, proper="yes"), TypeError, "proper must be a bool"),
    (lambda: haar_average(None, 2), TypeError, "fn must be callable"),
    (lambda: gauss_legendre(0), ValueError, "count must satisfy 1 <= count"),
    (lambda: gauss_legendre(10**6), ValueError, "count must satisfy 1 <= count"),
    (lambda: sign_frames(POINTS, allow_degenerate=torch.ones(2)), TypeError, "allow_degenerate must be a bool"),
    (lambda: equivariant_average(lambda x: x, POINTS, output=None), TypeError, "output must be a str"),
    (lambda: graph_invariant_average(lambda a, x: 1, TRIANGLE, max_frames=0), ValueError, "max_frames must satisfy"),
    (lambda: graph_invariant_average(lambda a, x: 1, TRIANGLE, samples=2**62), ValueError, "samples must satisfy"),
    (lambda: graph_invariant_average(lambda a, x: 1, TRIANGLE, seed=-1), ValueError, "seed must satisfy"),
    (lambda: graph_invariant_average(None, TRIANGLE), TypeError, "phi must be callable"),
    # frames: kernels
    (lambda: torch_sign_patterns(0, False, torch.float64, "cpu"), ValueError, "d must satisfy 1 <= d"),
    (lambda: torch_sign_patterns(3, torch.ones(2), torch.float64, "cpu"), TypeError, "proper must be a bool"),
    (lambda: torch_sign_patterns(3, True, torch.int64, "cpu"), ValueError, "dtype must be a floating dtype"),
    (lambda: torch_sign_patterns(3, True, torch.float64, "nowhere"), ValueError, "device must name a torch device"),
    (lambda: haar_orthogonal((2,), 0, dtype=torch.float64, device="cpu"), ValueError, "k must be >= 1"),
    (lambda: haar_orthogonal((-1,), 3, dtype=torch.float64, device="cpu"), ValueError, "non-negative ints"),
    (lambda: haar_orthogonal("ab", 3, dtype=torch.float64, device="cpu"), TypeError, "shape must be a tuple"),
    (lambda: haar_orthogonal((2**40,), 3, dtype=torch.float64, device="cpu"), ValueError, "MAX_HAAR_ELEMENTS"),
    (lambda: haar_orthogonal((2,), 3, dtype=torch.float64, device=0.5), TypeError,
     "device must be a torch.device or a str"),
    (lambda: haar_orthogonal((2,), 3, dtype=torch.float64, device="cpu", generator=1), TypeError,
     "generator must be a torch.Generator"),
    (lambda: pca_frames(CLOUD, proper=torch.ones(2)), TypeError, "proper must be a bool"),
    (lambda: pca_frames(CLOUD, translations=1), TypeError, "translations must be a bool"),
    # bridges
    (lambda: bw2_squared(None, None, None, None), TypeError, "first mean must be a real array"),
    (lambda: bw2_squared(np.zeros(2), np.eye(2), np.zeros(2), np.full((2, 2), NAN)), ValueError,
     "second covariance must be finite"),
    (lambda: bw2_squared(np.zeros(2), np.array([[1.0, 2.0], [0.0, 1.0]]), np.zeros(2), np.eye(2)), ValueError,
     "first covariance must be symmetric"),
    (lambda: bw2_squared(np.zeros(2), -np.eye(2), np.zeros(2), np.eye(2)), ValueError,
     "first covariance must be positive semi-definite"),
    (lambda: bw2_squared(np.zeros((3, 2)), np.stack([np.eye(2)] * 3), np.zeros((4, 2)), np.stack([np.eye(2)] * 4)),
     ValueError, "batch shapes of the two Gaussians do not broadcast"),
    (lambda: bw2_squared(np.zeros(0), np.zeros((0, 0)), np.zeros(0), np.zeros((0, 0))), ValueError,
     "first mean must have shape (..., D) with D >= 1"),
    (lambda: bw2_uvp(np.zeros(2), np.eye(2), np.zeros(2), np.zeros((2, 2))), ValueError,
     "true_cov must have a positive trace"),
    (lambda: bw2_uvp(np.zeros((3, 2)), np.stack([np.eye(2)] * 3), np.zeros(2), np.eye(2)), ValueError,
     "bw2_uvp compares one pair of Gaussians"),
    (lambda: cbw2_uvp(np.zeros((3, 2)), np.stack([np.eye(2)] * 3), np.zeros((3, 2)), np.stack([np.eye(2)] * 3),
                      np.eye(3)), ValueError, "target_cov must have shape (2, 2)"),
    (lambda: gaussian_fit(np.zeros((1, 3))), ValueError, "n >= 2"),
    (lambda: gaussian_fit("abc"), TypeError, "samples must be a real array"),
    (lambda: mixture_benchmark(2**62, 1.0), ValueError, "dim must be <= MAX_BENCHMARK_DIM"),
    (lambda: mixture_benchmark(4, 1.0, spacing=torch.empty(0)), TypeError, "spacing must be a real number"),
    (lambda: mixture_benchmark(4, NAN), ValueError, "epsilon must be finite and > 0"),
    (lambda: mixture_benchmark(4, 1.0, std=-1.0), ValueError, "std must be finite and > 0"),
    (lambda: mixture_benchmark(4, 1.0, seed=-1), ValueError, "seed must be >= 0"),
    (lambda: mixture_benchmark(4, 1.0, seed="0"), TypeError, "seed must be an int"),
    (lambda: mixture_benchmark(4096, 1.0, n_components=64), ValueError, "covariance entries"),
    # spectral
    (lambda: gp_logdet(None), TypeError, "covariance must be an mpmath.matrix or a 2-D array"),
    (lambda: gp_solve(np.ones(3), [1, 2, 3]), ValueError, "covariance must be a matrix (2-D)"),
    (lambda: gp_solve(mpmath.matrix([[1, NAN], [NAN, 1]]), [1, 2]), ValueError,
     "covariance[0, 1] must be a finite real number"),
    (lambda: gp_quadratic_form(mpmath.matrix(0, 0), []), ValueError, "covariance must not be empty"),
    (lambda: gp_negative_log_likelihood(None, None), TypeError, "covariance must be an mpmath.matrix"),
    (lambda: gp_solve(EYE2, [1, 2, 3]), ValueError, "y must have 2 entries"),
    (lambda: kronecker_dense(torch.empty(0)), TypeError, "factors must be a list of matrices"),
    (lambda: kronecker_dense([]), ValueError, "factors must not be empty"),
    (lambda: kronecker_dense([EYE2, "ab"]), TypeError, "factors[1] must be an mpmath.matrix or a 2-D array"),
    (lambda: kronecker_dense([mpmath.eye(100)] * 3), ValueError, "MAX_DENSE_ENTRIES"),
    (lambda: matern_polynomial(-1), ValueError, "p must satisfy 0 <= p <= MAX_MATERN_ORDER"),
    (lambda: matern_polynomial(2**62), ValueError, "p must satisfy 0 <= p <= MAX_MATERN_ORDER"),
    (lambda: matern_polynomial(2.5), TypeError, "p must be an int"),
    (lambda: matern_polynomial(torch.empty(0)), TypeError, "p must be an int"),
    (lambda: matern_coefficients(10**30), ValueError, "p must satisfy 0 <= p <= MAX_MATERN_ORDER"),
    (lambda: to_gphm(None), TypeError, "mixture must be a GaussianMixture or StudentTMixture"),
]


@pytest.mark.parametrize(("call", "exception", "words"), REFUSALS, ids=[row[2][:50] for row in REFUSALS])
def test_bad_domain_input_is_refused_naming_the_argument_and_the_rule(call, exception, words) -> None:
    with pytest.raises(exception, match=re.escape(words)):
        call()


def test_legitimate_edge_cases_get_the_right_answer() -> None:
    assert sign_patterns(1) == [(1,), (-1,)] and sign_patterns(2, proper_parity=-1) == [(1, -1), (-1, 1)]
    assert torch_sign_patterns(1, False, torch.float64, "cpu").tolist() == [[1.0], [-1.0]]
    assert [float(w) for w, _ in so2_rule(0)] == [1.0] and len(so3_rule(0)) == 1
    assert haar_orthogonal((0,), 3, dtype=torch.float64, device="cpu").shape == (0, 3, 3)
    rule = product_rule([so2_rule(1), haar_rule(1, 0)])
    assert len(rule) == 2 * 2 and math.isclose(float(sum(w for w, _ in rule)), 1.0, rel_tol=1e-40)
    assert matern_polynomial(0) == [Fraction(1)] and matern_coefficients(1) == [Fraction(1), Fraction(1)]
    assert kronecker_dense([mpmath.matrix([[2]]), [[3, 4]]]) == mpmath.matrix([[6, 8]])
    assert gp_solve([[2, 0], [0, 4]], [2, 2]) == [1, mpmath.mpf("0.5")]
    assert float(bw2_squared(np.zeros(2), np.eye(2), np.ones(2), np.eye(2))) == pytest.approx(2.0, rel=1e-12)
    assert bw2_uvp(np.zeros(2), np.eye(2), np.zeros(2), np.eye(2)) == 0.0
    mean, cov = gaussian_fit(np.array([[0.0, 1.0], [2.0, 3.0]]))
    assert mean.tolist() == [1.0, 2.0] and cov.tolist() == [[2.0, 2.0], [2.0, 2.0]]
    assert mixture_benchmark(1, 0.5, n_components=1).potential.weights.shape == (1,)
    log_w, log_ls, freq = to_gphm(GaussianMixture([1], [0], [1]))
    assert (log_w, freq) == ([0], [0]) and math.isclose(float(log_ls[0]), math.log(2 * math.pi**2))
