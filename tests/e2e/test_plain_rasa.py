"""The commands every Rasa user types, in the project root, as a fresh shell with only the virtual
environment active would run them: no flags beyond Rasa's documented ones, none of the Makefile's
environment variables, the contract's ports (5055 and 5005, which must be free)."""

from __future__ import annotations

import os
import pty
import select
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.conftest import ROOT

BIN = ROOT / ".venv" / "bin"
ACTION_PORT, RASA_PORT = 5055, 5005  # endpoints.yml and Rasa's default
MAKEFILE_VARIABLES = ("ACTION_SERVER_URL", "TRACKER_DB", "RASA_PORT", "ACTION_PORT", "CHAT_PAGE_ORIGIN")
START_TIMEOUT = 300


def fresh_shell() -> dict[str, str]:
    """`source .venv/bin/activate` in a shell that has none of the Makefile's variables."""
    env = {key: value for key, value in os.environ.items() if key not in MAKEFILE_VARIABLES}
    return env | {"PATH": f"{BIN}:{env.get('PATH', '')}", "VIRTUAL_ENV": str(ROOT / ".venv")}


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def action_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """`rasa run actions`, as Rasa documents it."""
    busy = [port for port in (ACTION_PORT, RASA_PORT) if port_in_use(port)]
    if busy:
        pytest.fail(f"ports {busy} are in use (is `make run` running?); the plain commands need them")
    log = open(tmp_path_factory.mktemp("plain") / "actions.log", "wb")
    process = subprocess.Popen(
        ["rasa", "run", "actions"], cwd=ROOT, env=fresh_shell(), stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not port_in_use(ACTION_PORT):
            assert process.poll() is None and time.monotonic() < deadline, "rasa run actions did not start"
            time.sleep(0.5)
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_rasa_data_validate() -> None:
    done = subprocess.run(
        ["rasa", "data", "validate", "--fail-on-warnings"],
        cwd=ROOT,
        env=fresh_shell(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


class Terminal:
    """A program in a pseudo-terminal, as a person runs it (rasa shell needs a terminal)."""

    def __init__(self, *command: str) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child
            os.chdir(ROOT)
            os.execvpe(command[0], list(command), fresh_shell())
        self.output = b""

    def read_until(self, text: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.5)
            if ready:
                try:
                    self.output += os.read(self.fd, 65536)
                except OSError:
                    return False
                if text.encode() in self.output:
                    return True
        return False

    def type(self, line: str) -> None:
        self.output = b""
        os.write(self.fd, f"{line}\r".encode())

    def choose(self, number: int) -> None:
        """Picks the number-th button of the menu rasa shell shows for them, with the arrow keys."""
        self.output = b""
        for _ in range(number - 1):
            os.write(self.fd, b"\x1b[B")  # down
            time.sleep(0.2)
        os.write(self.fd, b"\r")

    def close(self) -> None:
        os.kill(self.pid, signal.SIGTERM)
        os.waitpid(self.pid, 0)
        os.close(self.fd)


def test_rasa_shell_with_rasa_run_actions(action_server: None) -> None:
    shell = Terminal("rasa", "shell")
    try:
        assert shell.read_until("Your input", START_TIMEOUT), shell.output[-2000:]
        shell.type("如何查看备案信息？")
        assert shell.read_until("什么时候", 60), shell.output[-2000:]
        assert shell.read_until("2: 2010年6月1日至2017年1月31日", 30), shell.output[-2000:]  # the buttons
        shell.choose(2)
        assert shell.read_until("导入备案信息", 60), shell.output[-2000:]  # the action server answered
        assert shell.read_until("1: 有帮助", 30), shell.output[-2000:]  # the feedback, as a menu
        shell.choose(1)
        assert shell.read_until("感谢您的反馈", 60), shell.output[-2000:]
    finally:
        shell.close()


def test_rasa_run_with_rasa_run_actions(action_server: None, tmp_path: Path) -> None:
    log = open(tmp_path / "rasa.log", "wb")
    process = subprocess.Popen(
        ["rasa", "run"], cwd=ROOT, env=fresh_shell(), stdout=log, stderr=subprocess.STDOUT
    )
    sender = f"plain-{uuid.uuid4().hex[:8]}"
    url = f"http://127.0.0.1:{RASA_PORT}/webhooks/rest/webhook"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert process.poll() is None, (tmp_path / "rasa.log").read_text(errors="replace")[-2000:]
            try:
                reply = requests.post(
                    url, json={"sender": sender, "message": "我2018年备案的，怎么查看备案信息"}, timeout=60
                )
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "rasa run did not answer"
                time.sleep(1)
        assert reply.status_code == 200
        assert "阿里云备案系统" in " ".join(str(m.get("text")) for m in reply.json())
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_rasa_interactive_with_rasa_run_actions(action_server: None) -> None:
    before = set((ROOT / "models").glob("*.tar.gz"))
    graph = ROOT / "story_graph.dot"
    graph_was_there = graph.exists()
    session = Terminal("rasa", "interactive", "--skip-visualization")
    try:
        assert session.read_until("Your input", START_TIMEOUT), session.output[-2000:]  # trained, loaded
        session.type("为什么会有备案信息核查？")
        # it asks to confirm the intent NLU found
        assert session.read_until("is this correct?", 60), session.output[-2000:]
        assert b"faq_why" in session.output
    finally:
        session.close()
        for model in set((ROOT / "models").glob("*.tar.gz")) - before:
            model.unlink()  # the timestamped model `rasa interactive` trained
        if not graph_was_there:
            graph.unlink(missing_ok=True)  # the story graph it writes on exit
