"""Test configuration for assay's own tests.

- Loads the Hypothesis profile (``assay.core.profiles.load_profile``: ``$ASSAY_PROFILE``, else the derandomized
  ``ci``; ``dev``/``thorough`` explore at random when asked for).
- ``--runslow`` (or the ``thorough`` profile) runs the tests marked ``@pytest.mark.slow``, skipped by default.
- Loads the conformance plugin (``assay.conformance.plugin``) when it is not installed as a ``pytest11`` entry
  point, so the plugin's fixtures and ``--assay-*`` options exist in an uninstalled checkout too.
- Imports the C-extension modules that pytester's in-process runs use, once, before any of them (see below).
"""

from __future__ import annotations

from importlib.metadata import entry_points

# pytester's in-process runs drop the modules first imported inside them when they end; numpy and torch cannot be
# imported twice in one process (the second import fails with "SystemError: bad call flags" and the interpreter
# later segfaults), which happened in an xdist worker whose first torch import came from an inner run. So the
# modules the inner runs use are imported here, once.
import numpy  # noqa: F401
import pytest
import torch  # noqa: F401

import assay.conformance.contracts
import assay.conformance.measure
import assay.conformance.report
import assay.core.errors  # noqa: F401
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
