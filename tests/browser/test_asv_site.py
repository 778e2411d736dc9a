"""The asv performance-history site, built from the kept results and opened in headless Chromium.

The site is published into a temporary folder exactly as ``python benchmarks/record_history.py publish`` does
(``asv publish`` of ``benchmarks/history/results``, its JavaScript libraries made local), served over http (asv's
pages fetch their JSON) and opened in Chromium. The graph page of a benchmark must plot a series with a measurement
at more than one commit — counted in the plot flot drew, not in the JSON files — and the front page must show the
grid of benchmarks. Screenshots in ``artifacts/browser/``: ``asv_graph_history.png`` (operation counts, flat by
design), ``asv_graph_timing.png`` (a kernel's time per commit) and ``asv_summary_grid.png``.
Without Chromium the test skips with that reason.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .chromium import ROOT, require_chromium, serve_directory

sys.path.insert(0, str(ROOT / "benchmarks"))
import record_history  # a script of benchmarks/, importable from the path set above

# a benchmark measured at every recorded commit since the optics domain existed; any other with history will do
PREFERRED = "bench_optics.ChainCounts.track_gets"
PREFERRED_TIMING = "bench_frames.FrameAverage.time_assay"

# the largest number of distinct commits with a value in any series flot plotted on the graph page
PLOTTED_COMMITS = """(() => {
  const plot = window.jQuery && jQuery('#main-graph').data('plot');
  if (!plot) { return 0; }
  const counts = plot.getData().map(series => new Set(
    series.data.filter(point => point && point[1] !== null && !Number.isNaN(point[1])).map(point => point[0])).size);
  return counts.length ? Math.max(...counts) : 0;
})()"""


@pytest.fixture(scope="module")
def asv_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``http://127.0.0.1:PORT/`` serving a freshly published history site."""
    require_chromium()
    html = tmp_path_factory.mktemp("asv") / "html"
    started = time.perf_counter()
    record_history.publish(html)
    print(f"asv publish of {record_history.RESULTS.relative_to(ROOT)}: {time.perf_counter() - started:.1f} s")
    with serve_directory(html, "asv-site-server") as url:
        yield url


def _benchmark_with_history() -> tuple[str, int]:
    lengths = record_history.history_lengths()
    if lengths.get(PREFERRED, 0) > 1:
        return PREFERRED, lengths[PREFERRED]
    name = max(lengths, key=lengths.get, default="")
    return name, lengths.get(name, 0)


def test_graph_page_plots_a_benchmark_at_more_than_one_commit(asv_site):
    from .cdp import Browser

    name, recorded = _benchmark_with_history()
    assert recorded > 1, "no benchmark of the kept history has results at two commits"
    with Browser(width=1400, height=900) as browser:
        browser.open(f"{asv_site}#{name}")
        plotted = browser.wait_for(PLOTTED_COMMITS, what=f"the graph of {name}", timeout=60)
        title = browser.evaluate("document.getElementById('title').textContent")
        failed = browser.evaluate("document.body.textContent.includes('external (JavaScript) dependencies')")
        path = browser.screenshot("asv_graph_history")
    print(f"{name}: {plotted} commits plotted; screenshot {path}")
    assert not failed, "asv's page for failed external scripts is shown"
    assert title == name
    assert plotted > 1, f"{name} is plotted at {plotted} commit(s)"
    assert plotted <= recorded
    if name == PREFERRED:  # measured at every commit, every parameter: the page plots every recorded commit
        assert plotted == recorded, f"the page plots {plotted} commits of {name}, the results hold {recorded}"
    assert Path(path).stat().st_size > 10_000


def test_graph_page_of_a_timing_shows_its_history(asv_site):
    """A kernel timing (the frame average; else the time_ benchmark with the longest history), for the screenshot a
    kernel author looks at."""
    from .cdp import Browser

    lengths = record_history.history_lengths()
    name = PREFERRED_TIMING if lengths.get(PREFERRED_TIMING, 0) > 1 else max(
        (n for n in lengths if n.rsplit(".", 1)[1].startswith("time_")), key=lengths.get, default="")
    assert lengths.get(name, 0) > 1, "no time_ benchmark of the kept history has results at two commits"
    with Browser(width=1400, height=900) as browser:
        browser.open(f"{asv_site}#{name}")
        plotted = browser.wait_for(PLOTTED_COMMITS, what=f"the graph of {name}", timeout=60)
        path = browser.screenshot("asv_graph_timing")
    print(f"{name}: {plotted} commits plotted; screenshot {path}")
    assert 1 < plotted <= lengths[name]


def test_front_page_shows_the_grid_of_benchmarks(asv_site):
    from .cdp import Browser

    with Browser(width=1400, height=900) as browser:
        browser.open(asv_site)
        tiles = browser.wait_for("document.querySelectorAll('#summarygrid-display .benchmark-container').length",
                                 what="the summary grid", timeout=60)
        # the small plots are fetched and drawn once their tile is in view
        drawn = browser.wait_for("document.querySelectorAll('#summarygrid-display canvas.flot-base').length",
                                 what="the grid's plots", timeout=60)
        path = browser.screenshot("asv_summary_grid")
    assert tiles >= len(record_history.history_lengths()) > 0
    assert drawn > 0
    assert Path(path).stat().st_size > 10_000
