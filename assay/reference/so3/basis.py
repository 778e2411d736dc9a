"""Exact change-of-basis matrices between the complex and the real spherical harmonics of degree l.

With the Condon–Shortley complex harmonics ``Y_l^μ`` and the real (Wikipedia) form ``Y_{l,m}``,

    Y_{l,m} = Σ_μ U_{mμ} Y_l^μ,   U unitary, rows and columns ordered m, μ = −l..l,

    m > 0:  U_{m,m} = (−1)^m/√2,   U_{m,−m} = 1/√2
    m = 0:  U_{0,0} = 1
    m < 0:  U_{m,|m|} = −i(−1)^m/√2,   U_{m,−|m|} = i/√2

which is ``Y_{l,m} = √2 (−1)^m Re Y_l^m`` (m > 0) and ``√2 (−1)^m Im Y_l^{|m|}`` (m < 0) rewritten with
``Y_l^{−m} = (−1)^m conj(Y_l^m)``. Every entry is 0, ±1, ±1/√2 or ±i/√2, so the float64 matrices are correctly
rounded and the exact ones are sympy matrices.

**Limits.** Between the complex and the real basis ``l ≤`` :data:`MAX_DEGREE` = 1000 (a dense complex128 matrix of
``(2l+1)²`` entries is 64 MB there). Anything involving e3nn's basis is built from the exact ``d^l(π/2)`` and
multiplied out in sympy, ``O(l³)`` symbolic operations (12 s at l = 32): ``l ≤`` :data:`E3NN_MAX_DEGREE` = 32.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import numpy as np

from assay.core.conventions import resolve
from assay.core.exact import SqrtRational
from assay.core.validation import as_degree, as_size_limited_degree
from assay.reference.so3.conventions import BASIS

__all__ = [
    "E3NN_BASIS",
    "E3NN_MAX_DEGREE",
    "MAX_DEGREE",
    "change_of_basis",
    "complex_to_real_entries",
    "harmonic_index",
    "real_to_e3nn_entries",
]

#: the largest degree of the complex ↔ real change of basis (module docstring)
MAX_DEGREE = 1000
#: the largest degree of any change of basis to or from e3nn's basis (module docstring)
E3NN_MAX_DEGREE = 32
_DENSE_REASON = "a dense (2l+1)² change-of-basis matrix"
_E3NN_REASON = "the e3nn basis is multiplied out in sympy, O(l³) symbolic operations"

_HALF = SqrtRational.sqrt(Fraction(1, 2))


def harmonic_index(l: int, m: int) -> int:
    """Position of the component ``(l, m)`` in a flat vector of all degrees 0, 1, …, m = −l..l inside each:
    ``l² + l + m`` (the layout of assay, e3nn and sphericart). The one home of this formula."""
    l = as_degree(l, "l")
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)):
        raise TypeError(f"m must be an int, got {type(m).__name__}")
    if abs(m) > l:
        raise ValueError(f"|m| must be <= l, got l = {l}, m = {m}")
    return l * l + l + int(m)
_ONE = SqrtRational.from_rational(1)
_ZERO = SqrtRational.zero()


def complex_to_real_entries(l: int) -> dict[tuple[int, int], tuple[SqrtRational, SqrtRational]]:
    """The non-zero entries of ``U`` (complex → real) as ``{(m, μ): (real part, imaginary part)}``, exact
    (``4l + 1`` entries, ``l ≤`` :data:`MAX_DEGREE`)."""
    l = as_size_limited_degree(l, "l", MAX_DEGREE, "4l + 1 exact entries")
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
    if isinstance(value, str) and value.lower() == E3NN_BASIS:  # not (yet) a registered so3.basis name
        return E3NN_BASIS
    return resolve(BASIS, value, argument)


def change_of_basis(l: int, source: str = "complex", target: str = "real", exact: bool = False):
    """The matrix ``Q`` with ``Y_target = Q @ Y_source`` for the degree-``l`` harmonics (m = −l..l).

    ``source`` and ``target`` name a basis: ``"complex"`` (Condon–Shortley), ``"real"`` (Wikipedia form, alias
    ``"wikipedia"``) or ``"e3nn"`` (the real form with polar axis y, see :func:`real_to_e3nn_entries`). Returns a
    complex128 numpy array (every entry correctly rounded; complex ↔ e3nn entries are rounded from 40 digits) or,
    with ``exact=True``, a sympy Matrix. ``l ≤`` :data:`MAX_DEGREE` = 1000; to or from ``"e3nn"``, ``l ≤``
    :data:`E3NN_MAX_DEGREE` = 32 (multiplied out in sympy, 12 s at the limit).
    """
    l = as_size_limited_degree(l, "l", MAX_DEGREE, _DENSE_REASON)
    source = _basis_name(source, "source")
    target = _basis_name(target, "target")
    if not isinstance(exact, bool):
        raise TypeError(f"exact must be a bool, got {type(exact).__name__}")
    if E3NN_BASIS in (source, target) and source != target:
        as_size_limited_degree(l, "l", E3NN_MAX_DEGREE, _E3NN_REASON)
        return _change_of_basis_through_real(l, source, target, exact)
    if source == target == E3NN_BASIS:
        source = target = "real"  # the identity
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


# -- the e3nn basis (real harmonics with the polar axis on y) ----------------------------------------------------
E3NN_BASIS = "e3nn"


def _times(a: tuple[SqrtRational, SqrtRational], b: tuple[SqrtRational, SqrtRational]):
    return (a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0])


def real_to_e3nn_entries(l: int) -> dict[tuple[int, int], SqrtRational]:
    """The non-zero entries of ``E`` (real → e3nn, ``Y_e3nn = E Y_real``) as ``{(m, m'): value}``, exact.

    e3nn's harmonics are ``Y_e3nn(r) = Y_real(P r)`` with ``P (x, y, z) = (z, x, y)``, a rotation, so
    ``E = D_real(P)``, the real Wigner D of ``P`` (:mod:`assay.reference.so3.wigner`). ``P`` has ZYZ angles
    ``(0, π/2, π/2)``, hence ``D_complex(P)_{μν} = Δ^l_{μν} (−i)^ν`` with ``Δ^l = d^l(π/2)`` exact, and
    ``E = conj(U) D_complex(P) Uᵀ``. Each entry sums four terms ``±Δ^l_{±m,±m'}`` of equal magnitude, so it is
    ``±√(rational)`` (verified exactly: the imaginary part is exactly zero). ``E`` is orthogonal; for ``l = 1`` it
    is the permutation taking ``(y, z, x)`` to ``(x, y, z)``. ``l ≤`` :data:`E3NN_MAX_DEGREE` = 32.
    """
    return dict(_real_to_e3nn_cached(as_size_limited_degree(l, "l", E3NN_MAX_DEGREE, _E3NN_REASON)))


@lru_cache(maxsize=32)
def _real_to_e3nn_cached(l: int) -> tuple[tuple[tuple[int, int], SqrtRational], ...]:
    from assay.reference.so3.wigner import wigner_small_d_half_pi_exact

    delta = wigner_small_d_half_pi_exact(l)
    unit_powers = [(_ONE, _ZERO), (_ZERO, -_ONE), (-_ONE, _ZERO), (_ZERO, _ONE)]  # (−i)^ν for ν mod 4
    rows: dict[int, list[tuple[int, tuple[SqrtRational, SqrtRational]]]] = {}
    for (m, mu), value in complex_to_real_entries(l).items():
        rows.setdefault(m, []).append((mu, value))
    entries = []
    for m in range(-l, l + 1):
        for m_prime in range(-l, l + 1):
            total = (_ZERO, _ZERO)
            for mu, u_left in rows[m]:
                for nu, u_right in rows[m_prime]:
                    d = delta[mu + l, nu + l]
                    if not d:
                        continue
                    term = _times(_times((u_left[0], -u_left[1]), (d, _ZERO)), unit_powers[nu % 4])
                    term = _times(term, u_right)
                    total = (total[0] + term[0], total[1] + term[1])
            if total[1]:
                raise ArithmeticError(f"real → e3nn entry ({m}, {m_prime}) of degree {l} is not real")
            if total[0]:
                entries.append(((m, m_prime), total[0]))
    return tuple(entries)


def _real_to_e3nn_sympy(l: int):
    import sympy

    matrix = sympy.zeros(2 * l + 1, 2 * l + 1)
    for (m, m_prime), value in _real_to_e3nn_cached(l):
        matrix[l + m, l + m_prime] = value.to_sympy()
    return matrix


def _change_of_basis_through_real(l: int, source: str, target: str, exact: bool):
    """``Q = (real → target) · (source → real)`` with ``E`` (real → e3nn) orthogonal: e3nn → real is ``Eᵀ``."""
    import sympy

    size = 2 * l + 1
    if source == target:
        return sympy.eye(size) if exact else np.eye(size, dtype=np.complex128)
    to_real = {"complex": _complex_to_real_sympy(l), "real": sympy.eye(size), E3NN_BASIS: _real_to_e3nn_sympy(l).T}
    from_real = {"complex": _complex_to_real_sympy(l).H, "real": sympy.eye(size), E3NN_BASIS: _real_to_e3nn_sympy(l)}
    product = (from_real[target] * to_real[source]).applyfunc(sympy.expand)
    if exact:
        return product
    # a real ↔ e3nn entry is ±√(p/q): correctly rounded; a complex ↔ e3nn entry sums two radicals and is
    # rounded from a 40-digit evaluation
    out = np.empty((size, size), dtype=np.complex128)
    for i in range(size):
        for j in range(size):
            re, im = product[i, j].as_real_imag()
            out[i, j] = complex(float(sympy.N(re, 40)), float(sympy.N(im, 40)))
    return out
