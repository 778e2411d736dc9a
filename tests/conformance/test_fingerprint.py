"""Convention fingerprints identify implementations from their outputs alone."""

from __future__ import annotations

import pytest

from assay.conformance.so3.fingerprint import fingerprint


def _sh(spec: str):
    return fingerprint(spec).matches["spherical harmonics"]


def test_e3nn_is_real_integral_y_polar():
    result = fingerprint("e3nn")
    sh = result.matches["spherical harmonics"]
    assert sh.identified
    assert sh.convention == {"so3.basis": "real", "so3.normalization": "integral", "so3.phase": "condon_shortley",
                             "so3.polar_axis": "y", "so3.m_order": "ascending"}
    assert result.matches["coupling tensors"].convention["so3.coupling"] == "e3nn"
    assert result.matches["Euler angles"].convention == {"so3.euler": "e3nn_yxy"}
    assert "real, integral-normalized, Condon–Shortley phase, polar axis y" in result.text()


@pytest.mark.parametrize("normalization", ["component", "norm"])
def test_e3nn_other_normalizations_when_asked(normalization):
    sh = _sh(f"e3nn[normalization={normalization}]")
    assert sh.identified and sh.convention["so3.normalization"] == normalization


def test_sympy_is_complex_condon_shortley_z_polar():
    result = fingerprint("sympy")
    sh = result.matches["spherical harmonics"]
    assert sh.identified
    assert sh.convention["so3.basis"] == "complex"
    assert sh.convention["so3.phase"] == "condon_shortley"
    assert sh.convention["so3.polar_axis"] == "z"
    assert "coupling tensors" in result.not_provided


def test_builtin_coupling_tensors_are_cg_normalized():
    match = fingerprint("builtin").matches["coupling tensors"]
    assert match.identified and match.convention["so3.coupling"] == "cg"
    assert match.convention["sign"] == "sign as e3nn and cuEquivariance"


def test_a_declared_variant_is_found_from_outputs():
    sh = _sh("builtin[phase=none,polar_axis=y]")
    assert sh.identified and sh.convention["so3.phase"] == "none" and sh.convention["so3.polar_axis"] == "y"


def test_sign_flipped_harmonics_match_no_known_convention():
    sh = _sh("buggy-sh-negative-m")
    assert not sh.identified
    assert sh.distance > 0.5
    assert sh.describe().startswith("matches no known convention; the nearest is")


def test_the_conjugate_of_edmonds_D_is_named_not_unknown():
    """moble's spherical returns the complex conjugate of Edmonds' D: the fingerprint must say so."""
    import numpy as np

    from assay.conformance.adapters import Adapter, capability, load_adapter
    from assay.conformance.so3.fingerprint import fingerprint as so3_fingerprint

    sympy_adapter = load_adapter("sympy")

    class Conjugated(Adapter):
        name = "conjugated"

        def __init__(self):
            self.conventions = dict(sympy_adapter.conventions)

        @capability("so3.wigner_D")
        def wigner_D(self, l, alpha, beta, gamma):
            return np.conj(np.asarray(sympy_adapter.get("so3.wigner_D")(l, alpha, beta, gamma), dtype=complex))

    match = so3_fingerprint(Conjugated()).matches["Euler angles"]
    assert match.identified and match.convention == {"so3.euler": "zyz", "so3.wigner_D": "conjugate"}
    assert "the conjugate of ZYZ Edmonds" in match.describe()
