"""Exact change-of-basis matrices between the complex and the real spherical harmonics of degree l.

With the Condon–Shortley complex harmonics ``Y_l^μ`` and the real (Wikipedia) form ``Y_{l,m}``,

    Y_{l,m} = Σ_μ U_{mμ} Y_l^μ,   U unitary, rows and columns ordered m, μ = −l..l,

    m > 0:  U_{m,m} = (−1)^m/√2,   U_{m,−m} = 1/√2
    m = 0:  U_{0,0} = 1
    m < 0:  U_{m,|m|} = −i(−1)^m/√2,   U_{m,−|m|} = i/√2

which is ``Y_{l,m} = √2 (−1)^m Re Y_l^m`` (m > 0) and ``√2 (−1)^m Im Y_l^{|m|}`` (m < 0) rewritten with
``Y_l^{−m} = (−1)^m conj(Y_l^m)``. Every entry is 0, ±1, ±1/√2 or ±i/√2, so the float64 matrices are correctly
rounded and the exact ones are sympy matrices.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from assay.core.conventions import resolve
from assay.core.exact import SqrtRational
from assay.core.validation import as_degree
from assay.reference.so3.conventions import BASIS

__all__ = ["change_of_basis", "complex_to_real_entries"]

_HALF = SqrtRational.sqrt(Fraction(1, 2))
_ONE = SqrtRational.from_rational(1)
_ZERO = SqrtRational.zero()


def complex_to_real_entries(l: int) -> dict[tuple[int, int], tuple[SqrtRational, SqrtRational]]:
    """The non-zero entries of ``U`` (complex → real) as ``{(m, μ): (real part, imaginary part)}``, exact."""
    l = as_degree(l, "l")
    entries: dict[tuple[int, int], tuple[SqrtRational, SqrtRational]] = {(0, 0): (_ONE, _ZERO)}
    for m in range(1, l + 1):
        sign = -1 if m % 2 else 1
        entries[(m, m)] = (_HALF * sign, _ZERO)
        entries[(m, -m)] = (_HALF, _ZERO)
        entries[(-m, m)] = (_ZERO, -_HALF * sign)
        entries[(-m, -m)] = (_ZERO, _HALF)
    return entries


def _complex_to_real_float(l: int) -> np.ndarray:
    matrix = np.zeros((2 * l + 1, 2 * l + 1), dtype=np.complex128)
    for (m, mu), (re, im) in complex_to_real_entries(l).items():
        matrix[l + m, l + mu] = complex(float(re), float(im))
    return matrix


def _complex_to_real_sympy(l: int):
    import sympy

    matrix = sympy.zeros(2 * l + 1, 2 * l + 1)
    for (m, mu), (re, im) in complex_to_real_entries(l).items():
        matrix[l + m, l + mu] = re.to_sympy() + sympy.I * im.to_sympy()
    return matrix


def _basis_name(value: str, argument: str) -> str:
    return resolve(BASIS, value, argument)


def change_of_basis(l: int, source: str = "complex", target: str = "real", exact: bool = False):
    """The matrix ``Q`` with ``Y_target = Q @ Y_source`` for the degree-``l`` harmonics (m = −l..l).

    ``source`` and ``target`` name a basis: ``"complex"`` (Condon–Shortley) or ``"real"`` (Wikipedia form, alias
    ``"wikipedia"``). Returns a complex128 numpy array (every entry correctly rounded) or, with ``exact=True``, a
    sympy Matrix.
    """
    l = as_degree(l, "l")
    source = _basis_name(source, "source")
    target = _basis_name(target, "target")
    if exact:
        import sympy

        if source == target:
            return sympy.eye(2 * l + 1)
        forward = _complex_to_real_sympy(l)
        return forward if (source, target) == ("complex", "real") else forward.H
    if source == target:
        return np.eye(2 * l + 1, dtype=np.complex128)
    forward = _complex_to_real_float(l)
    return forward if (source, target) == ("complex", "real") else forward.conj().T
