"""Drive headless Chromium over the DevTools protocol, for checks that must wait for a page's own work.

``chromium.py`` beside this file renders a page once (``--dump-dom``, ``--screenshot`` under a virtual-time
budget). A page that works in a web worker — MkDocs Material's search runs lunr in one — does not finish under
virtual time, so those checks need a browser they can wait on: :class:`Browser` starts Chromium with
``--remote-debugging-pipe`` (commands and replies as NUL-terminated JSON on file descriptors 3 and 4; no network
port, no extra package), loads a page, polls a JavaScript condition in real time until it holds or a timeout
passes, and takes screenshots into the same artifacts folder as ``chromium.py``.
"""

from __future__ import annotations

import base64
import json
import os
import select
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from .chromium import ARTIFACTS, require_chromium

_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
          "--remote-debugging-pipe", "--no-first-run", "--no-default-browser-check")


class BrowserError(RuntimeError):
    """Chromium exited, answered with an error, or a condition did not hold in time."""


class Browser:
    """One headless Chromium with one page; use as a context manager."""

    def __init__(self, *, width: int = 1280, height: int = 900, timeout: float = 60.0) -> None:
        binary = require_chromium()
        self.timeout = timeout
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()

        def wire_pipes() -> None:  # runs in the child: Chromium reads fd 3 and writes fd 4
            os.dup2(to_browser_read, 3)
            os.dup2(from_browser_write, 4)

        self._profile = tempfile.TemporaryDirectory(prefix="assay-chromium-", ignore_cleanup_errors=True)
        # preexec_fn is the only way to put the pipes on descriptors 3 and 4 of the child
        self._log = tempfile.TemporaryFile()  # Chromium's stderr: a file, so a chatty browser never blocks
        profile = f"--user-data-dir={self._profile.name}"
        self._process = subprocess.Popen(
            [binary, *_FLAGS, f"--window-size={width},{height}", profile, "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._log, pass_fds=(3, 4),
            preexec_fn=wire_pipes)
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._buffer = b""
        self._next_id = 0
        target = self.command("Target.createTarget", url="about:blank")["targetId"]
        self._session = self.command("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.command("Page.enable", session=True)
        self.command("Emulation.setDeviceMetricsOverride", session=True, width=width, height=height,
                     deviceScaleFactor=1, mobile=False)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Ask Chromium to quit; kill it if it does not within 10 s."""
        if self._process.poll() is None:
            try:
                self._send("Browser.close", {}, None)
                self._process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self._process.kill()
                self._process.wait()
        for fd in (self._to_browser, self._from_browser):
            try:
                os.close(fd)
            except OSError:
                pass
        self._profile.cleanup()
        self._log.close()

    def _send(self, method: str, params: dict, session: str | None) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        return self._next_id

    def _receive(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError("no answer from Chromium in time")
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if ready:
                chunk = os.read(self._from_browser, 1 << 20)
                if not chunk:
                    self._log.seek(0)
                    stderr = self._log.read().decode(errors="replace")
                    raise BrowserError(f"Chromium closed the pipe (exit {self._process.poll()}): {stderr[-2000:]}")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def command(self, method: str, *, session: bool = False, **params: Any) -> dict:
        """Send one DevTools command (to the page when ``session``) and return its result; events are dropped."""
        sent = self._send(method, params, self._session if session else None)
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == sent:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def open(self, url: str) -> None:
        """Load ``url`` and wait until the document has loaded."""
        self.command("Page.navigate", session=True, url=url)
        self.wait_for("document.readyState === 'complete'", what=f"{url} to load")

    def evaluate(self, expression: str) -> Any:
        """The JSON value of ``expression`` in the page."""
        result = self.command("Runtime.evaluate", session=True, expression=expression, returnByValue=True,
                              awaitPromise=True)
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression}: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    def wait_for(self, expression: str, *, what: str, timeout: float | None = None) -> Any:
        """Poll ``expression`` every 0.1 s until it is truthy; its value, or :class:`BrowserError` naming ``what``."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise BrowserError(f"timed out waiting for {what} ({expression})")
            time.sleep(0.1)

    def screenshot(self, name: str) -> Path:
        """A PNG of the viewport as it is now, written to ``ARTIFACTS / name`` (``.png`` added); returns its path."""
        data = self.command("Page.captureScreenshot", session=True, format="png")["data"]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / (name if name.endswith(".png") else f"{name}.png")
        path.write_bytes(base64.b64decode(data))
        return path
