"""Exact numbers of the form ``±√(p/q) · π^(k/2)`` with Python integers.

Clebsch–Gordan coefficients and Wigner 3j symbols are ``±√(p/q)``; Gaunt coefficients (complex and real) are
``±√(p/q)/√π``; the entries of the complex ↔ real change of basis are ``±1/√2`` or ``±1``. :class:`SqrtRational`
holds such a value exactly, multiplies and compares it exactly, adds values that share a radical, and converts it

- to ``float`` **correctly rounded** (round to nearest, ties to even) using integer square roots only — for
  ``k != 0`` the value is irrational and is bracketed between two integer bounds on ``π`` that are tightened until
  both bounds round to the same double (Ziv's strategy);
- to ``mpmath.mpf`` at any requested precision;
- to a ``sympy`` expression.

A value is stored canonically as ``(sign, square, pi_power)`` meaning ``sign · √square · π^(pi_power/2)`` with
``square`` a positive :class:`fractions.Fraction` in lowest terms (or ``sign = 0`` for zero). Because π is
transcendental, two values are equal exactly when their canonical triples are equal.
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction
from functools import total_ordering

__all__ = ["SqrtRational", "correctly_rounded_sqrt", "round_sqrt_pi_power"]


def correctly_rounded_sqrt(numerator: int, denominator: int = 1) -> float:
    """Return ``√(numerator/denominator)`` rounded to the nearest double (ties to even).

    Uses only integer arithmetic: ``s = ⌊√(n·4^k/d)⌋`` with at least 56 significant bits, a sticky bit that records
    whether the square root was inexact, and Python's correctly rounded ``int / int`` true division.
    """
    if numerator < 0 or denominator <= 0:
        raise ValueError(f"need numerator >= 0 and denominator > 0, got {numerator}/{denominator}")
    if numerator == 0:
        return 0.0
    magnitude = numerator.bit_length() - denominator.bit_length()  # log2(n/d) lies in (magnitude-1, magnitude+1)
    shift = 57 - magnitude // 2  # then √(n/d)·2^shift has at least 56 bits
    if shift >= 0:
        scaled_num, scaled_den = numerator << (2 * shift), denominator
    else:
        scaled_num, scaled_den = numerator, denominator << (-2 * shift)
    quotient, remainder = divmod(scaled_num, scaled_den)
    root = math.isqrt(quotient)  # ⌊√⌊x⌋⌋ = ⌊√x⌋ for x >= 0
    inexact = remainder != 0 or root * root != quotient
    # The true root lies in [root, root + 1); with >= 56 bits no rounding boundary of a double falls inside
    # (root, root + 1), so root + 1/2 rounds exactly as the true value does.
    doubled = 2 * root + (1 if inexact else 0)
    exponent = shift + 1
    if exponent >= 0:
        return doubled / (1 << exponent)
    return float(doubled << -exponent)


def _pi_bounds(bits: int) -> tuple[int, int]:
    """Integers ``lo, hi`` with ``lo < π·2^bits < hi``."""
    from mpmath.libmp import pi_fixed

    guard = 16
    approx = pi_fixed(bits + guard) >> guard  # pi_fixed is accurate to a few units in its last place
    return approx - 2, approx + 2


def round_sqrt_pi_power(numerator: int, denominator: int, pi_power: int) -> float:
    """Correctly rounded ``√(numerator/denominator) · π^(pi_power/2)`` for ``numerator > 0``."""
    if pi_power == 0:
        return correctly_rounded_sqrt(numerator, denominator)
    bits = 96
    power = abs(pi_power)
    while True:
        lo, hi = _pi_bounds(bits)
        scale = 1 << (bits * power)
        if pi_power > 0:  # value² = n·π^p / d
            low = correctly_rounded_sqrt(numerator * lo**power, denominator * scale)
            high = correctly_rounded_sqrt(numerator * hi**power, denominator * scale)
        else:  # value² = n / (d·π^|p|)
            low = correctly_rounded_sqrt(numerator * scale, denominator * hi**power)
            high = correctly_rounded_sqrt(numerator * scale, denominator * lo**power)
        if low == high:  # rounding is monotone, so the whole bracket rounds to this double
            return low
        bits *= 2


def _as_fraction(value: object) -> Fraction | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Rational):
        return Fraction(int(value.numerator), int(value.denominator))
    return None


def _fraction_sqrt(value: Fraction) -> Fraction | None:
    """The rational square root of ``value`` if it has one."""
    num_root, den_root = math.isqrt(value.numerator), math.isqrt(value.denominator)
    if num_root * num_root == value.numerator and den_root * den_root == value.denominator:
        return Fraction(num_root, den_root)
    return None


@total_ordering
class SqrtRational:
    """The exact real number ``sign · √square · π^(pi_power/2)``.

    Build one with :meth:`sqrt` (``SqrtRational.sqrt(Fraction(3, 5))`` is √(3/5)), :meth:`from_rational`, or the
    constructor ``SqrtRational(sign, square, pi_power=0)``.
    """

    __slots__ = ("_pi_power", "_sign", "_square")

    def __init__(self, sign: int, square: Fraction | int = 1, pi_power: int = 0) -> None:
        square = Fraction(square)
        if sign not in (-1, 0, 1):
            raise ValueError(f"sign must be -1, 0 or 1, got {sign!r}")
        if square < 0:
            raise ValueError(f"square must be >= 0, got {square}")
        if sign == 0 or square == 0:
            sign, square, pi_power = 0, Fraction(0), 0
        self._sign = sign
        self._square = square
        self._pi_power = int(pi_power)

    # -- constructors -----------------------------------------------------------------------------------------
    @classmethod
    def sqrt(cls, square: Fraction | int, pi_power: int = 0) -> SqrtRational:
        """``√square · π^(pi_power/2)`` for a non-negative rational ``square``."""
        return cls(1, Fraction(square), pi_power)

    @classmethod
    def from_rational(cls, value: Fraction | int) -> SqrtRational:
        """The rational number ``value`` itself."""
        value = Fraction(value)
        return cls((value > 0) - (value < 0), value * value)

    @classmethod
    def zero(cls) -> SqrtRational:
        return cls(0)

    # -- parts ------------------------------------------------------------------------------------------------
    @property
    def sign(self) -> int:
        return self._sign

    @property
    def square(self) -> Fraction:
        """``(value / π^(pi_power/2))²`` — the rational under the root."""
        return self._square

    @property
    def pi_power(self) -> int:
        return self._pi_power

    def is_zero(self) -> bool:
        return self._sign == 0

    def __bool__(self) -> bool:
        return self._sign != 0

    # -- arithmetic -------------------------------------------------------------------------------------------
    def _coerce(self, other: object) -> SqrtRational | None:
        if isinstance(other, SqrtRational):
            return other
        fraction = _as_fraction(other)
        return None if fraction is None else SqrtRational.from_rational(fraction)

    def __neg__(self) -> SqrtRational:
        return SqrtRational(-self._sign, self._square, self._pi_power)

    def __pos__(self) -> SqrtRational:
        return self

    def __abs__(self) -> SqrtRational:
        return SqrtRational(abs(self._sign), self._square, self._pi_power)

    def __mul__(self, other: object) -> SqrtRational:
        other = self._coerce(other)
        if other is None:
            return NotImplemented
        return SqrtRational(self._sign * other._sign, self._square * other._square, self._pi_power + other._pi_power)

    __rmul__ = __mul__

    def __truediv__(self, other: object) -> SqrtRational:
        other = self._coerce(other)
        if other is None:
            return NotImplemented
        if other._sign == 0:
            raise ZeroDivisionError("division of a SqrtRational by zero")
        return SqrtRational(self._sign * other._sign, self._square / other._square, self._pi_power - other._pi_power)

    def __rtruediv__(self, other: object) -> SqrtRational:
        other = self._coerce(other)
        if other is None:
            return NotImplemented
        return other / self

    def __pow__(self, exponent: int) -> SqrtRational:
        if not isinstance(exponent, numbers.Integral) or isinstance(exponent, bool):
            return NotImplemented
        exponent = int(exponent)
        if exponent < 0:
            return SqrtRational.from_rational(1) / self**-exponent
        return SqrtRational(self._sign**exponent, self._square**exponent, self._pi_power * exponent)

    def __add__(self, other: object) -> SqrtRational:
        """Exact sum of two values that share a radical (their ratio is rational).

        Raises ``ValueError`` when the sum is not of the form ``±√(p/q)·π^(k/2)`` (e.g. ``√2 + √3``).
        """
        other = self._coerce(other)
        if other is None:
            return NotImplemented
        if other._sign == 0:
            return self
        if self._sign == 0:
            return other
        ratio = _fraction_sqrt(other._square / self._square) if other._pi_power == self._pi_power else None
        if ratio is None:
            raise ValueError(f"{self} + {other} is not of the form ±√(p/q)·π^(k/2): the radicals differ")
        factor = self._sign + other._sign * ratio  # self + other = |self| · factor
        return SqrtRational((factor > 0) - (factor < 0), self._square * factor * factor, self._pi_power)

    __radd__ = __add__

    def __sub__(self, other: object) -> SqrtRational:
        other = self._coerce(other)
        if other is None:
            return NotImplemented
        return self + (-other)

    def __rsub__(self, other: object) -> SqrtRational:
        other = self._coerce(other)
        if other is None:
            return NotImplemented
        return other + (-self)

    # -- comparison -------------------------------------------------------------------------------------------
    def _key(self) -> tuple[int, Fraction, int]:
        return (self._sign, self._square, self._pi_power)

    def __eq__(self, other: object) -> bool:
        other_exact = self._coerce(other)
        if other_exact is None:
            return NotImplemented
        return self._key() == other_exact._key()

    def __hash__(self) -> int:
        if self._pi_power == 0:
            root = _fraction_sqrt(self._square)
            if root is not None:  # hash like the equal rational number
                return hash(self._sign * root)
        return hash(self._key())

    def __lt__(self, other: object) -> bool:
        other = self._coerce(other)
        if other is None:
            return NotImplemented
        if self._sign != other._sign:
            return self._sign < other._sign
        if self._sign == 0 or self._key() == other._key():
            return False
        if self._pi_power == other._pi_power:
            smaller_magnitude = self._square < other._square
        else:  # unequal (π is transcendental): compare at rising precision until the order is certain
            import mpmath

            dps = 30
            while True:
                with mpmath.workdps(dps):
                    a, b = abs(self).to_mpmath(dps), abs(other).to_mpmath(dps)
                    if abs(a - b) > mpmath.mpf(10) ** (4 - dps) * max(a, b):
                        smaller_magnitude = a < b
                        break
                dps *= 2
        return smaller_magnitude if self._sign > 0 else not smaller_magnitude

    # -- conversions ------------------------------------------------------------------------------------------
    def __float__(self) -> float:
        """The nearest double (round half to even); exact integer arithmetic, no float or mpmath detour."""
        if self._sign == 0:
            return 0.0
        magnitude = round_sqrt_pi_power(self._square.numerator, self._square.denominator, self._pi_power)
        return magnitude if self._sign > 0 else -magnitude

    def to_mpmath(self, dps: int = 50):
        """The value as ``mpmath.mpf`` correct to ``dps`` significant digits (computed with guard digits)."""
        import mpmath

        from assay.core.validation import check_dps

        dps = check_dps(dps)
        if self._sign == 0:
            return mpmath.mpf(0)
        with mpmath.workdps(dps + 10):
            value = mpmath.sqrt(mpmath.mpf(self._square.numerator) / self._square.denominator)
            if self._pi_power:
                value *= mpmath.pi ** (mpmath.mpf(self._pi_power) / 2)
            value = self._sign * value
        with mpmath.workdps(dps):
            return +value

    def to_sympy(self):
        """The value as an exact sympy expression."""
        import sympy

        if self._sign == 0:
            return sympy.Integer(0)
        expr = sympy.sqrt(sympy.Rational(self._square.numerator, self._square.denominator))
        if self._pi_power:
            expr = expr * sympy.pi ** sympy.Rational(self._pi_power, 2)
        return self._sign * expr

    def __repr__(self) -> str:
        square = self._square
        return f"SqrtRational({self._sign}, Fraction({square.numerator}, {square.denominator}), {self._pi_power})"

    def __str__(self) -> str:
        if self._sign == 0:
            return "0"
        root = _fraction_sqrt(self._square)
        body = str(root) if root is not None else f"√({self._square})"
        if self._pi_power:
            body += "·π" if self._pi_power == 2 else f"·π^({self._pi_power}/2)"
        return ("-" if self._sign < 0 else "") + body
