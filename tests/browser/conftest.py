"""Fixtures of the docs-site checks: the site built once per session (``mkdocs build --strict``), served on localhost.

``built_site`` skips, naming what is missing, where the docs toolchain (the ``docs`` extra) is not installed, and
fails with MkDocs' own output when the strict build fails. ``site_url`` first asks for Chromium (a skip with that
reason where there is none), then serves the built site over http: Material's search runs in a web worker, which
browsers do not start from ``file://``.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .chromium import ROOT, require_chromium, serve_directory

DOCS_TOOLCHAIN = ("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers.python")


def _missing_toolchain() -> list[str]:
    missing = []
    for module in DOCS_TOOLCHAIN:
        try:
            found = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            missing.append(module)
    return missing


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site as ``mkdocs build --strict`` writes it, into a temporary folder (``site/`` is left alone)."""
    missing = _missing_toolchain()
    if missing:
        pytest.skip(f"docs toolchain not installed ({', '.join(missing)}): run pip install -e \".[docs]\"; "
                    "the site was not built")
    site = tmp_path_factory.mktemp("site")
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                            cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    if result.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed (exit {result.returncode}):\n{result.stderr[-6000:]}")
    print(f"mkdocs build --strict: {time.perf_counter() - started:.1f} s")
    return site


@pytest.fixture(scope="session")
def chromium_binary() -> str:
    """The browser, or a skip saying there is none."""
    return require_chromium()


@pytest.fixture(scope="session")
def site_url(chromium_binary: str, built_site: Path) -> Iterator[str]:
    """``http://127.0.0.1:PORT/``, serving the built site for the session."""
    with serve_directory(built_site, "docs-site-server") as url:
        yield url
