"""The ε conventions of Schrödinger bridges and entropic OT, registered in :mod:`assay.core.conventions`.

Kind ``bridges.epsilon``. assay's default (``half_cost``) is: reference process ``dX = √ε dW`` on [0, 1], i.e.
entropic OT

    min_π ∫ ½‖x − y‖² dπ(x, y) + ε KL(π ‖ p0 ⊗ p1),

whose plan has density ∝ exp(⟨x, y⟩/ε) in the cross term. Every other convention is a number ``e`` that converts
*exactly* to this ε by a fixed rational factor (:func:`to_default` / :func:`from_default`):

- ``half_cost`` (aliases ``lightsb``, ``schrodinger``): ε itself (Light SB, the Gushchin et al. benchmark).
- ``janati_sigma2`` (alias ``janati``): cost ``‖x − y‖² + 2σ² KL`` (Janati et al. 2020); ``e = σ²`` and ε = σ².
- ``full_cost`` (aliases ``pot``, ``sinkhorn_reg``): cost ``‖x − y‖²`` with entropy weight ``e``, e.g. POT's
  ``ot.sinkhorn(a, b, M = ‖x − y‖², reg = e)``; dividing the objective by 2 gives ε = e/2.
- ``diffusion_sigma`` (alias ``torchcfm``): reference process ``dX = σ dW`` with ``e = σ`` (torchcfm's
  ``SchrodingerBridgeConditionalFlowMatcher(sigma)``); ε = σ².
"""

from __future__ import annotations

from fractions import Fraction

from assay.core.conventions import Convention, register, resolve

__all__ = ["EPSILON", "from_default", "to_default"]

EPSILON = "bridges.epsilon"

_ALL = [
    Convention(
        EPSILON, "half_cost",
        "min_π ∫ ½‖x−y‖² dπ + ε KL(π ‖ p0⊗p1); reference process dX = √ε dW",
        "assay's default: Light SB and the mixture benchmark; the plan's joint precision has cross block −I/ε.",
        aliases=("lightsb", "schrodinger", "epsilon"), default=True,
    ),
    Convention(
        EPSILON, "janati_sigma2",
        "min_π ∫ ‖x−y‖² dπ + 2σ² KL(π ‖ p0⊗p1); the value is σ²",
        "Janati et al. 2020 (entropic OT between Gaussians). Same plan as half_cost with ε = σ².",
        aliases=("janati", "sigma2"), conversion="ε = σ² (value unchanged); the OT value is twice the half_cost value",
    ),
    Convention(
        EPSILON, "full_cost",
        "min_π ∫ ‖x−y‖² dπ + reg · KL(π ‖ p0⊗p1); the value is reg",
        "POT's ot.sinkhorn with M = squared Euclidean distances and reg; torchcfm's OTPlanSampler(reg).",
        aliases=("pot", "sinkhorn_reg"), conversion="ε = reg / 2",
    ),
    Convention(
        EPSILON, "diffusion_sigma",
        "reference process dX = σ dW on [0, 1]; the value is σ",
        "torchcfm's SchrodingerBridgeConditionalFlowMatcher(sigma) (bridge noise σ√(t(1−t))).",
        aliases=("torchcfm", "sigma"), conversion="ε = σ²",
    ),
]

for _convention in _ALL:
    register(_convention)


def to_default(value, convention: str):
    """The default-convention ε for the value ``value`` of ``convention`` (exact for Fractions and mpmath)."""
    name = resolve(EPSILON, convention, "convention")
    if name in ("half_cost", "janati_sigma2"):
        return value
    if name == "full_cost":
        return value / 2 if not isinstance(value, int) else Fraction(value, 2)
    return value * value  # diffusion_sigma


def from_default(epsilon, convention: str):
    """The value of ``convention`` that means the default-convention ``epsilon`` (inverse of :func:`to_default`)."""
    name = resolve(EPSILON, convention, "convention")
    if name in ("half_cost", "janati_sigma2"):
        return epsilon
    if name == "full_cost":
        return 2 * epsilon
    import mpmath

    if isinstance(epsilon, mpmath.mpf):
        return mpmath.sqrt(epsilon)
    import math

    return math.sqrt(epsilon)
