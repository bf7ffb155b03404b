"""The Rasa server, once its model is loaded, still logs at INFO and has frozen its start-up objects
(patches/server_start.py)."""

from __future__ import annotations

import re
import time

import requests

from tests.e2e.conftest import Servers


def log_of(servers: Servers) -> str:
    return (servers.workdir / "rasa.log").read_text(encoding="utf-8", errors="replace")


def test_the_start_up_objects_are_frozen_once_the_model_is_loaded(servers: Servers) -> None:
    assert re.search(r"INFO\s+patches\.server_start\s+- garbage collector: \d{5,} objects", log_of(servers))


def test_rasas_own_ready_line_reaches_the_log(servers: Servers) -> None:
    assert "Rasa server is up and running." in log_of(servers)


def test_an_info_line_written_after_the_model_loaded_reaches_the_log(servers: Servers) -> None:
    # Loading the model used to set the root logger to WARNING; the REST channel logs a refused
    # request at INFO.
    reply = requests.post(f"{servers.url}/webhooks/rest/webhook", data=b"{not json", timeout=10)
    assert reply.status_code == 400
    deadline = time.monotonic() + 5
    while "rest: refused a request" not in log_of(servers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "rest: refused a request" in log_of(servers)
