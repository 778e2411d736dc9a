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
import sys
from fractions import Fraction

__all__ = ["MAX_PI_POWER", "MAX_POWER_BITS", "SqrtRational", "correctly_rounded_sqrt", "round_sqrt_pi_power"]

#: ``|pi_power|`` up to which :func:`round_sqrt_pi_power` (and so ``float()``) works: the bracket on ``π^(p/2)``
#: holds integers of ``96·|p|`` bits or more (about 120 KB at this limit). assay's values have ``|p| ≤ 2``.
MAX_PI_POWER = 10_000
#: ``x ** n`` is refused when its square's numerator or denominator would exceed this many bits (2 MiB each).
MAX_POWER_BITS = 1 << 24


def _plain_int(value: object, name: str) -> int:
    """``value`` as a Python int: Python and numpy integers are accepted, bools and everything else refused."""
    if type(value) is int:  # the fast path (the table builders call this per value)
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        kind = "a bool" if isinstance(value, bool) else type(value).__name__
        raise TypeError(f"{name} must be an int, got {kind}")
    return int(value)


def correctly_rounded_sqrt(numerator: int, denominator: int = 1) -> float:
    """Return ``√(numerator/denominator)`` rounded to the nearest double (ties to even).

    Uses only integer arithmetic: ``s = ⌊√(n·4^k/d)⌋`` with at least 56 significant bits, a sticky bit that records
    whether the square root was inexact, and Python's correctly rounded ``int / int`` true division.

    Python and numpy integers are accepted; a result beyond the float64 range raises ``OverflowError``.
    """
    numerator, denominator = _plain_int(numerator, "numerator"), _plain_int(denominator, "denominator")
    if numerator < 0:
        raise ValueError(f"numerator must be >= 0 (the square root of a negative number is not real), got "
                         f"{_int_text(numerator)}")
    if denominator <= 0:
        raise ValueError(f"denominator must be > 0, got {_int_text(denominator)}")
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
    try:
        if exponent >= 0:
            return doubled / (1 << exponent)
        return float(doubled << -exponent)
    except OverflowError:
        raise OverflowError(f"√(numerator/denominator) ≈ 2^{magnitude // 2} is beyond the float64 range") from None


def _pi_bounds(bits: int) -> tuple[int, int]:
    """Integers ``lo, hi`` with ``lo < π·2^bits < hi``."""
    from mpmath.libmp import pi_fixed

    guard = 16
    approx = pi_fixed(bits + guard) >> guard  # pi_fixed is accurate to a few units in its last place
    return approx - 2, approx + 2


def round_sqrt_pi_power(numerator: int, denominator: int, pi_power: int) -> float:
    """Correctly rounded ``√(numerator/denominator) · π^(pi_power/2)`` for ``numerator >= 0``, ``denominator > 0``.

    ``|pi_power| ≤`` :data:`MAX_PI_POWER`. A value beyond the float64 range raises ``OverflowError``; one below
    half the smallest subnormal is ``0.0``.
    """
    numerator, denominator = _plain_int(numerator, "numerator"), _plain_int(denominator, "denominator")
    pi_power = _plain_int(pi_power, "pi_power")
    if pi_power == 0 or numerator <= 0:
        return correctly_rounded_sqrt(numerator, denominator)
    if denominator <= 0:
        raise ValueError(f"denominator must be > 0, got {_int_text(denominator)}")
    if abs(pi_power) > MAX_PI_POWER:
        raise ValueError(f"pi_power must satisfy |pi_power| <= {MAX_PI_POWER} (the bracket on π^(p/2) grows with "
                         f"it), got {pi_power}")
    # log2 of the value to within ±2: decide overflow and underflow before building large powers of π
    log2_value = (numerator.bit_length() - denominator.bit_length()) / 2 + pi_power * math.log2(math.pi) / 2
    if log2_value > 1026:
        raise OverflowError(f"√(numerator/denominator)·π^({pi_power}/2) ≈ 2^{log2_value:.0f} is beyond the float64 "
                            "range")
    if log2_value < -1078:
        return 0.0
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


class SqrtRational:
    """The exact real number ``sign · √square · π^(pi_power/2)``.

    Build one with :meth:`sqrt` (``SqrtRational.sqrt(Fraction(3, 5))`` is √(3/5)), :meth:`from_rational`, or the
    constructor ``SqrtRational(sign, square, pi_power=0)``: ``sign`` is -1, 0 or 1, ``square`` a rational ``>= 0``
    (int, ``Fraction``, numpy integer, or a finite float taken at its exact binary value), ``pi_power`` an int.
    Values compare exactly with each other, with rationals and with floats (``SqrtRational(1, 1) == 1.0``, as
    ``Fraction(1) == 1.0``); NaN compares unequal and unordered.
    """

    __slots__ = ("_pi_power", "_sign", "_square")

    def __init__(self, sign: int, square: Fraction | int = 1, pi_power: int = 0) -> None:
        if type(sign) is not int:
            sign = _plain_int(sign, "sign")
        if sign not in (-1, 0, 1):
            raise ValueError(f"sign must be -1, 0 or 1, got {sign!r}")
        if type(square) is not Fraction:
            square = Fraction(square) if type(square) is int else _exact_rational(square, "square")
        if type(pi_power) is not int:
            pi_power = _plain_int(pi_power, "pi_power")
        if square < 0:
            raise ValueError(f"square must be >= 0, got {_fraction_text(square)}")
        if sign == 0 or square == 0:
            sign, square, pi_power = 0, Fraction(0), 0
        self._sign = sign
        self._square = square
        self._pi_power = pi_power

    @classmethod
    def _of(cls, sign: int, square: Fraction, pi_power: int) -> SqrtRational:
        """Internal constructor from parts known to be valid (ints, a Fraction >= 0): no checks."""
        value = object.__new__(cls)
        if sign == 0 or not square:
            sign, square, pi_power = 0, Fraction(0), 0
        value._sign, value._square, value._pi_power = sign, square, pi_power
        return value

    # -- constructors -----------------------------------------------------------------------------------------
    @classmethod
    def sqrt(cls, square: Fraction | int, pi_power: int = 0) -> SqrtRational:
        """``√square · π^(pi_power/2)`` for a non-negative rational ``square``."""
        return cls(1, Fraction(square), pi_power)

    @classmethod
    def from_rational(cls, value: Fraction | int) -> SqrtRational:
        """The rational number ``value`` itself (a finite float is taken at its exact binary value)."""
        if type(value) is not Fraction:
            value = Fraction(value) if type(value) is int else _exact_rational(value, "value")
        return cls._of((value > 0) - (value < 0), value * value, 0)

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
        return SqrtRational._of(-self._sign, self._square, self._pi_power)

    def __pos__(self) -> SqrtRational:
        return self

    def __abs__(self) -> SqrtRational:
        return SqrtRational._of(abs(self._sign), self._square, self._pi_power)

    def __mul__(self, other: object) -> SqrtRational:
        other = self._coerce(other)
        if other is None:
            return NotImplemented
        return SqrtRational._of(self._sign * other._sign, self._square * other._square,
                                self._pi_power + other._pi_power)

    __rmul__ = __mul__

    def __truediv__(self, other: object) -> SqrtRational:
        other = self._coerce(other)
        if other is None:
            return NotImplemented
        if other._sign == 0:
            raise ZeroDivisionError("division of a SqrtRational by zero")
        return SqrtRational._of(self._sign * other._sign, self._square / other._square,
                                self._pi_power - other._pi_power)

    def __rtruediv__(self, other: object) -> SqrtRational:
        other = self._coerce(other)
        if other is None:
            return NotImplemented
        return other / self

    def __pow__(self, exponent: int) -> SqrtRational:
        if not isinstance(exponent, numbers.Integral) or isinstance(exponent, bool):
            return NotImplemented
        exponent = int(exponent)
        bits = max(self._square.numerator.bit_length(), self._square.denominator.bit_length(), 1)
        if abs(exponent) * bits > MAX_POWER_BITS:
            raise ValueError(f"exponent is too large: the square of x**{exponent} would hold integers of about "
                             f"{abs(exponent) * bits} bits (limit MAX_POWER_BITS = {MAX_POWER_BITS})")
        if exponent < 0:
            return SqrtRational.from_rational(1) / self**-exponent
        return SqrtRational._of(self._sign**exponent, self._square**exponent, self._pi_power * exponent)

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
        return SqrtRational._of((factor > 0) - (factor < 0), self._square * factor * factor, self._pi_power)

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

    def _compare(self, other: object):
        """-1, 0 or 1 comparing ``self`` with ``other``; None when unordered (NaN); NotImplemented for other types."""
        other_exact = self._coerce(other)
        if other_exact is None:
            if isinstance(other, bool) or not isinstance(other, numbers.Real):
                return NotImplemented
            as_float = float(other)  # float, numpy floating, mpmath / sympy reals: compared at their exact value
            if math.isnan(as_float):
                return None
            if math.isinf(as_float):
                return -1 if as_float > 0 else 1
            if type(other) not in (float,) and as_float != other:  # not exactly a double (e.g. an mpf at 50 digits)
                return NotImplemented
            other_exact = SqrtRational.from_rational(Fraction(as_float))
        if self._key() == other_exact._key():
            return 0
        return -1 if self._less(other_exact) else 1

    def __eq__(self, other: object) -> bool:
        order = self._compare(other)
        return order if order is NotImplemented else order == 0

    def __ne__(self, other: object) -> bool:
        order = self._compare(other)
        return order if order is NotImplemented else order != 0

    def __hash__(self) -> int:
        if self._pi_power == 0:
            root = _fraction_sqrt(self._square)
            if root is not None:  # hash like the equal rational number (and so like an equal float)
                return hash(self._sign * root)
        return hash(self._key())

    def __lt__(self, other: object) -> bool:
        order = self._compare(other)
        return order if order is NotImplemented else order == -1

    def __le__(self, other: object) -> bool:
        order = self._compare(other)
        return order if order is NotImplemented else order in (-1, 0)

    def __gt__(self, other: object) -> bool:
        order = self._compare(other)
        return order if order is NotImplemented else order == 1

    def __ge__(self, other: object) -> bool:
        order = self._compare(other)
        return order if order is NotImplemented else order in (0, 1)

    def _less(self, other: SqrtRational) -> bool:
        """``self < other`` for two unequal values."""
        if self._sign != other._sign:
            return self._sign < other._sign
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
        """``SqrtRational(sign, Fraction(p, q), pi_power)`` — valid Python; integers too long for decimal text
        (Python's int-digit limit) are written in hexadecimal."""
        square = self._square
        return (f"SqrtRational({self._sign}, Fraction({_int_literal(square.numerator)}, "
                f"{_int_literal(square.denominator)}), {self._pi_power})")

    def __str__(self) -> str:
        if self._sign == 0:
            return "0"
        root = _fraction_sqrt(self._square)
        body = _fraction_text(root) if root is not None else f"√({_fraction_text(self._square)})"
        if self._pi_power:
            body += "·π" if self._pi_power == 2 else f"·π^({self._pi_power}/2)"
        return ("-" if self._sign < 0 else "") + body


def _exact_rational(value: object, name: str) -> Fraction:
    """``value`` as an exact ``Fraction``: ints (Python, numpy), rationals, finite floats at their binary value."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a rational number, not a bool")
    if isinstance(value, numbers.Rational):
        return Fraction(int(value.numerator), int(value.denominator))
    if isinstance(value, float) or (isinstance(value, numbers.Real) and hasattr(value, "dtype")):  # numpy floats
        as_float = float(value)
        if not math.isfinite(as_float):
            raise ValueError(f"{name} must be a finite rational number, got {value!r}")
        return Fraction(as_float)
    raise TypeError(f"{name} must be a rational number (int, Fraction or float), got {type(value).__name__}")


def _int_digits_limit() -> int:
    getter = getattr(sys, "get_int_max_str_digits", None)
    limit = getter() if getter is not None else 0
    return limit if limit > 0 else 1 << 62


def _too_long_for_decimal(value: int) -> bool:
    # digits ≈ bits · log10(2); stay clear of the limit by a margin
    return value.bit_length() * 0.30103 > _int_digits_limit() - 10


def _int_literal(value: int) -> str:
    """Decimal text of ``value``, or a hexadecimal literal where decimal would exceed Python's int-digit limit."""
    if _too_long_for_decimal(value):
        return ("-" if value < 0 else "") + hex(abs(value))
    return str(value)


def _int_text(value: int) -> str:
    """Human-readable ``value``: decimal, or ``≈d.ddddde+N`` (with its bit length) when decimal is too long."""
    if not _too_long_for_decimal(value):
        return str(value)
    import mpmath

    with mpmath.workdps(10):
        approximate = mpmath.nstr(mpmath.mpf(value), 6)
    return f"≈{approximate} ({value.bit_length()} bits)"


def _fraction_text(value: Fraction) -> str:
    if value.denominator == 1:
        return _int_text(value.numerator)
    return f"{_int_text(value.numerator)}/{_int_text(value.denominator)}"
