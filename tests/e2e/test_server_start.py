"""The Rasa server starts through `python -m assistant`, the one entry point of patches/: once its
model is loaded it still logs at INFO and has frozen its start-up objects (patches/server_start.py).
Plain `rasa run`, as Rasa users type it, runs the same project unpatched and answers the same."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

import patches
from scripts.bench import CONVERSATION, IMMEDIATE
from tests.e2e.conftest import Servers

LIMITS_OFF = {"RATE_LIMIT_PER_SENDER_PER_MINUTE": "0", "RATE_LIMIT_PER_ADDRESS_PER_MINUTE": "0"}


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


def test_the_servers_start_through_the_entry_point_of_the_fixes(servers: Servers) -> None:
    assert f"assistant: Rasa {patches.RASA_VERSION}, fixes of patches/ applied" in log_of(servers)
    assert "TensorFlow, matplotlib, boto3 and pymongo kept out" in log_of(servers)


def mapped_files(servers: Servers) -> str:
    """The shared libraries and files mapped into the Rasa server's memory."""
    return Path(f"/proc/{servers.processes['rasa'].pid}/maps").read_text()


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """`rasa run` as Rasa documents it: no entry point of the project's, so nothing patched."""
    running = Servers(tmp_path_factory.mktemp("plain"), extra_env=LIMITS_OFF, patched=False)
    try:
        running.start()
        yield running
    finally:
        running.stop()


def texts(replies: list[dict]) -> list[tuple]:
    return [(r.get("text"), tuple(b["payload"] for b in r.get("buttons") or [])) for r in replies]


def test_tensorflow_is_not_loaded_in_the_served_process_and_is_in_plain_rasa_run(
    servers: Servers, plain: Servers
) -> None:
    assert "libtensorflow" not in mapped_files(servers)  # patches/kept_out.py
    assert "libtensorflow" in mapped_files(plain)


def test_plain_rasa_run_is_unpatched_and_gives_the_same_answers(servers: Servers, plain: Servers) -> None:
    assert "assistant:" not in log_of(plain)
    assert "garbage collector:" not in log_of(plain)  # patches/server_start.py did not run
    # make bench's 20 turns: questions answered at once, forms typed and clicked, an interruption
    sender = f"same-{uuid.uuid4().hex[:8]}"
    for said in [*CONVERSATION, IMMEDIATE]:
        assert texts(plain.say(sender, said)) == texts(servers.say(sender, said)), said
