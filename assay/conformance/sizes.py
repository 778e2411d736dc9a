"""How much each conformance profile checks (degrees, number of points and rotations).

``--assay-profile`` picks a row; the Hypothesis settings of the same name (``assay.core.profiles``) are loaded too.
Without the option the ``ci`` row is used and the Hypothesis settings are left as they are.
"""

from __future__ import annotations

__all__ = ["DEFAULT_PROFILE", "SIZES", "sizes"]

DEFAULT_PROFILE = "ci"

SIZES: dict[str, dict[str, int]] = {
    # twice_j_max: CG/3j up to j = twice_j_max/2 (half-integers included); gaunt_l_max: Gaunt and real Gaunt;
    # tensor_l_max: real coupling tensors; sh_l_max: spherical harmonics; d_l_max: Wigner D; gtp_l_max: the
    # Gaunt tensor product inputs; points: sample points on the sphere; rotations: sample rotations.
    "quick": {"twice_j_max": 4, "gaunt_l_max": 2, "tensor_l_max": 2, "sh_l_max": 6, "d_l_max": 4,
              "gtp_l_max": 2, "points": 6, "rotations": 2},
    "ci": {"twice_j_max": 6, "gaunt_l_max": 3, "tensor_l_max": 3, "sh_l_max": 16, "d_l_max": 8,
           "gtp_l_max": 3, "points": 12, "rotations": 3},
    "thorough": {"twice_j_max": 10, "gaunt_l_max": 5, "tensor_l_max": 4, "sh_l_max": 20, "d_l_max": 14,
                 "gtp_l_max": 5, "points": 60, "rotations": 10},
}


def sizes(profile: str | None) -> dict[str, int]:
    """The size row of ``profile`` (``None`` → ``ci``)."""
    name = profile or DEFAULT_PROFILE
    if name not in SIZES:
        raise ValueError(f"profile must be one of {', '.join(SIZES)}; got {name!r}")
    return SIZES[name]
