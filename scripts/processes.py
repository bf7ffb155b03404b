"""Ports and server processes, shared by the tests, `make evaluate` and the benchmarks that start servers."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import requests

from scripts.endpoints import write as write_endpoints

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "icp-assistant.tar.gz"
RASA = ROOT / ".venv" / "bin" / "rasa"
PYTHON = ROOT / ".venv" / "bin" / "python"
CHAT_PAGE_ORIGIN = "http://127.0.0.1:8080"
START_TIMEOUT = float(os.environ.get("E2E_START_TIMEOUT", "240"))
# The DingTalk channel's app secret in the test servers (tests/e2e/test_dingtalk.py signs with it).
DINGTALK_APP_SECRET = "e2e-dingtalk-app-secret"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def stop_all(processes: Iterable[subprocess.Popen], timeout: float = 20) -> None:
    """Asks every process to stop at once, then waits for each; kills what does not stop."""
    processes = list(processes)
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)


class Servers:
    """The two servers of one test session, and a way to talk to them over REST."""

    def __init__(
        self,
        workdir: Path,
        chat_page_origin: str = CHAT_PAGE_ORIGIN,
        model: Path = MODEL,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.workdir = workdir
        self.model = model
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
            **(extra_env or {}),
        }
        self.processes: dict[str, subprocess.Popen] = {}
        # endpoints.yml holds the contract's ports: these servers get a file of their own
        self.endpoints = write_endpoints(
            workdir / "endpoints.yml", self.env["ACTION_SERVER_URL"], self.env["TRACKER_DB"]
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def _start(self, name: str, *args: str, program: Path = RASA) -> None:
        log = open(self.workdir / f"{name}.log", "ab")
        self.processes[name] = subprocess.Popen(
            [str(program), *args], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )

    def start_actions(self) -> None:
        # as `make run` starts it: on loopback, with body limits (actions/server.py)
        self._start("actions", "-m", "actions.server", "--port", str(self.action_port), program=PYTHON)

    def start_rasa(self) -> None:
        self._start(
            "rasa",
            "run",
            "--model", str(self.model),
            "--port", str(self.rasa_port),
            "--endpoints", str(self.endpoints),
            "--credentials", "credentials.yml",
            "--cors", self.chat_page_origin,
        )  # fmt: skip

    def start(self) -> None:
        self.start_actions()
        self.start_rasa()
        self._wait_until_ready()

    def wait_until_ready(self) -> None:
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
