"""3j and CG tables: size, layout, correct rounding, lookups."""

from __future__ import annotations

import random

import numpy as np
import pytest

from assay.reference.so3.coupling import clebsch_gordan, wigner_3j
from assay.reference.so3.tables import clebsch_gordan_table, wigner_3j_table


@pytest.mark.parametrize(("lmax", "size"), [(0, 1), (6, 7651), (10, 72809)])
def test_table_sizes(lmax, size):
    assert len(wigner_3j_table(lmax)) == size
    assert len(clebsch_gordan_table(lmax)) == size


@pytest.mark.parametrize(
    ("table_of", "exact_of"), [(wigner_3j_table, wigner_3j), (clebsch_gordan_table, clebsch_gordan)]
)
def test_every_entry_is_the_correctly_rounded_exact_value(table_of, exact_of):
    table = table_of(6)
    for key, value in zip(table.keys.tolist(), table.values.tolist()):
        assert value == float(exact_of(*key))


def test_lookups_and_blocks_agree():
    table = wigner_3j_table(8)
    rng = random.Random(8)
    for _ in range(500):
        position = rng.randrange(len(table))
        key = tuple(int(v) for v in table.keys[position])
        assert table.index(*key) == position and table(*key) == table.values[position]
    assert table(2, 2, 2, 1, 1, 1) == 0.0  # m1+m2+m3 != 0
    assert table.index(1, 1, 3, 0, 0, 0) is None  # triangle
    block = table.block(3, 2, 4)
    assert block.shape == (7, 5, 9)
    assert block[3 + 1, 2 - 2, 4 + 1] == float(wigner_3j(3, 2, 4, 1, -2, 1))
    cg = clebsch_gordan_table(4)
    assert cg(2, 1, 3, 1, 1, 2) == float(clebsch_gordan(2, 1, 3, 1, 1, 2))


def test_table_is_read_only_and_cached():
    table = wigner_3j_table(3)
    assert table is wigner_3j_table(3)
    with pytest.raises(ValueError):
        table.values[0] = 1.0


def test_lookup_errors():
    table = wigner_3j_table(4)
    with pytest.raises(ValueError, match="l1 must be <= lmax = 4"):
        table(5, 1, 4, 0, 0, 0)
    with pytest.raises(ValueError, match=r"\|m2\| must be <= l2"):
        table(2, 1, 2, 0, 2, 0)
    with pytest.raises(ValueError, match="lmax must be non-negative"):
        wigner_3j_table(-1)


def test_table_keys_cover_the_selection_rules():
    keys = wigner_3j_table(5).keys.astype(int)
    assert np.all(keys[:, 3] + keys[:, 4] + keys[:, 5] == 0)
    assert np.all(np.abs(keys[:, 3:]) <= keys[:, :3])
    cg_keys = clebsch_gordan_table(5).keys.astype(int)
    assert np.all(cg_keys[:, 3] + cg_keys[:, 4] == cg_keys[:, 5])
