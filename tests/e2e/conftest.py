"""Starts the real action server and the real Rasa server for the end-to-end tests.

Each test session gets its own ports and its own SQLite tracker store, so tests never talk to
a server a developer left running, and never share conversations with it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from scripts.processes import CHAT_PAGE_ORIGIN, DINGTALK_APP_SECRET, MODEL, RASA, Servers  # noqa: F401


@pytest.fixture(scope="session")
def chat_page_origin() -> str:
    """The one origin the Rasa server lets browsers call it from (CORS); tests/browser overrides it."""
    return CHAT_PAGE_ORIGIN


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory, chat_page_origin: str) -> Iterator[Servers]:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` first")
    running = Servers(tmp_path_factory.mktemp("servers"), chat_page_origin)
    try:
        running.start()
        yield running
    finally:
        running.stop()
