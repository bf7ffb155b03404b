"""Starts the real action server and the real Rasa server for the end-to-end tests.

Each test session gets its own ports and its own SQLite tracker store, so tests never talk to
a server a developer left running, and never share conversations with it.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from scripts.processes import free_port, stop_all
from tests.conftest import ROOT

MODEL = ROOT / "models" / "icp-assistant.tar.gz"
RASA = ROOT / ".venv" / "bin" / "rasa"
CHAT_PAGE_ORIGIN = "http://127.0.0.1:8080"
START_TIMEOUT = float(os.environ.get("E2E_START_TIMEOUT", "240"))
# The DingTalk channel's app secret in the test servers (tests/e2e/test_dingtalk.py signs with it).
DINGTALK_APP_SECRET = "e2e-dingtalk-app-secret"


class Servers:
    """The two servers of one test session, and a way to talk to them over REST."""

    def __init__(self, workdir: Path, chat_page_origin: str = CHAT_PAGE_ORIGIN) -> None:
        self.workdir = workdir
        self.chat_page_origin = chat_page_origin
        self.action_port = free_port()
        self.rasa_port = free_port()
        self.env = {
            **os.environ,
            "ACTION_SERVER_URL": f"http://127.0.0.1:{self.action_port}/webhook",
            "TRACKER_DB": str(workdir / "tracker.db"),
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "CHAT_PAGE_ORIGIN": chat_page_origin,
            "DINGTALK_APP_SECRET": DINGTALK_APP_SECRET,
        }
        self.processes: dict[str, subprocess.Popen] = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def _start(self, name: str, *args: str) -> None:
        log = open(self.workdir / f"{name}.log", "ab")
        self.processes[name] = subprocess.Popen(
            [str(RASA), *args], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )

    def start_actions(self) -> None:
        self._start("actions", "run", "actions", "--actions", "actions", "--port", str(self.action_port))

    def start_rasa(self) -> None:
        self._start(
            "rasa",
            "run",
            "--model", str(MODEL),
            "--port", str(self.rasa_port),
            "--endpoints", "endpoints.yml",
            "--credentials", "credentials.yml",
            "--cors", self.chat_page_origin,
        )  # fmt: skip

    def start(self) -> None:
        self.start_actions()
        self.start_rasa()
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            for process in self.processes.values():
                if process.poll() is not None:
                    raise RuntimeError(f"a server exited early; see {self.workdir}")
            try:
                requests.get(f"http://127.0.0.1:{self.action_port}/health", timeout=2).raise_for_status()
                reply = self.say(f"warmup-{uuid.uuid4().hex}", "/greet")
                if reply:
                    return
            except requests.RequestException:
                pass
            time.sleep(1)
        raise RuntimeError(f"servers not ready after {START_TIMEOUT}s; see logs in {self.workdir}")

    def say(self, sender: str, text: str) -> list[dict[str, Any]]:
        response = requests.post(
            f"{self.url}/webhooks/rest/webhook",
            data=json.dumps({"sender": sender, "message": text}, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json"},
            timeout=60,
        )
        response.raise_for_status()
        return response.json()

    def stop(self, *names: str) -> None:
        """Stops the named servers ("actions", "rasa"), or all of them."""
        stop_all([self.processes.pop(name) for name in (names or list(self.processes))])


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
