"""Headless Chromium for the browser checks: render a page as a person's browser would, keep a screenshot.

``dump_dom`` returns the DOM after the page's scripts ran (``--virtual-time-budget`` lets timers and fetches of
local files settle); ``screenshot`` writes a PNG under :data:`ARTIFACTS` (``artifacts/browser/`` at the repository
root, or ``$ASSAY_BROWSER_ARTIFACTS``), the folder CI keeps. Tests call :func:`require_chromium` first: on a machine
without Chromium they skip with that reason instead of passing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("ASSAY_BROWSER_ARTIFACTS", ROOT / "artifacts" / "browser"))
_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars")


def chromium_binary() -> str | None:
    """The first Chromium-compatible browser on PATH (``$ASSAY_CHROMIUM`` overrides), or None."""
    explicit = os.environ.get("ASSAY_CHROMIUM")
    if explicit:
        return shutil.which(explicit) or (explicit if Path(explicit).is_file() else None)
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def require_chromium() -> str:
    """The browser's path; skips the calling test, with the reason, when there is none."""
    binary = chromium_binary()
    if binary is None:
        pytest.skip("no Chromium on PATH (install Debian's `chromium`, or set ASSAY_CHROMIUM): browser check not run")
    return binary


def _url(target: str | Path) -> str:
    text = str(target)
    if text.startswith(("http://", "https://", "file://")):
        return text
    return Path(text).resolve().as_uri()


def _run(arguments: list[str], timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run(arguments, capture_output=True, text=True, timeout=timeout, check=False)


def dump_dom(target: str | Path, *, budget_ms: int = 5000, timeout: float = 120.0) -> str:
    """The serialized DOM of ``target`` (a URL or a local file) after its scripts have run."""
    binary = require_chromium()
    result = _run([binary, *_FLAGS, f"--virtual-time-budget={budget_ms}", "--dump-dom", _url(target)], timeout)
    if result.returncode != 0 or not result.stdout.strip():
        raise RuntimeError(f"chromium could not render {target}: exit {result.returncode}\n{result.stderr[-2000:]}")
    return result.stdout


def screenshot(target: str | Path, name: str, *, width: int = 1280, height: int = 900, budget_ms: int = 5000,
               timeout: float = 120.0) -> Path:
    """A PNG of ``target`` as rendered, written to ``ARTIFACTS / name`` (``.png`` added); returns its path."""
    binary = require_chromium()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / (name if name.endswith(".png") else f"{name}.png")
    path.unlink(missing_ok=True)
    result = _run([binary, *_FLAGS, f"--virtual-time-budget={budget_ms}", f"--window-size={width},{height}",
                   f"--screenshot={path}", _url(target)], timeout)
    if result.returncode != 0 or not path.is_file() or path.stat().st_size == 0:
        raise RuntimeError(f"chromium wrote no screenshot of {target}: exit {result.returncode}\n"
                           f"{result.stderr[-2000:]}")
    return path


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # the test output is not an access log
        pass


@contextmanager
def serve_directory(directory: str | Path, name: str = "site-server") -> Iterator[str]:
    """Serve ``directory`` on a free localhost port for the duration of the block; yields the base URL
    (``http://127.0.0.1:PORT/``). Pages that need a web worker (search) only work over http, not ``file://``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
