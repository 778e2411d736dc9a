"""Real-basis coupling tensors for a triple ``(l1, l2, l3)`` in named conventions, exact or correctly rounded.

The ``cg`` tensor (kind ``so3.coupling``, alias ``cuequivariance``) couples two real (Wikipedia-form) bases into a
third::

    C_{m1 m2 m3} = i^(l1+l2−l3) Σ_{μ1 μ2 μ3} U1_{m1 μ1} U2_{m2 μ2} conj(U3_{m3 μ3}) ⟨l1 μ1; l2 μ2 | l3 μ3⟩

with ``U`` the complex → real change of basis. The phase ``i^(l1+l2−l3)`` makes every entry real (without it the
tensor is purely imaginary when ``l1+l2+l3`` is odd) and fixes the overall sign to the one e3nn and cuEquivariance
use. ``Σ_{m1 m2} C_{m1 m2 m3}² = 1`` for every ``m3``, so ``‖C‖_F² = 2l3+1``. The ``e3nn`` tensor is
``C/√(2l3+1)`` (``e3nn.o3.wigner_3j``: Frobenius norm 1). Each tensor is invariant under the real Wigner D of any
rotation, in the z-polar real basis and equally in e3nn's y-polar basis (the axis permutation is a rotation).

Every entry is ``±√(p/q)``: :func:`real_coupling_tensor` returns a float64 array of correctly rounded entries, or
with ``exact=True`` a nested list of :class:`~assay.core.exact.SqrtRational`.

**Limit.** ``l1, l2, l3 ≤`` :data:`MAX_DEGREE` = 32: the tensor has ``(2l1+1)(2l2+1)(2l3+1)`` entries, each summing
up to four exact CG coefficients (4.8 s at ``l1 = l2 = l3 = 15``, growing like ``l³``; 287,496 entries at the
limit). The exact entries of the 64 most recent triples are cached.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import numpy as np

from assay.core.conventions import resolve
from assay.core.exact import SqrtRational
from assay.core.validation import as_size_limited_degree
from assay.reference.so3.basis import complex_to_real_entries
from assay.reference.so3.conventions import COUPLING
from assay.reference.so3.coupling import clebsch_gordan

__all__ = ["MAX_DEGREE", "real_coupling_tensor"]

#: the largest degree of :func:`real_coupling_tensor` (module docstring)
MAX_DEGREE = 32
_REASON = "the exact tensor has (2l1+1)(2l2+1)(2l3+1) entries of summed CG coefficients"

# i^n as (real, imaginary) parts for n mod 4
_I_POWERS = {0: (1, 0), 1: (0, 1), 2: (-1, 0), 3: (0, -1)}


@lru_cache(maxsize=64)
def _cg_entries(l1: int, l2: int, l3: int) -> dict[tuple[int, int, int], SqrtRational]:
    """Non-zero entries of the ``cg`` tensor, exact, keyed by ``(m1, m2, m3)``."""
    u1, u2, u3 = complex_to_real_entries(l1), complex_to_real_entries(l2), complex_to_real_entries(l3)
    phase_re, phase_im = _I_POWERS[(l1 + l2 - l3) % 4]
    entries: dict[tuple[int, int, int], SqrtRational] = {}
    for m1 in range(-l1, l1 + 1):
        for m2 in range(-l2, l2 + 1):
            for m3 in range(-l3, l3 + 1):
                re = im = SqrtRational.zero()
                for mu1 in {m1, -m1}:
                    for mu2 in {m2, -m2}:
                        mu3 = mu1 + mu2
                        if abs(mu3) != abs(m3):
                            continue
                        coefficient = clebsch_gordan(l1, l2, l3, mu1, mu2, mu3)
                        if not coefficient:
                            continue
                        a_re, a_im = u1[(m1, mu1)]
                        b_re, b_im = u2[(m2, mu2)]
                        c_re, c_im = u3[(m3, mu3)]
                        c_im = -c_im  # conjugate
                        ab_re, ab_im = a_re * b_re - a_im * b_im, a_re * b_im + a_im * b_re
                        re = re + (ab_re * c_re - ab_im * c_im) * coefficient
                        im = im + (ab_re * c_im + ab_im * c_re) * coefficient
                value_re = re * phase_re - im * phase_im
                value_im = re * phase_im + im * phase_re
                if value_im:
                    raise ArithmeticError(f"coupling tensor ({l1}, {l2}, {l3}) entry {(m1, m2, m3)} is not real")
                if value_re:
                    entries[(m1, m2, m3)] = value_re
    return entries


def _scale(convention: str, l3: int) -> SqrtRational:
    if convention == "e3nn":
        return SqrtRational.sqrt(Fraction(1, 2 * l3 + 1))
    return SqrtRational.from_rational(1)


def real_coupling_tensor(l1: int, l2: int, l3: int, convention: str = "cg", exact: bool = False):
    """The real-basis coupling tensor of shape ``(2l1+1, 2l2+1, 2l3+1)`` (index ``m + l``) in ``convention``.

    ``convention``: ``"cg"`` (alias ``"cuequivariance"``) or ``"e3nn"``. A triple that violates the triangle rule
    is refused with ``ValueError``. Returns float64 (correctly rounded) or, with ``exact=True``, nested lists of
    :class:`~assay.core.exact.SqrtRational`. Degrees ``≤`` :data:`MAX_DEGREE` = 32 (``(2l1+1)(2l2+1)(2l3+1)``
    exact entries; 4.8 s at ``l1 = l2 = l3 = 15``).
    """
    l1, l2, l3 = (as_size_limited_degree(value, name, MAX_DEGREE, _REASON)
                  for value, name in ((l1, "l1"), (l2, "l2"), (l3, "l3")))
    if not isinstance(exact, bool):
        raise TypeError(f"exact must be a bool, got {type(exact).__name__}")
    if not abs(l1 - l2) <= l3 <= l1 + l2:
        raise ValueError(f"(l1, l2, l3) must satisfy |l1 - l2| <= l3 <= l1 + l2, got ({l1}, {l2}, {l3})")
    convention = resolve(COUPLING, convention, "convention")
    scale = _scale(convention, l3)
    entries = _cg_entries(l1, l2, l3)
    if exact:
        zero = SqrtRational.zero()
        return [[[entries[(m1, m2, m3)] * scale if (m1, m2, m3) in entries else zero
                  for m3 in range(-l3, l3 + 1)] for m2 in range(-l2, l2 + 1)] for m1 in range(-l1, l1 + 1)]
    tensor = np.zeros((2 * l1 + 1, 2 * l2 + 1, 2 * l3 + 1))
    for (m1, m2, m3), value in entries.items():
        tensor[m1 + l1, m2 + l2, m3 + l3] = float(value * scale)
    return tensor
