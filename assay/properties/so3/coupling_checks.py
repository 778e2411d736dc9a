"""Property checks for Clebsch–Gordan coefficients, 3j symbols and Gaunt coefficients.

Each check takes the implementation under test as a callable with sympy's argument order — ``cg(j1, j2, j3, m1,
m2, m3)`` = ⟨j1 m1; j2 m2 | j3 m3⟩, ``three_j(j1, j2, j3, m1, m2, m3)`` — returning anything ``float()`` or mpmath
accepts (floats, :class:`~assay.core.exact.SqrtRational`, sympy numbers), and returns the size of the violation as
a float: 0 for an exact implementation, a few ulps for a good float64 one. Sums are accumulated in mpmath at 50
digits so that the check itself adds no rounding error. ``j`` and ``m`` may be half-integers (pass ``Fraction``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from fractions import Fraction
from itertools import permutations
from typing import Any

import mpmath

from assay.core.errors import to_mpf

__all__ = [
    "cg_completeness_error",
    "cg_orthogonality_error",
    "gaunt_quadrature_error",
    "regge_symmetries",
    "three_j_symmetry_error",
]

CouplingFunction = Callable[..., Any]
_DPS = 50



def _worse(worst: Any, error: Any) -> Any:
    """The larger error, where NaN (an implementation that returned NaN) counts as infinitely large: Python's
    ``max`` would skip it and report a clean 0."""
    if error != error:  # NaN, as float or mpf
        return float("inf")
    return max(worst, error)

def _half_range(j: Fraction) -> Iterator[Fraction]:
    m = -j
    while m <= j:
        yield m
        m += 1


def _as_spin(value: Any) -> Fraction:
    return Fraction(value).limit_denominator(2)


def cg_orthogonality_error(cg: CouplingFunction, j1: Any, j2: Any) -> float:
    """``max |Σ_{m1,m2} ⟨j1 m1; j2 m2|J M⟩⟨j1 m1; j2 m2|J' M'⟩ − δ_{JJ'} δ_{MM'}|`` over all J, J', M = M'.

    Pairs with ``M ≠ M'`` are not summed: the selection rule ``m1 + m2 = M`` makes them vanish term by term.
    """
    j1, j2 = _as_spin(j1), _as_spin(j2)
    totals = [abs(j1 - j2) + k for k in range(int(j1 + j2 - abs(j1 - j2)) + 1)]
    worst = mpmath.mpf(0)
    with mpmath.workdps(_DPS):
        for big_j in totals:
            for other_j in totals:
                for big_m in _half_range(min(big_j, other_j)):
                    total = mpmath.mpf(0)
                    for m1 in _half_range(j1):
                        m2 = big_m - m1
                        if abs(m2) > j2:
                            continue
                        total += to_mpf(cg(j1, j2, big_j, m1, m2, big_m)) * to_mpf(cg(j1, j2, other_j, m1, m2, big_m))
                    expected = 1 if big_j == other_j else 0
                    worst = _worse(worst, abs(total - expected))
    return float(worst)


def cg_completeness_error(cg: CouplingFunction, j1: Any, j2: Any) -> float:
    """``max |Σ_{J,M} ⟨j1 m1; j2 m2|J M⟩⟨j1 m1'; j2 m2'|J M⟩ − δ_{m1 m1'} δ_{m2 m2'}|`` (with m1+m2 = m1'+m2')."""
    j1, j2 = _as_spin(j1), _as_spin(j2)
    totals = [abs(j1 - j2) + k for k in range(int(j1 + j2 - abs(j1 - j2)) + 1)]
    worst = mpmath.mpf(0)
    with mpmath.workdps(_DPS):
        for m1 in _half_range(j1):
            for m2 in _half_range(j2):
                for other_m1 in _half_range(j1):
                    other_m2 = m1 + m2 - other_m1
                    if abs(other_m2) > j2:
                        continue
                    total = mpmath.mpf(0)
                    for big_j in totals:
                        if abs(m1 + m2) > big_j:
                            continue
                        total += (to_mpf(cg(j1, j2, big_j, m1, m2, m1 + m2))
                                  * to_mpf(cg(j1, j2, big_j, other_m1, other_m2, m1 + m2)))
                    expected = 1 if other_m1 == m1 else 0
                    worst = _worse(worst, abs(total - expected))
    return float(worst)


def _permutation_parity(order: tuple[int, ...]) -> int:
    inversions = sum(1 for i in range(len(order)) for k in range(i + 1, len(order)) if order[i] > order[k])
    return inversions % 2


def regge_symmetries(j1: Any, j2: Any, j3: Any, m1: Any, m2: Any, m3: Any) -> list[tuple[int, tuple[Fraction, ...]]]:
    """The 72 symmetries of a 3j symbol as ``(sign, (j1', j2', j3', m1', m2', m3'))``.

    Regge's square ``R = [[−j1+j2+j3, j1−j2+j3, j1+j2−j3], [j1−m1, j2−m2, j3−m3], [j1+m1, j2+m2, j3+m3]]`` has all
    row and column sums equal to ``J = j1+j2+j3``; the symbol is invariant under transposing ``R`` and, up to the
    sign ``(−1)^J`` for each odd permutation, under permuting its rows or its columns. Column permutations are the
    classical permutation symmetry, swapping rows 2 and 3 is ``m → −m``; the rest are Regge's.
    """
    spins = [_as_spin(v) for v in (j1, j2, j3, m1, m2, m3)]
    j, m = spins[:3], spins[3:]
    big_j = sum(j)
    square = [
        [-j[0] + j[1] + j[2], j[0] - j[1] + j[2], j[0] + j[1] - j[2]],
        [j[0] - m[0], j[1] - m[1], j[2] - m[2]],
        [j[0] + m[0], j[1] + m[1], j[2] + m[2]],
    ]
    odd_sign = -1 if int(big_j) % 2 else 1
    images = []
    for transpose in (False, True):
        base = [list(row) for row in zip(*square)] if transpose else square
        for rows in permutations(range(3)):
            for cols in permutations(range(3)):
                r = [[base[rows[a]][cols[b]] for b in range(3)] for a in range(3)]
                new_j = tuple((r[1][b] + r[2][b]) / 2 for b in range(3))
                new_m = tuple((r[2][b] - r[1][b]) / 2 for b in range(3))
                parity = _permutation_parity(rows) + _permutation_parity(cols)
                images.append((odd_sign if parity % 2 else 1, new_j + new_m))
    return images


def three_j_symmetry_error(three_j: CouplingFunction, j1: Any, j2: Any, j3: Any, m1: Any, m2: Any, m3: Any) -> float:
    """``max |sign · three_j(image) − three_j(j1, j2, j3, m1, m2, m3)|`` over the 72 Regge/permutation/sign images."""
    with mpmath.workdps(_DPS):
        reference = to_mpf(three_j(j1, j2, j3, m1, m2, m3))
        worst = mpmath.mpf(0)
        for sign, image in regge_symmetries(j1, j2, j3, m1, m2, m3):
            worst = _worse(worst, abs(sign * to_mpf(three_j(*image)) - reference))
    return float(worst)


def gaunt_quadrature_error(
    gaunt_fn: CouplingFunction, sh_fn: Callable[[int, Any], Any], l1: int, l2: int, l3: int
) -> float:
    """``max |gaunt_fn(l1, l2, l3, m1, m2, m3) − ∫ Y_{l1 m1} Y_{l2 m2} Y_{l3 m3} dΩ|`` over all m, by exact quadrature.

    ``sh_fn(l, xyz)`` gives the ``(N, 2l+1)`` harmonics (m = −l..l) in the basis ``gaunt_fn`` claims (real or
    complex, no conjugation). The product has degree ``l1+l2+l3``, so
    :func:`~assay.properties.so3.harmonics_checks.sphere_quadrature` of that degree integrates it exactly; what
    remains is float64 rounding (≈ 1e-15), so this check is for sign and convention errors, not for ulps.
    """
    import numpy as np

    from assay.properties.so3._arrays import as_numpy
    from assay.properties.so3.harmonics_checks import sphere_quadrature

    points, weights = sphere_quadrature(l1 + l2 + l3)
    y1, y2, y3 = (as_numpy(sh_fn(l, points)) for l in (l1, l2, l3))
    integrals = np.einsum("n,na,nb,nc->abc", weights, y1, y2, y3)
    worst = 0.0
    for a in range(2 * l1 + 1):
        for b in range(2 * l2 + 1):
            for c in range(2 * l3 + 1):
                claimed = complex(float(_real_or_complex(gaunt_fn(l1, l2, l3, a - l1, b - l2, c - l3))))
                worst = _worse(worst, abs(claimed - complex(integrals[a, b, c])))
    return worst


def _real_or_complex(value: Any) -> Any:
    return value if not hasattr(value, "evalf") else complex(value.evalf(20))
