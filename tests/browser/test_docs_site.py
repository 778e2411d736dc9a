"""The docs site, built with ``mkdocs build --strict`` and opened in headless Chromium as a reader would.

Screenshots go to ``artifacts/browser/`` (``$ASSAY_BROWSER_ARTIFACTS`` overrides): ``docs_home.png``,
``docs_domain_so3.png``, ``docs_domain_plot.png``, ``docs_api_so3.png``, ``docs_search_condon_shortley.png``.
Without Chromium or the docs toolchain these tests skip and say which is missing.
"""

from __future__ import annotations

import importlib
import inspect
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlsplit

from .cdp import Browser
from .chromium import ROOT, dump_dom, screenshot

NAV_PAGES = ("index.html", "quickstart.html", "conventions.html", "so3-harmonics-wigner.html",
             "gaunt-tensor-product.html", "optics.html", "frames.html", "bridges.html", "spectral.html",
             "conformance.html", "adapters.html", "conformance-matrix.html", "benchmarks.html", "api/index.html",
             "api/core.html", "api/so3.html", "api/optics.html", "api/frames.html", "api/bridges.html",
             "api/spectral.html", "api/conformance.html")


class _Text(HTMLParser):
    """The visible text of a document (scripts and styles left out) and every element id."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.ids: set[str] = set()
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for key, value in attrs:
            if key == "id" and value:
                self.ids.add(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def _parse(document: str) -> _Text:
    parser = _Text()
    parser.feed(document)
    return parser


def test_build_writes_every_page_offline(built_site: Path):
    for page in NAV_PAGES:
        assert (built_site / page).is_file(), page
    assert (built_site / "search" / "search_index.json").stat().st_size > 10_000
    home = (built_site / "index.html").read_text()
    # nothing fetched from elsewhere: no web fonts, no CDN scripts or styles
    assert not re.search(r"<(?:script|link)[^>]+(?:src|href)=\"https?://", home)
    assert "fonts.googleapis" not in home


def test_api_reference_shows_every_public_name(built_site: Path):
    ids = set()
    for page in (built_site / "api").glob("*.html"):
        ids |= _parse(page.read_text()).ids
    directives = [name for page in sorted((ROOT / "docs" / "api").glob("*.md"))
                  for name in re.findall(r"^::: (\S+)", page.read_text(), re.M)]
    checked = 0
    for name in directives:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue  # a single object, shown under its defining module's path
        assert name in ids, f"the API reference has no section for {name}"
        for public in getattr(module, "__all__", ()):
            obj = getattr(module, public)
            if inspect.ismodule(obj):
                continue
            where = {f"{name}.{public}"}
            if getattr(obj, "__module__", None) and getattr(obj, "__qualname__", None):
                where.add(f"{obj.__module__}.{obj.__qualname__}")
            assert where & ids, f"{name}.{public} is missing from the API reference"
            checked += 1
    assert checked > 300


def test_home_page_renders(site_url: str):
    page = _parse(dump_dom(site_url + "index.html"))
    assert "assay documentation" in page.text
    for entry in ("Quickstart", "Conventions", "The conformance matrix", "Benchmarks", "API reference"):
        assert entry in page.text, entry
    assert "__search" in page.ids  # the search toggle the theme's scripts build
    assert screenshot(site_url + "index.html", "docs_home").stat().st_size > 10_000


def test_domain_page_renders_its_math(site_url: str):
    page = _parse(dump_dom(site_url + "so3-harmonics-wigner.html"))
    assert "Complex, Condon–Shortley" in page.text
    assert "Y_l^m = (−1)^m P̃_l^m(cos θ) w^m" in page.text
    assert screenshot(site_url + "so3-harmonics-wigner.html", "docs_domain_so3").stat().st_size > 10_000


def test_domain_page_shows_its_plots(site_url: str):
    with Browser() as browser:
        browser.open(site_url + "gaunt-tensor-product.html")
        images = browser.wait_for(
            "(() => { const imgs = Array.from(document.querySelectorAll('article img'));"
            " return imgs.length && imgs.every(i => i.complete) &&"
            " imgs.map(i => [i.getAttribute('src'), i.naturalWidth]); })()",
            what="the plots of the Gaunt tensor product page to load")
        assert {src for src, _ in images} == {"img/gaunt_time.png", "img/gaunt_flops.png"}
        assert all(width > 100 for _, width in images), images  # decoded, not a broken-image icon
        browser.evaluate("document.querySelector('article img').scrollIntoView({block: 'center'})")
        browser.evaluate("new Promise(done => setTimeout(done, 500))")  # let the header's title transition end
        assert browser.screenshot("docs_domain_plot").stat().st_size > 10_000


def test_api_page_renders_docstrings(site_url: str):
    document = dump_dom(site_url + "api/so3.html")
    page = _parse(document)
    assert {"assay.reference.so3.wigner_3j", "assay.kernels.so3.spherical_harmonics"} <= page.ids
    assert "wigner_3j" in page.text and "Condon–Shortley" in page.text
    assert ":func:`" not in page.text and ":class:`" not in page.text  # Sphinx roles became code spans
    assert screenshot(site_url + "api/so3.html", "docs_api_so3").stat().st_size > 10_000


def test_search_finds_condon_shortley(site_url: str, built_site: Path):
    query = "Condon–Shortley"
    with Browser() as browser:
        browser.open(f"{site_url}index.html?q={quote(query)}")  # the theme runs ?q= as a search
        count = browser.wait_for("document.querySelectorAll('.md-search-result__item').length",
                                 what="search results for Condon–Shortley")
        results = browser.evaluate(
            "Array.from(document.querySelectorAll('.md-search-result__item a'))"
            ".map(a => [a.getAttribute('href'), a.textContent])")
        meta = browser.evaluate("document.querySelector('.md-search-result__meta').textContent")
        shot = browser.screenshot("docs_search_condon_shortley")
    assert count >= 1 and "matching document" in meta, meta
    hits = [href for href, text in results if query in text]
    assert hits, f"no result shows {query!r}: {results[:5]}"
    for href in hits:
        assert (built_site / urlsplit(href).path.lstrip("/")).is_file(), href
    assert shot.stat().st_size > 10_000
