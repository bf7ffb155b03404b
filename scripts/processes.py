"""Ports and server processes: the one launcher of the servers that tests, `make evaluate`,
`make fuzz` and the benchmarks start."""

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
    """The one launcher of the action server and the Rasa servers, for every test and benchmark.

    The e2e, browser, DingTalk, scale and held-out tests, `make evaluate`, `make fuzz`, `make
    bench` and `make bench-load` start their servers here: on free loopback ports, with a tracker
    file and an endpoints file of their own (scripts/endpoints.py), the action server as `make
    run` starts it (actions/server.py), and each Rasa server through `python -m assistant` (the
    fixes of patches/ switched on) unless `patched=False` (plain `rasa run`, as Rasa users type
    it, and Rasa's default configuration in `make bench`).
    """

    def __init__(
        self,
        workdir: Path,
        chat_page_origin: str = CHAT_PAGE_ORIGIN,
        model: Path = MODEL,
        extra_env: dict[str, str] | None = None,
        *,
        rasa_names: tuple[str, ...] = ("rasa",),
        endpoints: Path = ROOT / "endpoints.yml",
        credentials: Path = ROOT / "credentials.yml",
        patched: bool = True,
        start_timeout: float = START_TIMEOUT,
    ) -> None:
        self.workdir = workdir
        self.model = model
        self.chat_page_origin = chat_page_origin
        self.rasa_names = rasa_names
        self.credentials = credentials
        self.patched = patched
        self.start_timeout = start_timeout
        self.action_port = free_port()
        self.rasa_ports = {name: free_port() for name in rasa_names}
        self.rasa_port = self.rasa_ports[rasa_names[0]]
        self.started_in: float | None = None  # seconds from the spawn to the first answers
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
        # endpoints.yml holds the contract's ports: these servers get a file of their own (a file
        # that reads the environment, such as deploy/endpoints.scale.yml, is used as it is)
        self.endpoints = write_endpoints(
            workdir / "endpoints.yml", self.env["ACTION_SERVER_URL"], self.env["TRACKER_DB"], endpoints
        )

    @property
    def url(self) -> str:
        return self.url_of(self.rasa_names[0])

    def url_of(self, name: str) -> str:
        return f"http://127.0.0.1:{self.rasa_ports[name]}"

    def _start(self, name: str, *args: str, program: Path = PYTHON) -> None:
        with open(self.workdir / f"{name}.log", "ab") as log:
            self.processes[name] = subprocess.Popen(
                [str(program), *args], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )

    def start_actions(self) -> None:
        # as `make run` starts it: on loopback, with body limits (actions/server.py)
        self._start("actions", "-m", "actions.server", "--port", str(self.action_port))

    def start_rasa(self, *names: str) -> None:
        """Starts the named Rasa servers, or all of them."""
        for name in names or self.rasa_names:
            entry = ("-m", "assistant") if self.patched else ()
            self._start(
                name,
                *entry,
                "run",
                "--model", str(self.model),
                "--interface", "127.0.0.1",
                "--port", str(self.rasa_ports[name]),
                "--endpoints", str(self.endpoints),
                "--credentials", str(self.credentials),
                "--cors", self.chat_page_origin,
                program=PYTHON if self.patched else RASA,
            )  # fmt: skip

    def start(self) -> None:
        started = time.monotonic()
        self.start_actions()
        self.start_rasa()
        self._wait_until_ready()
        self.started_in = time.monotonic() - started

    def wait_until_ready(self) -> None:
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        waiting = {"actions", *(name for name in self.rasa_names if name in self.processes)}
        while waiting and time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited early; see {self.workdir / name}.log")
            for name in sorted(waiting):
                try:
                    if name == "actions":
                        url = f"http://127.0.0.1:{self.action_port}/health"
                        requests.get(url, timeout=2).raise_for_status()
                    elif not self.say(f"warmup-{uuid.uuid4().hex}", "/greet", server=name, timeout=30):
                        continue
                    waiting.discard(name)
                except requests.RequestException:
                    pass
            if waiting:
                time.sleep(0.2)
        if waiting:
            seconds = f"{self.start_timeout:.0f}s"
            raise RuntimeError(f"not ready after {seconds}: {sorted(waiting)}; see {self.workdir}")

    def say(
        self, sender: str, text: str, server: str | None = None, timeout: float = 60
    ) -> list[dict[str, Any]]:
        """What a Rasa server (the first one by default) answers over REST."""
        response = requests.post(
            f"{self.url_of(server or self.rasa_names[0])}/webhooks/rest/webhook",
            data=json.dumps({"sender": sender, "message": text}, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json"},
            timeout=timeout,
        )
        response.raise_for_status()
        return response.json()

    def stop(self, *names: str) -> None:
        """Stops the named servers ("actions", "rasa"), or all of them."""
        names = names or tuple(self.processes)
        stop_all([self.processes.pop(name) for name in names if name in self.processes])
