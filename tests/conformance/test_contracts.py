"""The accuracy contract table: complete for every capability the chapters test, and consistent."""

from __future__ import annotations

import pytest

from assay.conformance.contracts import EPS, contract_for, contracts, contracts_markdown
from assay.conformance.registry import domains

CONTRACTS = contracts()


def test_every_so3_capability_has_a_value_contract_in_both_dtypes():
    for spec in domains()["so3"].capabilities:
        capability = spec.name
        for dtype in ("float64", "float32"):
            contract = contract_for(capability, "value", dtype)
            assert contract.bound > 0
            assert contract.why


def test_exact_contracts_demand_equality_and_exist_only_for_scalars():
    exact = [c for c in CONTRACTS.values() if c.dtype == "exact"]
    assert {c.capability for c in exact} == {"so3.clebsch_gordan", "so3.wigner_3j", "so3.gaunt", "so3.real_gaunt"}
    assert all(c.bound == 0 and c.unit == "ulp" for c in exact)


def test_exact_dtype_falls_back_to_float64_for_array_measures():
    assert contract_for("so3.clebsch_gordan", "orthogonality", "exact") == CONTRACTS[
        ("so3.clebsch_gordan", "orthogonality", "float64")]


def test_eps_bounds_convert_to_relative_numbers():
    contract = contract_for("so3.spherical_harmonics", "value", "float32")
    assert contract.to_absolute(contract.bound) == pytest.approx(contract.bound * 2.0**-23)
    assert EPS["float64"] == 2.0**-52


def test_unknown_contract_names_the_known_ones():
    with pytest.raises(KeyError, match=r"so3\.spherical_harmonics/value"):
        contract_for("so3.spherical_harmonics", "speed", "float64")


def test_markdown_table_has_one_row_per_capability_and_measure():
    text = contracts_markdown()
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert len(rows) == len({(c.capability, c.measure) for c in CONTRACTS.values()})
    assert "| `so3.spherical_harmonics` | value | 256 eps of ‖Y_l(r)‖" in text
