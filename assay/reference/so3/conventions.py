"""The SO(3) conventions assay names, registered in :mod:`assay.core.conventions`.

Kinds (use these strings with :func:`assay.core.conventions.resolve`):

- ``so3.basis`` — ``real`` (the "Wikipedia" real form; the default), ``complex`` (Condon–Shortley complex SH).
- ``so3.normalization`` — ``integral`` (∫|Y|² dΩ = 1), ``component`` (Σ_m |Y_lm|² = 2l+1), ``norm`` (Σ_m |Y_lm|² = 1).
- ``so3.phase`` — ``condon_shortley`` (the (−1)^m factor), ``none``.
- ``so3.polar_axis`` — ``z`` (physics/Wikipedia), ``y`` (e3nn).
- ``so3.euler`` — ``zyz`` (Edmonds: R = R_z(α) R_y(β) R_z(γ)), ``e3nn_yxy`` (e3nn: R = R_y(α) R_x(β) R_y(γ)).
- ``so3.m_order`` — order of the ``2l+1`` components of degree l: ``ascending`` (m = −l..l), ``descending`` (l..−l).
- ``so3.wigner_D`` — for complex bases: ``edmonds`` (Edmonds' D) or ``conjugate`` (its complex conjugate).
- ``so3.coupling`` — real-basis coupling tensors: ``cg`` (real-basis Clebsch–Gordan, alias ``cuequivariance``:
  e3nn × √(2l3+1)), ``e3nn`` (``o3.wigner_3j``: Frobenius norm 1).
"""

from __future__ import annotations

from assay.core.conventions import Convention, register

__all__ = ["BASIS", "COUPLING", "EULER", "M_ORDER", "NORMALIZATION", "PHASE", "POLAR_AXIS", "WIGNER_D"]

BASIS = "so3.basis"
NORMALIZATION = "so3.normalization"
PHASE = "so3.phase"
POLAR_AXIS = "so3.polar_axis"
EULER = "so3.euler"
COUPLING = "so3.coupling"
M_ORDER = "so3.m_order"
WIGNER_D = "so3.wigner_D"

_ALL = [
    Convention(
        BASIS, "complex",
        "Y_l^m(θ,φ) = (−1)^m √((2l+1)/(4π)·(l−m)!/(l+m)!) P_l^m(cos θ) e^{imφ} (m ≥ 0), Y_l^{−m} = (−1)^m conj(Y_l^m)",
        "Complex spherical harmonics with the Condon–Shortley phase; P_l^m without the (−1)^m factor. "
        "Equal to mpmath.spherharm and sympy.Ynm.",
        aliases=("condon_shortley_complex",),
        conversion="Y_complex = U^H Y_real, U = assay.reference.so3.change_of_basis(l, 'complex', 'real').",
    ),
    Convention(
        BASIS, "real",
        "Y_{l,m} = √2 (−1)^m Im Y_l^{|m|} (m<0), Y_l^0 (m=0), √2 (−1)^m Re Y_l^m (m>0); order m = −l..l",
        "The real form of Wikipedia, sphericart and (with the polar axis on y) e3nn.",
        aliases=("wikipedia", "sphericart"), default=True,
        conversion="Y_real = U Y_complex, U = assay.reference.so3.change_of_basis(l, 'complex', 'real').",
    ),
    Convention(NORMALIZATION, "integral", "∫ |Y_lm|² dΩ = 1", "Orthonormal on the sphere.",
               aliases=("orthonormal",), default=True),
    Convention(NORMALIZATION, "component", "Σ_m |Y_lm|² = 2l+1", "Integral form × √(4π).", aliases=("4pi",),
               conversion="× √(4π) relative to integral"),
    Convention(NORMALIZATION, "norm", "Σ_m |Y_lm|² = 1",
               "Integral form × √(4π/(2l+1)); Schmidt semi-normalized, Racah.",
               aliases=("schmidt", "racah", "seminormalized"), conversion="× √(4π/(2l+1)) relative to integral"),
    Convention(PHASE, "condon_shortley", "includes (−1)^m", "The Condon–Shortley phase.", aliases=("cs",),
               default=True),
    Convention(PHASE, "none", "omits (−1)^m", "No Condon–Shortley phase (geodesy, some graphics code).",
               aliases=("no_condon_shortley",), conversion="multiply Y_l^m by (−1)^m"),
    Convention(POLAR_AXIS, "z", "θ measured from +z, φ from +x towards +y", "Physics and Wikipedia.", default=True),
    Convention(POLAR_AXIS, "y", "Y_y(x, y, z) = Y_z(z, x, y)", "e3nn's choice: the polar axis is +y.",
               aliases=("e3nn",), conversion="evaluate the z-polar harmonic at the permuted point (z, x, y)"),
    Convention(EULER, "zyz", "R = R_z(α) R_y(β) R_z(γ); D_{m'm} = e^{−im'α} d_{m'm}(β) e^{−imγ}",
               "Edmonds / Wigner active ZYZ convention.", aliases=("edmonds",), default=True),
    Convention(EULER, "e3nn_yxy", "R = R_y(α) R_x(β) R_y(γ)",
               "e3nn's o3.angles_to_matrix / D_from_angles: γ about y first, then β about x, then α about y.",
               aliases=("yxy", "e3nn")),
    Convention(COUPLING, "cg",
               "C_{m1 m2 m3} = i^(l1+l2−l3) Σ_μ U1_{m1μ1} U2_{m2μ2} conj(U3_{m3μ3}) ⟨l1 μ1; l2 μ2 | l3 μ3⟩",
               "Real-basis Clebsch–Gordan tensor (U: complex → real, assay.reference.so3.change_of_basis); the phase "
               "i^(l1+l2−l3) makes every entry real. Σ_{m1 m2} C² = 1 for each m3. Equal to cuEquivariance's tensors.",
               aliases=("cuequivariance", "cue", "real_cg"), default=True),
    Convention(COUPLING, "e3nn", "C / √(2l3+1)", "e3nn.o3.wigner_3j: Frobenius norm 1, same signs as cg.",
               conversion="divide the cg tensor by √(2l3+1)"),
    Convention(M_ORDER, "ascending", "components ordered m = −l, …, l",
               "e3nn, sphericart (index l(l+1)+m) and assay.", default=True),
    Convention(M_ORDER, "descending", "components ordered m = l, …, −l", "Some quantum-chemistry codes.",
               conversion="reverse the 2l+1 components of each degree"),
    Convention(WIGNER_D, "edmonds", "D_{m'm}(α,β,γ) = e^{−im'α} d_{m'm}(β) e^{−imγ} = ⟨l m'|R|l m⟩",
               "Edmonds' D (sympy, e3nn's complex form, assay): Y(R⁻¹ r) = D(R)ᵀ Y(r) for complex harmonics.",
               default=True),
    Convention(WIGNER_D, "conjugate", "conj(D_{m'm}(α,β,γ)) = e^{+im'α} d_{m'm}(β) e^{+imγ}",
               "The complex conjugate of Edmonds' D (moble's spherical/quaternionic, many physics texts).",
               aliases=("conjugate_edmonds",), conversion="take the complex conjugate; identical for real bases"),
]

for _convention in _ALL:
    register(_convention)
