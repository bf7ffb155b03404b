"""The scale-out setup of deploy/ on one machine: PostgreSQL and Redis (scripts/scale_services.py),
ONE action server and TWO Rasa servers reading deploy/endpoints.scale.yml, all on 127.0.0.1.

PostgreSQL and Redis come from Debian's packages (installed when missing, as `make test-scale`
does first) and run as private servers in a temporary folder, stopped at the end of the session.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg2
import pytest

from scripts import scale_services
from scripts.processes import MODEL, Servers
from tests.conftest import ROOT

# SCALE_ENDPOINTS: another endpoints file to try (with the same environment variables).
ENDPOINTS = Path(os.environ.get("SCALE_ENDPOINTS") or ROOT / "deploy" / "endpoints.scale.yml").resolve()
# Two Rasa servers load their model at the same time on a small shared machine.
START_TIMEOUT = float(os.environ.get("SCALE_START_TIMEOUT", "420"))
REQUEST_TIMEOUT = 120


class Cluster(Servers):
    """The action server and the Rasa servers "a" and "b", sharing the tracker and lock stores."""

    NAMES = ("a", "b")

    def __init__(self, workdir: Path, services: scale_services.Services) -> None:
        super().__init__(
            workdir,
            extra_env=services.env(),
            rasa_names=self.NAMES,
            endpoints=ENDPOINTS,
            start_timeout=START_TIMEOUT,
        )
        self.services = services

    def say_to(
        self, name: str, sender: str, text: str, timeout: float = REQUEST_TIMEOUT
    ) -> list[dict[str, Any]]:
        """What server `name` answers to `text` from `sender`, without the recipient ids."""
        return [
            {key: value for key, value in message.items() if key != "recipient_id"}
            for message in self.say(sender, text, server=name, timeout=timeout)
        ]

    def query(self, sql: str, parameters: tuple = ()) -> list[tuple]:
        """Rows of a query on the PostgreSQL tracker store the servers share."""
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
                cursor.execute(sql, parameters)
                return cursor.fetchall()
        finally:
            connection.close()

    def stored_events(self, sender: str) -> list[tuple[str, dict[str, Any]]]:
        """(type_name, data) of every event PostgreSQL holds for `sender`, in order."""
        rows = self.query("SELECT type_name, data FROM events WHERE sender_id = %s ORDER BY id", (sender,))
        return [(type_name, json.loads(data)) for type_name, data in rows]


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
