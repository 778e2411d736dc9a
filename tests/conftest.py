"""Test configuration for assay's own tests.

- Loads the Hypothesis profile (``assay.core.profiles.load_profile``: ``$ASSAY_PROFILE``, else the derandomized
  ``ci``; ``dev``/``thorough`` explore at random when asked for).
- ``--runslow`` (or the ``thorough`` profile) runs the tests marked ``@pytest.mark.slow``, skipped by default.
- Loads the conformance plugin (``assay.conformance.plugin``) when it is not installed as a ``pytest11`` entry
  point, so the plugin's fixtures and ``--assay-*`` options exist in an uninstalled checkout too.
"""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

from assay.core.profiles import load_profile

PROFILE = load_profile()


def _plugin_installed() -> bool:
    return any(ep.value == "assay.conformance.plugin" for ep in entry_points(group="pytest11"))


pytest_plugins = ["pytester"] + ([] if _plugin_installed() else ["assay.conformance.plugin"])


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--runslow", action="store_true", default=False, help="run tests marked slow")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--runslow") or PROFILE == "thorough":
        return
    skip_slow = pytest.mark.skip(reason="slow: run with --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip_slow)
