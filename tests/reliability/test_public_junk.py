"""Every public function, fed Hypothesis-drawn junk, answers with a clean error or a valid result.

One row per function in the ``__all__`` of ``assay.reference.<domain>``, ``assay.kernels.<domain>`` and every
``assay.core`` module (:func:`tests.reliability.junk.entry_points`; a new function is covered by existing, with
no edit here). Each row draws :data:`EXAMPLES` argument lists — None, bools, strings, NaN/±inf/huge floats, huge and
negative ints, empty, wrong-shape and NaN arrays and tensors, ragged lists, callables — for the function's
parameters, and accepts only a return value without a NaN, or ``ValueError``/``TypeError`` with a message
(:func:`tests.reliability.junk.judge`). Derandomized, no shrinking (a failure reports the first input that broke
the rule), every call under a time guard.

Rows in :data:`KNOWN_DEFECTS` are functions outside this suite's owner's area that break the rule today: they are
``xfail(strict=True)`` with the defect named, so a fix turns them into a failure that asks for the row to go.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings

from .junk import Call, EntryPoint, describe, entry_points, judge, junk_arguments

#: Argument lists drawn per function.
EXAMPLES = 50

#: Functions that break the rule today, with the input and the defect (routed to their owners; strict xfails).
KNOWN_DEFECTS: dict[str, str] = {
    # core errors (owner: the core engineer)
    "assay.core.errors.to_mpf":
        "to_mpf(nan) returns mpf('nan'): kept on purpose (ulp_error scores an adapter's NaN as an infinite error), "
        "but the junk rule cannot tell an mpf NaN from a new one",
}


def _rows() -> list:
    rows = []
    for entry in entry_points():
        marks = ()
        if entry.qualified in KNOWN_DEFECTS:
            marks = (pytest.mark.xfail(strict=True, reason=KNOWN_DEFECTS[entry.qualified]),)
        rows.append(pytest.param(entry, id=entry.qualified, marks=marks))
    return rows


ROWS = _rows()


def _entry(function) -> EntryPoint:
    return EntryPoint("probe", function.__name__, function, ())


def _index_error(x):
    return [x][1]


def _empty_value_error(x):
    raise ValueError("")


def _nan_result(x):
    return np.array([1.0, math.nan])


def _keeps_its_argument(x):
    return (x, 1.0)


def _spins(x):
    while True:
        time.sleep(0.01)


def _refuses(x):
    raise TypeError(f"x must be an int, got {type(x).__name__}")


@pytest.mark.parametrize(
    ("function", "verdict"),
    [
        (_index_error, "IndexError"),
        (_empty_value_error, "ValueError with an empty message"),
        (_nan_result, "returned a NaN silently"),
        (_spins, "ran longer than"),
        (_refuses, None),
        (_keeps_its_argument, None),
    ],
    ids=lambda value: getattr(value, "__name__", str(value)),
)
def test_the_rule_flags_what_it_must_and_nothing_else(function, verdict) -> None:
    """The judge itself: bare exceptions, empty messages, silent NaN and runaway calls are defects; a clean
    refusal and a NaN the caller passed in (kept as it is) are not."""
    why = judge(_entry(function), Call([math.nan], {}), seconds=0.2)
    if verdict is None:
        assert why is None
    else:
        assert why is not None and why.startswith(verdict)


def test_every_domain_and_core_module_contributes_rows() -> None:
    modules = {row.values[0].module for row in ROWS}
    for domain in ("so3", "optics", "frames", "bridges", "spectral"):
        assert f"assay.reference.{domain}" in modules and f"assay.kernels.{domain}" in modules
    assert {"assay.core.exact", "assay.core.validation", "assay.core.errors"} <= modules
    assert len(ROWS) >= 190


@pytest.mark.parametrize("entry", ROWS)
def test_junk_gets_a_clean_error_or_a_valid_result(entry) -> None:
    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(junk_arguments(entry))
    def check(call) -> None:
        why = judge(entry, call)
        assert why is None, f"{entry.qualified}{describe(call)}: {why}"

    check()
