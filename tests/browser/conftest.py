"""The real chat page (web/serve.py over web/dist) in headless Chromium, against the real servers.

The action server and the Rasa server come from tests/e2e's `servers` fixture; here the Rasa
server allows cross-origin requests from this page's origin only (a free port per session).
Chromium is Debian's (/usr/bin/chromium, installed by `make test-chat`), driven by Playwright,
which never downloads a browser of its own. The browser may reach loopback addresses only.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Route, expect, sync_playwright

from scripts.processes import free_port
from tests.conftest import ROOT
from tests.e2e.conftest import Servers, servers  # noqa: F401  (the fixture, reused)

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DIST = ROOT / "web" / "dist"
SCREENSHOTS = ROOT / "reports" / "screenshots"
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}

expect.set_options(timeout=30_000)  # the first answers of a fresh Rasa server can take a while


@pytest.fixture(scope="session")
def page_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def chat_page_origin(page_port: int) -> str:
    return f"http://127.0.0.1:{page_port}"


@contextlib.contextmanager
def serve_page(servers: Servers, port: int) -> Iterator[str]:  # noqa: F811
    """The page server on `port`, as `make run` starts it, telling the page where `servers` are."""
    if not (DIST / "index.html").is_file():
        pytest.fail(f"the page is not built in {DIST}: run `make chat-page` first")
    origin = f"http://127.0.0.1:{port}"
    log = open(servers.workdir / "chat-page.log", "wb")
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "web" / "serve.py")],
        cwd=ROOT,
        env={**os.environ, "CHAT_HOST": "127.0.0.1", "CHAT_PORT": str(port), "RASA_URL": servers.url},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"the page server exited; see {servers.workdir / 'chat-page.log'}")
            try:
                requests.get(f"{origin}/config.json", timeout=2).raise_for_status()
                break
            except requests.RequestException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield f"{origin}/"
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def chat_page(servers: Servers, page_port: int) -> Iterator[str]:  # noqa: F811
    with serve_page(servers, page_port) as url:
        yield url


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: `make test-chat` installs Debian's chromium")
    launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS)
    yield launched
    launched.close()


class Visit:
    """A browser context (its own localStorage, so its own conversation) and what it requested."""

    def __init__(self, browser: Browser, viewport: dict[str, int]) -> None:
        self.context: BrowserContext = browser.new_context(
            viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai", device_scale_factor=1
        )
        self.requested: list[str] = []
        self.context.on("request", lambda request: self.requested.append(request.url))
        # Nothing leaves this machine: anything not on loopback is refused (and the test fails).
        self.context.route("**/*", self._loopback_only)

    @staticmethod
    def _loopback_only(route: Route) -> None:
        if urlsplit(route.request.url).hostname in LOOPBACK:
            route.continue_()
        else:
            route.abort("blockedbyclient")

    def outside(self) -> list[str]:
        return [url for url in self.requested if urlsplit(url).hostname not in LOOPBACK]


def _visit(browser: Browser, viewport: dict[str, int]) -> Iterator[Visit]:
    """A visit whose context is closed afterwards, failing if the page left loopback."""
    visit = Visit(browser, viewport)
    yield visit
    visit.context.close()
    assert not visit.outside(), f"the page requested non-loopback URLs: {visit.outside()}"


@pytest.fixture()
def desktop(browser: Browser) -> Iterator[Visit]:
    yield from _visit(browser, DESKTOP)


@pytest.fixture()
def phone(browser: Browser) -> Iterator[Visit]:
    yield from _visit(browser, PHONE)


@pytest.fixture()
def page(desktop: Visit) -> Page:
    return desktop.context.new_page()


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
