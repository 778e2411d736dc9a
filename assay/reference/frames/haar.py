"""Haar averages over O(k) (k = 1, 2, 3) and SO(3) by quadrature rules that are exact for polynomials.

A rule is a list of ``(weight, Q)`` with ``Σ weight = 1`` and ``Q`` a ``k × k`` object array of mpf such that

    Σ_i w_i p(Q_i) = ∫ p(Q) dQ   (normalised Haar measure)

for every polynomial ``p`` of total degree ``≤ degree`` in the entries of ``Q``. For an analytic integrand the
error falls exponentially with ``degree`` (the rules are products of Gauss and trapezoid rules).

- ``O(1) = {+1, −1}``: exact for every function.
- ``SO(2)``: ``Q(θ_j)``, ``θ_j = 2πj/N``, ``N = degree + 1`` (trapezoid rule; exact for trigonometric polynomials
  of degree < N, and a degree-p polynomial in the entries of ``Q(θ)`` is one of degree p in θ).
- ``SO(3)``: ZYZ Euler angles ``R = R_z(α) R_y(β) R_z(γ)`` with Haar density ``sin β dα dβ dγ / 8π²``;
  trapezoid in α and γ with ``N = degree + 1`` nodes and Gauss–Legendre in ``cos β`` with ``⌈(degree+1)/2⌉``
  nodes. A polynomial of degree ``p`` in the entries of ``R`` is a combination of Wigner ``D^l_{mn}``, ``l ≤ p``;
  the α, γ sums keep only ``m = n = 0``, i.e. ``P_l(cos β)``, which the Gauss rule integrates exactly.
- ``O(k) = SO(k) ∪ SO(k)·D`` with ``D = diag(−1, 1, …)``: the SO(k) rule on both cosets, half the weight each.

:func:`haar_average` applies a rule to a function; :func:`product_rule` combines rules of several blocks into a
block-diagonal rule (used for the Haar average over the eigenspaces of a degenerate scatter matrix).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import mpmath
import numpy as np

from assay.core.validation import check_dps

__all__ = [
    "MAX_DEGREE",
    "MAX_RULE_SIZE",
    "check_degree",
    "gauss_legendre",
    "haar_average",
    "haar_rule",
    "product_rule",
    "so2_rule",
    "so3_rule",
]

Rule = list  # list[tuple[mpf, np.ndarray]]

#: The highest polynomial degree a rule is built for: the SO(3) rule has (degree + 1)²·⌈(degree + 1)/2⌉ rotations
#: (35,301 at 40), each a product of three mpmath matrices.
MAX_DEGREE = 40
#: The most rotations :func:`product_rule` builds (the product of its rules' sizes).
MAX_RULE_SIZE = 1_000_000


def check_degree(degree: Any) -> int:
    """``degree`` as an int with ``0 <= degree <= MAX_DEGREE`` (a ``TypeError``/``ValueError`` naming it)."""
    if isinstance(degree, bool) or not isinstance(degree, (int, np.integer)):
        raise TypeError(f"degree must be an int, got {type(degree).__name__}")
    if not 0 <= degree <= MAX_DEGREE:
        raise ValueError(f"degree must satisfy 0 <= degree <= MAX_DEGREE = {MAX_DEGREE}, got {degree}")
    return int(degree)


def gauss_legendre(count: int, dps: int = 50) -> tuple[tuple, tuple]:
    """Nodes and weights of the ``count``-point Gauss–Legendre rule on [−1, 1] (Newton on P_count at dps + 10);
    ``1 <= count <= MAX_DEGREE + 1``."""
    if isinstance(count, bool) or not isinstance(count, (int, np.integer)):
        raise TypeError(f"count must be an int, got {type(count).__name__}")
    if not 1 <= count <= MAX_DEGREE + 1:
        raise ValueError(f"count must satisfy 1 <= count <= {MAX_DEGREE + 1}, got {count}")
    return _gauss_legendre(int(count), check_dps(dps))


@lru_cache(maxsize=64)
def _gauss_legendre(count: int, dps: int) -> tuple[tuple, tuple]:
    with mpmath.workdps(dps + 10):
        nodes, weights = [], []
        for i in range(1, count + 1):
            x = mpmath.cos(mpmath.pi * (i - mpmath.mpf(1) / 4) / (count + mpmath.mpf(1) / 2))
            for _ in range(100):
                p, dp = _legendre_and_derivative(count, x)
                step = p / dp
                x -= step
                if abs(step) < mpmath.mpf(10) ** (-(dps + 8)):
                    break
            _, dp = _legendre_and_derivative(count, x)
            nodes.append(x)
            weights.append(2 / ((1 - x * x) * dp * dp))
    with mpmath.workdps(dps):
        return tuple(+x for x in nodes), tuple(+w for w in weights)


def _legendre_and_derivative(n: int, x: Any) -> tuple[Any, Any]:
    previous, current = mpmath.mpf(1), x
    if n == 0:
        return previous, mpmath.mpf(0)
    for k in range(2, n + 1):
        previous, current = current, ((2 * k - 1) * x * current - (k - 1) * previous) / k
    derivative = n * (x * current - previous) / (x * x - 1)
    return current, derivative


def _matrix(rows: Sequence[Sequence[Any]]) -> np.ndarray:
    out = np.empty((len(rows), len(rows[0])), dtype=object)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            out[i, j] = value
    return out


def so2_rule(degree: int, dps: int = 50) -> tuple:
    """Rule on SO(2) exact for polynomials of degree ≤ ``degree`` (``<= MAX_DEGREE``) in the entries (see the
    module docstring)."""
    return _so2_rule(check_degree(degree), check_dps(dps))


def so3_rule(degree: int, dps: int = 50) -> tuple:
    """Rule on SO(3) exact for polynomials of degree ≤ ``degree`` (``<= MAX_DEGREE``) in the entries (ZYZ product
    rule)."""
    return _so3_rule(check_degree(degree), check_dps(dps))


@lru_cache(maxsize=32)
def _so2_rule(degree: int, dps: int) -> tuple:
    count = degree + 1
    with mpmath.workdps(dps):
        rule = []
        for j in range(count):
            theta = 2 * mpmath.pi * j / count
            c, s = mpmath.cos(theta), mpmath.sin(theta)
            rule.append((mpmath.mpf(1) / count, _matrix([[c, -s], [s, c]])))
        return tuple(rule)


@lru_cache(maxsize=32)
def _so3_rule(degree: int, dps: int) -> tuple:
    count = degree + 1
    nodes, weights = _gauss_legendre(max(1, (degree + 2) // 2), dps)
    with mpmath.workdps(dps):
        angles = [2 * mpmath.pi * j / count for j in range(count)]
        trig = [(mpmath.cos(a), mpmath.sin(a)) for a in angles]
        rule = []
        for (ca, sa), (cg, sg) in itertools.product(trig, trig):
            Rz_a = _matrix([[ca, -sa, 0], [sa, ca, 0], [0, 0, 1]])
            Rz_g = _matrix([[cg, -sg, 0], [sg, cg, 0], [0, 0, 1]])
            for x, w in zip(nodes, weights):
                sb = mpmath.sqrt(1 - x * x)
                Ry = _matrix([[x, 0, sb], [0, 1, 0], [-sb, 0, x]])
                rule.append((w / (2 * count * count), Rz_a.dot(Ry).dot(Rz_g)))
        return tuple(rule)


def haar_rule(k: int, degree: int, dps: int = 50, proper: bool = False) -> list:
    """Rule on O(k) (or SO(k) with ``proper``), k ∈ {1, 2, 3}, exact for polynomials of degree ≤ ``degree``."""
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"k must be an int, got {type(k).__name__}")
    if k not in (1, 2, 3):
        raise ValueError(f"k must be 1, 2 or 3 (Haar quadrature is provided on O(1), O(2), O(3)); got k = {k}")
    degree = check_degree(degree)
    if not isinstance(proper, bool):
        raise TypeError(f"proper must be a bool, got {type(proper).__name__}")
    with mpmath.workdps(check_dps(dps)):
        if k == 1:
            base = [(mpmath.mpf(1), _matrix([[mpmath.mpf(1)]]))]
        elif k == 2:
            base = list(so2_rule(degree, dps))
        else:
            base = list(so3_rule(degree, dps))
        if proper:
            return base
        D = np.eye(k, dtype=object) * mpmath.mpf(1)
        D[0, 0] = mpmath.mpf(-1)
        return [(w / 2, Q) for w, Q in base] + [(w / 2, Q.dot(D)) for w, Q in base]


def _check_rule(rule: Any, index: int) -> tuple[list, int]:
    """``rules[index]`` as a list of ``(weight, Q)`` with square ``Q`` of one size; returns the list and the size."""
    name = f"rules[{index}]"
    if isinstance(rule, (str, bytes, np.ndarray)) or not isinstance(rule, Sequence):
        raise TypeError(f"{name} must be a sequence of (weight, Q) pairs, got {type(rule).__name__}")
    rule = list(rule)
    if not rule:
        raise ValueError(f"{name} must contain at least one (weight, Q) pair")
    size = None
    for position, pair in enumerate(rule):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(f"{name}[{position}] must be a (weight, Q) pair, got {type(pair).__name__}")
        Q = pair[1]
        if not isinstance(Q, np.ndarray) or Q.ndim != 2 or Q.shape[0] != Q.shape[1] or Q.shape[0] == 0:
            shape = getattr(Q, "shape", type(Q).__name__)
            raise ValueError(f"{name}[{position}]: Q must be a square, non-empty numpy array, got {shape}")
        if size is not None and Q.shape[0] != size:
            raise ValueError(f"{name}: every Q must have the same size, got {size} and {Q.shape[0]}")
        size = Q.shape[0]
    return rule, size


def product_rule(rules: Sequence[Sequence[tuple[Any, np.ndarray]]]) -> list:
    """The block-diagonal product of rules: ``(Π w_j, diag(Q_1, …, Q_m))`` over all combinations (at most
    ``MAX_RULE_SIZE`` of them)."""
    if isinstance(rules, (str, bytes, np.ndarray)) or not isinstance(rules, Sequence):
        raise TypeError(f"rules must be a sequence of rules, got {type(rules).__name__}")
    if not rules:
        raise ValueError("rules must contain at least one rule")
    checked = [_check_rule(rule, index) for index, rule in enumerate(rules)]
    rules = [rule for rule, _ in checked]
    sizes = [size for _, size in checked]
    combinations = 1
    for rule in rules:
        combinations *= len(rule)
    if combinations > MAX_RULE_SIZE:
        raise ValueError(f"the product of these rules has {combinations} rotations; at most "
                         f"MAX_RULE_SIZE = {MAX_RULE_SIZE}")
    total = sum(sizes)
    out = []
    for combination in itertools.product(*rules):
        weight = mpmath.mpf(1)
        Q = np.zeros((total, total), dtype=object)
        Q[:, :] = mpmath.mpf(0)
        start = 0
        for (w, block), size in zip(combination, sizes):
            weight *= w
            Q[start:start + size, start:start + size] = block
            start += size
        out.append((weight, Q))
    return out


def haar_average(fn: Callable[[np.ndarray], Any], k: int, degree: int = 8, dps: int = 50,
                 proper: bool = False) -> Any:
    """``∫ fn(Q) dQ`` over O(k) (SO(k) with ``proper``), exact when ``fn`` is a polynomial of degree ≤ ``degree``.

    ``fn`` receives a ``k × k`` object array of mpf and returns a number or a numpy (object) array.
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    with mpmath.workdps(check_dps(dps)):
        total = None
        for weight, Q in haar_rule(k, degree, dps, proper):
            value = np.asarray(fn(Q), dtype=object) * weight
            total = value if total is None else total + value
        return total.item() if isinstance(total, np.ndarray) and total.ndim == 0 else total
