"""The scale-out setup of deploy/ on one machine: PostgreSQL and Redis (scripts/scale_services.py),
ONE action server and TWO Rasa servers reading deploy/endpoints.scale.yml, all on 127.0.0.1.

PostgreSQL and Redis come from Debian's packages (installed when missing, as `make test-scale`
does first) and run as private servers in a temporary folder, stopped at the end of the session.
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

import psycopg2
import pytest
import requests

from scripts import scale_services
from scripts.processes import free_port, stop_all
from tests.conftest import ROOT
from tests.e2e.conftest import MODEL, RASA

# SCALE_ENDPOINTS: another endpoints file to try (with the same environment variables).
ENDPOINTS = Path(os.environ.get("SCALE_ENDPOINTS") or ROOT / "deploy" / "endpoints.scale.yml").resolve()
# Two Rasa servers load their model at the same time on a small shared machine.
START_TIMEOUT = float(os.environ.get("SCALE_START_TIMEOUT", "420"))
REQUEST_TIMEOUT = 120


class Cluster:
    """The action server and the Rasa servers "a" and "b", sharing the tracker and lock stores."""

    NAMES = ("a", "b")

    def __init__(self, workdir: Path, services: scale_services.Services) -> None:
        self.workdir = workdir
        self.services = services
        self.action_port = free_port()
        self.rasa_ports = {name: free_port() for name in self.NAMES}
        self.env = {
            **os.environ,
            **services.env(),
            "ACTION_SERVER_URL": f"http://127.0.0.1:{self.action_port}/webhook",
            "SANIC_HOST": "127.0.0.1",  # the action server's interface
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
        }
        self.processes: dict[str, subprocess.Popen] = {}

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.rasa_ports[name]}"

    def _start(self, name: str, *args: str) -> None:
        with open(self.workdir / f"{name}.log", "ab") as log:
            self.processes[name] = subprocess.Popen(
                [str(RASA), *args], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )

    def start(self) -> None:
        self._start("actions", "run", "actions", "--actions", "actions", "--port", str(self.action_port))
        for name in self.NAMES:
            self._start(
                f"rasa-{name}",
                "run",
                "--model", str(MODEL),
                "--interface", "127.0.0.1",
                "--port", str(self.rasa_ports[name]),
                "--endpoints", str(ENDPOINTS),
                "--credentials", "credentials.yml",
            )  # fmt: skip
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        waiting = {"actions", *self.NAMES}
        while waiting and time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited early; see {self.workdir}/{name}.log")
            for name in sorted(waiting):
                try:
                    if name == "actions":
                        requests.get(
                            f"http://127.0.0.1:{self.action_port}/health", timeout=2
                        ).raise_for_status()
                    elif not self.say(name, f"warmup-{uuid.uuid4().hex}", "/greet", timeout=10):
                        continue
                    waiting.discard(name)
                except requests.RequestException:
                    pass
            time.sleep(1)
        if waiting:
            raise RuntimeError(f"not ready after {START_TIMEOUT:.0f}s: {sorted(waiting)}; see {self.workdir}")

    def say(
        self, name: str, sender: str, text: str, timeout: float = REQUEST_TIMEOUT
    ) -> list[dict[str, Any]]:
        """What server `name` answers to `text` from `sender`, without the recipient ids."""
        response = requests.post(
            f"{self.url(name)}/webhooks/rest/webhook",
            data=json.dumps({"sender": sender, "message": text}, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json"},
            timeout=timeout,
        )
        response.raise_for_status()
        return [
            {key: value for key, value in message.items() if key != "recipient_id"}
            for message in response.json()
        ]

    def stored_events(self, sender: str) -> list[tuple[str, dict[str, Any]]]:
        """(type_name, data) of every event PostgreSQL holds for `sender`, in order."""
        env = self.services.env()
        connection = psycopg2.connect(
            host=env["DB_HOST"],
            port=env["DB_PORT"],
            dbname=env["DB_DATABASE"],
            user=env["DB_USER"],
            password=env["DB_PASSWORD"],
            connect_timeout=10,
        )
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT type_name, data FROM events WHERE sender_id = %s ORDER BY id", (sender,)
                )
                return [(type_name, json.loads(data)) for type_name, data in cursor.fetchall()]
        finally:
            connection.close()

    def stop(self) -> None:
        stop_all(self.processes.values(), timeout=30)
        self.processes.clear()


@pytest.fixture(scope="session")
def services() -> Iterator[scale_services.Services]:
    scale_services.install()  # nothing to do when both are there
    with scale_services.started() as running:
        yield running


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory, services: scale_services.Services) -> Iterator[Cluster]:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` first")
    running = Cluster(tmp_path_factory.mktemp("scale"), services)
    try:
        running.start()
        yield running
    finally:
        running.stop()
