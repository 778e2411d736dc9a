"""Helpers for testing the conformance plugin with pytester."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

DEMO_ADAPTERS = '''
from assay.conformance.adapters import Adapter, AdapterUnavailable, capability


class Good(Adapter):
    name = "demo-good"
    version = "1.2.3"
    conventions = {"demo.order": "ascending"}

    @capability("demo.square")
    def square(self, x):
        return x * x

    @capability("demo.power", max_degree=3)
    def power(self, x, n):
        return x ** n


class Bad(Good):
    name = "demo-bad"

    @capability("demo.square")
    def square(self, x):
        return x * x + (0.5 if x == 3.0 else 0.0)


class Configurable(Good):
    def __init__(self, offset="0"):
        self.offset = float(offset)
        self.name = f"demo-offset-{offset}"

    @capability("demo.square")
    def square(self, x):
        return x * x + self.offset


def missing():
    raise AdapterUnavailable("demo library is not installed (pip install demo)")
'''

DEMO_TESTS = '''
import pytest

from assay.conformance.contracts import Contract
from assay.core.errors import summarize

SQUARE = Contract("demo.square", "value", "float64", 0.0, "ulp", "", "squares of small integers are exact")
POWER = Contract("demo.power", "value", "float64", 0.0, "ulp", "", "small powers are exact")


@pytest.mark.assay_capability("demo.square")
def test_square(assay_adapter, assay_check):
    square = assay_adapter.get("demo.square")
    inputs = [1.0, 2.0, 3.0, 4.0]
    errors = [abs(square(x) - x * x) / 2.0**-52 for x in inputs]
    summary = summarize(errors, "ulp", inputs=inputs, actual=[square(x) for x in inputs],
                        expected=[x * x for x in inputs])
    assay_check.check(summary, SQUARE, "square(x) equals x*x",
                      reproduce=f"print({assay_adapter.spec!r}, {summary.worst_input})")


@pytest.mark.assay_capability("demo.power", limits={"degree": "n"})
@pytest.mark.parametrize("n", [2, 3, 4])
def test_power(assay_adapter, assay_check, n):
    power = assay_adapter.get("demo.power")
    summary = summarize([abs(power(2.0, n) - 2.0**n)], "ulp", inputs=[(2.0, n)])
    assay_check.check(summary, POWER, "power(2, n) equals 2**n")


@pytest.mark.assay_capability("demo.cube")
def test_cube(assay_adapter):
    assert assay_adapter.get("demo.cube")(2.0) == 8.0
'''


def _plugin_installed() -> bool:
    return any(ep.value == "assay.conformance.plugin" for ep in entry_points(group="pytest11"))


@pytest.fixture
def demo(pytester: pytest.Pytester):
    """A pytester directory with demo adapters and demo conformance tests; returns a runner."""
    pytester.makepyfile(demo_adapters=DEMO_ADAPTERS, test_demo=DEMO_TESTS)
    pytester.syspathinsert()

    def run(*args: str) -> pytest.RunResult:
        extra = () if _plugin_installed() else ("-p", "assay.conformance.plugin")
        return pytester.runpytest(*extra, "-p", "no:cacheprovider", *args)

    return run
