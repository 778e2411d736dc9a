"""The conformance-matrix page of the built site, opened in headless Chromium: failing cells link to their messages.

Screenshots in ``artifacts/browser/``: ``matrix_table.png`` (the table) and ``matrix_failure_message.png`` (the
message a click on the first failing cell leads to). Without Chromium or the docs toolchain these tests skip.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser

from .cdp import Browser
from .chromium import dump_dom

# The adapters the issue asks the matrix to cover: each is a column (or lettered column) of the matrix.
ADAPTERS = ("builtin", "e3nn", "sympy", "sphericart", "wigners", "pywigxjpf", "spherical", "lenses",
            "torch-checkpoint", "frame-averaging-pytorch", "pot", "gpytorch")


class _Matrix(HTMLParser):
    """The matrix table's cells (text and link target) and the messages: ``id`` of each ``h3`` → its ``pre`` text."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[tuple[str, str | None]] = []
        self.messages: dict[str, str] = {}
        self.legend: list[str] = []
        self._in = ""
        self._text: list[str] = []
        self._href: str | None = None
        self._anchor: str | None = None
        self._depth = 0  # inside <div class="assay-matrix"> and the messages' div

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "div" and attributes.get("class") in ("assay-matrix", "assay-matrix-messages"):
            self._depth += 1
        elif self._depth and tag == "td":
            self._in, self._text, self._href = "td", [], None
        elif self._depth and tag == "a" and self._in == "td":
            self._href = attributes.get("href")
        elif self._depth and tag == "h3":
            self._anchor = attributes.get("id")
        elif self._depth and tag == "pre":
            self._in, self._text = "pre", []
        elif tag == "code" and not self._depth:
            self._in, self._text = "code", []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._in == "td":
            self.cells.append((" ".join("".join(self._text).split()), self._href))
            self._in = ""
        elif tag == "pre" and self._in == "pre" and self._anchor:
            self.messages[self._anchor] = " ".join("".join(self._text).split())
            self._in, self._anchor = "", None
        elif tag == "code" and self._in == "code":
            self.legend.append("".join(self._text))
            self._in = ""

    def handle_data(self, data: str) -> None:
        if self._in:
            self._text.append(data)


def _matrix(document: str) -> _Matrix:
    parser = _Matrix()
    parser.feed(document)
    return parser


def test_failing_cells_link_to_their_messages(site_url: str):
    matrix = _matrix(dump_dom(site_url + "conformance-matrix.html"))
    failing = [(text, href) for text, href in matrix.cells if text.startswith("fail (")]
    assert len(matrix.cells) > 100 and failing, "the page shows the matrix, with failures"
    for text, href in failing:
        assert href and href.startswith("#msg-"), f"a failing cell without a link: {text[:80]}"
        anchor = href[1:]
        assert anchor in matrix.messages, f"{href} leads nowhere on the page"
        # the cell shows the start of the message (cut to 200 characters); the target holds all of it
        shown = text.split(" · ", 1)[1].rstrip()
        assert matrix.messages[anchor].startswith(shown[:150]), (shown[:150], matrix.messages[anchor][:150])
        assert len(matrix.messages[anchor]) >= len(shown)
    assert {text for text, href in matrix.cells if href} == {text for text, _ in failing}  # only failures link


def test_matrix_covers_the_adapters_that_install_here(site_url: str):
    matrix = _matrix(dump_dom(site_url + "conformance-matrix.html"))
    for adapter in ADAPTERS:
        assert adapter in matrix.legend, f"{adapter} is not a column of the matrix"


def test_clicking_a_failing_cell_shows_its_message(site_url: str):
    with Browser(width=1400, height=900) as browser:
        browser.open(site_url + "conformance-matrix.html")
        # find the first failing cell's link as a person scrolling the table would, and look at it
        target = browser.evaluate(
            "(() => { const a = document.querySelector('.assay-matrix td a[href^=\"#msg-\"]');"
            " a.scrollIntoView({block: 'center', inline: 'center'}); return a.getAttribute('href'); })()")
        browser.evaluate("new Promise(done => setTimeout(done, 500))")  # let the header's title transition end
        assert browser.screenshot("matrix_table").stat().st_size > 10_000
        # click it where a person would: the centre of the link, with the mouse
        selector = json.dumps(f'.assay-matrix td a[href="{target}"]')
        target = browser.evaluate(
            f"(() => {{ const a = document.querySelector({selector});"
            " const r = a.getClientRects()[0];"  # the first line of the (wrapped) link text
            " return {href: a.getAttribute('href'), x: r.left + r.width / 2, y: r.top + r.height / 2,"
            " text: a.textContent}; })()")
        for kind in ("mousePressed", "mouseReleased"):
            browser.command("Input.dispatchMouseEvent", session=True, type=kind, x=target["x"], y=target["y"],
                            button="left", clickCount=1)
        browser.wait_for(f"location.hash === {target['href']!r}", what="the link to move to its message")
        shown = browser.wait_for(
            f"(() => {{ const h = document.getElementById({target['href'][1:]!r});"
            " const r = h.getBoundingClientRect();"
            " return r.top >= 0 && r.top < innerHeight && h.nextElementSibling.textContent; })()",
            what="the failure message to scroll into view")
        assert browser.screenshot("matrix_failure_message").stat().st_size > 10_000
    cell_message = " ".join(target["text"].split(" · ", 1)[1].split())[:150]
    assert " ".join(shown.split()).startswith(cell_message)
