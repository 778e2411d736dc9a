"""Constant tables of the spherical-harmonics kernel (:mod:`assay.kernels.so3.harmonics`), computed once per degree.

The kernel runs a *rescaled* recurrence whose coefficients are exact rationals or powers of two, and multiplies by
one factor per component at the end. For ``0 ≤ |m| ≤ l`` it computes

    Q_{l,±l} = Re / Im (x + i y)^l,
    Q_{l,m}  = 2z · Q_{l−1,m} − β_{l,m} r² Q_{l−2,m}        (|m| ≤ l − 1; the second term only for |m| ≤ l − 2),
    β_{l,m}  = 4((l−1)² − m²) / (4(l−1)² − 1),

so that ``Q_{l,m}(r) = 2^{l−|m|} p_{l−|m|}^{|m|}(z) · Re/Im (x + i y)^{|m|}`` with ``p`` the *monic* polynomial in
``z`` (leading coefficient 1) of the associated Legendre function ``P_l^{|m|}(z) / sin^{|m|} θ``. The real
integral-normalized harmonic is ``Y_{l,m} = s_{l,m} Q_{l,m}`` with (for ``m ≠ 0``; without the leading 2 at m = 0)

    s_{l,m}² = (2l+1)/(2π) · ((2l)!)² / ((l+|m|)! (l−|m|)! (l!)² 4^{2l−|m|}).

(``2z`` and ``4β`` differ from the monic recurrence only by powers of two, so they round exactly as it does; the
factor ``2^{l−|m|}`` keeps every ``Q`` within ``2^{±0.32 l}`` of ``Y``, which is what makes float32 usable to
l = 200 and float64 far beyond the kernel's limit.) ``β`` is rounded once (an integer quotient) and ``s`` once, from
mpmath at 113 bits, so the only per-point roundings are those of the recurrence itself.

The backward pass uses the derivatives of the solid harmonics ``r^l Y_{l,m}(r/|r|)`` (homogeneous polynomials): each
``∂Y_{l,m}/∂x_a`` is a combination of at most two degree-``l−1`` harmonics (``m ± 1`` for x and y — mirrored in
m for y — and ``m`` for z). :func:`gradient_tables` holds them turned around, per *target* ``(l−1, m')``: which
rows of the incoming gradient feed it and with what factor (see :func:`gradient_tables` for the formulas).

Every table is cached per degree in a bounded ``lru_cache``.
"""

from __future__ import annotations

import math
from functools import lru_cache

import mpmath
import numpy as np

__all__ = ["beta_table", "component_scales", "gradient_tables", "mirror_index"]

_PRECISION_BITS = 113


def _degree_orders(lmax: int) -> tuple[np.ndarray, np.ndarray]:
    degrees = np.repeat(np.arange(lmax + 1), 2 * np.arange(lmax + 1) + 1)
    orders = np.concatenate([np.arange(-l, l + 1) for l in range(lmax + 1)])
    return degrees, orders


@lru_cache(maxsize=16)
def beta_table(lmax: int) -> tuple[np.ndarray, ...]:
    """``4β_{l,m}`` for ``m = −(l−2)..l−2``, one float64 array per degree ``l`` (empty for l < 2).

    Numerator and denominator are integers below 2⁵³, so each entry is one correctly rounded division."""
    out = [np.zeros(0), np.zeros(0)][: lmax + 1]
    for l in range(2, lmax + 1):
        m = np.arange(-(l - 2), l - 1, dtype=np.float64)
        out.append((4.0 * ((l - 1.0) ** 2 - m * m)) / (4.0 * (l - 1.0) ** 2 - 1.0))
    return tuple(out)


@lru_cache(maxsize=4)
def _monic_scales_squared(lmax: int) -> list[list]:
    """``s_{l,|m|}²`` as mpmath numbers, ``[l][|m|]``."""
    out = []
    with mpmath.workprec(_PRECISION_BITS):
        for l in range(lmax + 1):
            # m = 0: (2l+1)/(4π) · ((2l)!)² / ((l!)⁴ 16^l); then s²_{l,1} = s²_{l,0} · 2 · 4l/(l+1) (the √2 of m ≠ 0)
            # and s²_{l,m+1} = s²_{l,m} · 4(l−m)/(l+m+1)
            current = (mpmath.mpf(2 * l + 1) / (4 * mpmath.pi) * mpmath.factorial(2 * l) ** 2
                       / (mpmath.factorial(l) ** 4 * mpmath.mpf(16) ** l))
            row = [current]
            for m in range(l):
                current = current * (4 * (l - m)) / (l + m + 1) * (2 if m == 0 else 1)
                row.append(current)
            out.append(row)
    return out


def _convention_factor_squared(l: int, m: int, normalization: str, phase: str, halve: bool):
    """(factor², sign) of the convention relative to real, integral, Condon–Shortley."""
    square = mpmath.mpf(1)
    if normalization == "component":
        square = 4 * mpmath.pi
    elif normalization == "norm":
        square = 4 * mpmath.pi / (2 * l + 1)
    if halve and m != 0:
        square = square / 2
    sign = -1.0 if (phase == "none" and abs(m) % 2 == 1) else 1.0
    return square, sign


@lru_cache(maxsize=32)
def component_scales(lmax: int, normalization: str = "integral", phase: str = "condon_shortley",
                     halve: bool = False) -> np.ndarray:
    """``σ_k = s_{l,m} · c_{l,m}`` for every component ``k = l² + l + m`` (float64, rounded once): the factor from
    the rescaled recurrence to the harmonic in the given normalization and phase; ``halve`` multiplies ``m ≠ 0`` by
    ``1/√2`` (the real → complex combination)."""
    squares = _monic_scales_squared(lmax)
    out = np.empty((lmax + 1) ** 2)
    with mpmath.workprec(_PRECISION_BITS):
        for l in range(lmax + 1):
            for m in range(l + 1):  # the factor depends on |m| only
                factor, sign = _convention_factor_squared(l, m, normalization, phase, halve)
                out[l * l + l + m] = out[l * l + l - m] = sign * float(mpmath.sqrt(squares[l][m] * factor))
    return out


@lru_cache(maxsize=16)
def mirror_index(lmax: int) -> np.ndarray:
    """For each component ``(l, m)`` the index of ``(l, −m)``."""
    degrees, orders = _degree_orders(lmax)
    return degrees * degrees + degrees - orders


@lru_cache(maxsize=32)
def gradient_tables(lmax: int, normalization: str = "integral", phase: str = "condon_shortley",
                    halve: bool = False) -> dict[str, np.ndarray]:
    """Factors of the backward pass, one row per target component ``k' = (l−1)² + j'`` (``j' = m' + l − 1``), for
    ``l = 1..lmax`` (``lmax²`` rows).

    With ``g`` the gradient of the output (component ``k`` of the output is ``σ_k Q_k``), ``gm`` the same with
    each degree block reversed (``gm[l, m] = g[l, −m]``) and ``Q`` the recurrence values at the point,

        ∂L/∂x = Σ_{k'} Q_{k'} (ax_{k'} g[l² + j'] + bx_{k'} g[l² + j' + 2]),
        ∂L/∂y = Σ_{k'} Q_{k'} (ay_{k'} gm[l² + j'] + by_{k'} gm[l² + j' + 2]),
        ∂L/∂z = Σ_{k'} Q_{k'} cz_{k'} g[l² + j' + 1],

    the derivatives of the solid harmonics ``r^l Y``. For the Racah-normalized real solid harmonics ``ρ``
    (``Y = √((2l+1)/(4π)) ρ``), with ``α_m = √((l−m)(l−m−1))``, ``γ_m = √((l+m)(l+m−1))`` at the source degree l:

        ∂_z ρ_{l,μ} = √((l+|μ|)(l−|μ|)) ρ_{l−1,μ};
        m ≥ 1:  ∂_x ρ_{l,±m} = (−α_m ρ_{l−1,±(m+1)} + γ_m ρ_{l−1,±(m−1)})/2,
                ∂_y ρ_{l,m} = −(α_m ρ_{l−1,−(m+1)} + γ_m ρ_{l−1,−(m−1)})/2,
                ∂_y ρ_{l,−m} = (α_m ρ_{l−1,m+1} + γ_m ρ_{l−1,m−1})/2,
                where a term landing on ρ_{l−1,0} carries an extra √2 and a term landing on "ρ_{l−1,−0}" is absent;
        m = 0:  ∂_x ρ_{l,0} = −√(l(l−1)/2) ρ_{l−1,1},   ∂_y ρ_{l,0} = −√(l(l−1)/2) ρ_{l−1,−1}.

    (These follow from ``∂_z R_l^m = √((l+m)(l−m)) R_{l−1}^m``, ``(∂_x + i∂_y) R_l^m = √((l−m)(l−m−1)) R_{l−1}^{m+1}``
    and ``(∂_x − i∂_y) R_l^m = −√((l+m)(l+m−1)) R_{l−1}^{m−1}`` for the complex Racah solid harmonics with the
    Condon–Shortley phase; the tests check them against autograd through the recurrence.) Each factor is then
    multiplied by ``√((2l+1)/(2l−1))`` (integral normalization), the output's convention factor of the source
    component and ``s`` of the target (``Y_{k'} = s_{k'} Q_{k'}``). Float64, a few roundings per entry. Returned
    arrays (length ``lmax²``): ``ax, bx, ay, by, cz`` and the source rows ``ia = l² + j'``, ``ib = ia + 2``,
    ``iz = ia + 1``.
    """
    target_scale = component_scales(max(lmax - 1, 0))  # s_{l−1,m'}, integral normalization
    out: dict[str, np.ndarray] = {}
    parts: dict[str, list] = {name: [] for name in ("ax", "bx", "ay", "by", "cz", "ia")}
    root2 = math.sqrt(2.0)
    for l in range(1, lmax + 1):
        target = np.arange(-(l - 1), l)
        t = np.abs(target)

        def alpha(m, l=l):
            return np.sqrt(np.maximum(np.asarray((l - m) * (l - m - 1), dtype=np.float64), 0.0))

        def gamma(m, l=l):
            return np.sqrt(np.asarray((l + m) * (l + m - 1), dtype=np.float64))

        positive, negative, zero = target >= 1, target <= -1, target == 0
        ax = np.where(positive, -alpha(target - 1) / 2 * np.where(target == 1, root2, 1.0),
                      np.where(negative, gamma(t + 1) / 2, 0.0))
        bx = np.where(positive, gamma(target + 1) / 2,
                      np.where(negative, np.where(t >= 2, -alpha(t - 1) / 2, 0.0), root2 * gamma(1) / 2))
        ay = np.where(positive, np.where(target >= 2, alpha(target - 1) / 2, 0.0),
                      np.where(negative, -gamma(t + 1) / 2, 0.0))
        by = np.where(positive, gamma(target + 1) / 2,
                      np.where(negative, -alpha(t - 1) / 2 * np.where(t == 1, root2, 1.0), root2 * gamma(1) / 2))
        cz = np.sqrt(((l + t) * (l - t)).astype(np.float64))
        # source orders of each term (for the output's convention factor, which depends on |m| only)
        sources = {"ax": t + np.where(positive, -1, 1), "bx": t + np.where(negative, -1, 1),
                   "ay": t + np.where(positive, -1, 1), "by": t + np.where(negative, -1, 1), "cz": t}
        sources["ax"] = np.where(zero, 1, sources["ax"])
        sources["ay"] = np.where(zero, 1, sources["ay"])
        common = math.sqrt((2 * l + 1) / (2 * l - 1)) * target_scale[(l - 1) ** 2 + (l - 1) + target]
        for name, factor in (("ax", ax), ("bx", bx), ("ay", ay), ("by", by), ("cz", cz)):
            parts[name].append(factor * common * _convention_factors(l, sources[name], normalization, phase, halve))
        parts["ia"].append(l * l + target + l - 1)
    for name, values in parts.items():
        out[name] = np.concatenate(values) if values else np.zeros(0, dtype=np.int64 if name == "ia" else None)
    out["ia"] = out["ia"].astype(np.int64)
    out["ib"] = out["ia"] + 2
    out["iz"] = out["ia"] + 1
    return out


def _convention_factors(l: int, orders: np.ndarray, normalization: str, phase: str, halve: bool) -> np.ndarray:
    """Float64 convention factor of the components ``(l, ±orders)`` (see :func:`component_scales`)."""
    factor = np.ones(len(orders))
    if normalization == "component":
        factor *= math.sqrt(4.0 * math.pi)
    elif normalization == "norm":
        factor *= math.sqrt(4.0 * math.pi / (2 * l + 1))
    if halve:
        factor = np.where(orders != 0, factor * math.sqrt(0.5), factor)
    if phase == "none":
        factor = np.where(np.abs(orders) % 2 == 1, -factor, factor)
    return factor
