"""web/serve.py closes connections that stay silent (a slow client cannot hold its threads)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from scripts.processes import free_port
from tests.conftest import ROOT


def test_a_silent_connection_is_closed_after_the_socket_timeout(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<!doctype html><title>t</title>", encoding="utf-8")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "web" / "serve.py"), "--port", str(port), "--root", str(tmp_path)],
        env={**os.environ, "CHAT_SOCKET_TIMEOUT": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                client = socket.create_connection(("127.0.0.1", port), timeout=1)
                break
            except OSError:
                assert time.monotonic() < deadline, "the chat page server did not start"
                time.sleep(0.1)
        with client:
            client.sendall(b"GET / HTTP/1.1\r\n")  # and then nothing more
            client.settimeout(10)
            started = time.monotonic()
            client.recv(1024)  # raises socket.timeout if the server holds the connection open
            assert time.monotonic() - started < 5
    finally:
        server.terminate()
        server.wait(timeout=10)
