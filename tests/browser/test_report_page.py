"""`make report`'s index.html in headless Chromium: one page that needs nothing from the network,
with its five plots and the table of unrecognised messages. `make report-screenshot` copies its screenshot to docs/."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
import requests
from playwright.sync_api import Page, expect

from scripts import bench_report, report
from scripts.processes import free_port
from tests.browser.conftest import screenshot


@pytest.fixture(scope="module")
def report_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A report of a generated store of 5,000 events, served on loopback as a static folder."""
    folder = tmp_path_factory.mktemp("report")
    store = folder / "tracker.db"
    bench_report.generate(store, 5_000)
    out = folder / "out"
    assert report.main(["--out", str(out), "--quiet"], {"TRACKER_DB": str(store)}) == 0
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                requests.get(f"http://127.0.0.1:{port}/index.html", timeout=2).raise_for_status()
                break
            except requests.RequestException:
                assert time.monotonic() < deadline, "the static server did not start"
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/index.html"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_report_shows_its_plots_and_the_unrecognised_messages(report_url: str, page: Page) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(report_url)
    expect(page.locator("h1")).to_contain_text("conversation report")
    charts = page.locator("section.chart svg")
    expect(charts).to_have_count(5)
    for index in range(5):
        box = charts.nth(index).bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 80  # drawn, not empty
    expect(page.locator("section.chart h2").first).to_have_text("Conversations per day")
    expect(page.locator("table tbody tr").first).to_contain_text("随便说点什么")
    assert requested == [report_url]  # self-contained: the page fetched nothing else
    page.screenshot(path=str(screenshot(page, "report-page")), full_page=True)  # for docs/
