"""Ports and server processes, shared by the tests and the benchmarks that start servers."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterable


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
