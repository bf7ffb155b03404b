"""PostgreSQL and Redis on loopback, for the scale-out test and for trying deploy/endpoints.scale.yml.

    python scripts/scale_services.py install          apt-get install postgresql redis-server if missing
    python scripts/scale_services.py start [--dir D]  start both (again: nothing to do); print the settings
    python scripts/scale_services.py stop [--dir D]   stop both, delete D (nothing running: nothing to do)
    python scripts/scale_services.py run -- CMD ...   start both in a new temporary folder, run CMD with
                                                      the settings in its environment, stop both after

Both servers are private to one folder (a temporary one, or --dir; default /tmp/rasa-scale-services):
a PostgreSQL cluster made by initdb, owned by the `postgres` user when run as root (PostgreSQL refuses to
run as root; CI runs as root), and a redis-server, each on a free port of 127.0.0.1 only, with a random
password, no data kept after `stop`. The settings are the environment variables deploy/endpoints.scale.yml
reads (DB_HOST DB_PORT DB_DATABASE DB_USER DB_PASSWORD REDIS_HOST REDIS_PORT REDIS_DB REDIS_PASSWORD).
Only the Python standard library is used.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

HOST = "127.0.0.1"
DEFAULT_DIR = Path(tempfile.gettempdir()) / "rasa-scale-services"
DB_NAME = "rasa"
DB_USER = "rasa"
REDIS_DB = 1
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0
STATE = "state.json"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def postgres_bin() -> Path | None:
    """bin/ of the newest PostgreSQL that Debian's packages installed (initdb is not on PATH)."""
    found = [
        path
        for path in Path("/usr/lib/postgresql").glob("*/bin")
        if (path / "initdb").exists() and (path / "pg_ctl").exists()
    ]
    found.sort(key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0)
    return found[-1] if found else None


def redis_server() -> str | None:
    return shutil.which("redis-server") or next(
        (str(path) for path in [Path("/usr/bin/redis-server")] if path.exists()), None
    )


def missing_packages() -> list[str]:
    return [
        package
        for package, present in (("postgresql", postgres_bin()), ("redis-server", redis_server()))
        if not present
    ]


def install() -> None:
    """Installs PostgreSQL and Redis from Debian's packages, only those that are missing."""
    missing = missing_packages()
    if not missing:
        print("scale services: PostgreSQL and Redis are installed")
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print(f"scale services: installing {' '.join(missing)} from Debian's packages", flush=True)
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env, timeout=600)
    subprocess.run(
        [*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
        check=True,
        env=env,
        timeout=1200,
    )
    # Where the machine lets packages start their services, the install just started the
    # system-wide instance of each (port 5432 / 6379): this script runs its own, so stop those.
    services = {"postgresql": "postgresql", "redis-server": "redis-server"}
    for package in missing:
        subprocess.run(
            [*sudo, "service", services[package], "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
            timeout=120,
        )
    still = missing_packages()
    if still:
        raise RuntimeError(f"installed, yet still missing: {' '.join(still)}")


@dataclass
class Services:
    """A running PostgreSQL cluster and redis-server, private to `root`."""

    root: str
    pg_bin: str
    pg_port: int
    redis_port: int
    password: str
    redis_pid: int = 0

    @property
    def pg_dir(self) -> Path:
        return Path(self.root) / "pg"

    @property
    def pg_data(self) -> Path:
        return self.pg_dir / "data"

    @property
    def redis_dir(self) -> Path:
        return Path(self.root) / "redis"

    def env(self) -> dict[str, str]:
        """The environment variables of deploy/endpoints.scale.yml."""
        return {
            "DB_HOST": HOST,
            "DB_PORT": str(self.pg_port),
            "DB_DATABASE": DB_NAME,
            "DB_USER": DB_USER,
            "DB_PASSWORD": self.password,
            "REDIS_HOST": HOST,
            "REDIS_PORT": str(self.redis_port),
            "REDIS_DB": str(REDIS_DB),
            "REDIS_PASSWORD": self.password,
        }

    def save(self) -> None:
        path = Path(self.root) / STATE
        path.write_text(json.dumps(asdict(self)))
        path.chmod(0o600)

    @classmethod
    def load(cls, root: Path) -> Services | None:
        try:
            return cls(**json.loads((root / STATE).read_text()))
        except (OSError, ValueError, TypeError):
            return None


def _as_postgres(args: list[str]) -> list[str]:
    """PostgreSQL's own programs refuse root: run them as the `postgres` user then."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _chown_to_postgres(path: Path) -> None:
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(path, user.pw_uid, user.pw_gid)


def _run(args: list[str], timeout: float = START_TIMEOUT, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False, **kwargs)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:6])} ... failed ({result.returncode}): {result.stderr.strip()}")
    return result


def _redis_command(port: int, password: str, *command: str) -> bytes:
    """Sends one command to Redis after AUTH and returns the raw answer."""
    payload = b""
    for parts in (("AUTH", password), command):
        payload += f"*{len(parts)}\r\n".encode()
        for part in parts:
            payload += f"${len(part.encode())}\r\n".encode() + part.encode() + b"\r\n"
    with socket.create_connection((HOST, port), timeout=2) as sock:
        sock.sendall(payload)
        answer = b""
        while answer.count(b"\r\n") < 2:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer


def _redis_alive(port: int, password: str) -> bool:
    try:
        return b"+PONG" in _redis_command(port, password, "PING")
    except OSError:
        return False


def _pid_is(pid: int, name: str) -> bool:
    try:
        return name in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return False


def _postgres_running(services: Services) -> bool:
    if not services.pg_data.exists():
        return False
    status = subprocess.run(
        _as_postgres([str(Path(services.pg_bin) / "pg_ctl"), "-D", str(services.pg_data), "status"]),
        capture_output=True,
        timeout=30,
        check=False,
    )
    return status.returncode == 0


def running(root: Path) -> Services | None:
    """The services started in `root`, when both still run."""
    services = Services.load(root)
    if services and _postgres_running(services) and _redis_alive(services.redis_port, services.password):
        return services
    return None


def start(root: Path = DEFAULT_DIR) -> Services:
    """Starts PostgreSQL and Redis in `root`; when they already run there, returns them."""
    already = running(root)
    if already:
        return already
    stop(root)  # whatever half of an earlier start is left
    pg_bin = postgres_bin()
    redis = redis_server()
    if not pg_bin or not redis:
        raise RuntimeError(
            f"missing {' and '.join(missing_packages())}: run `python scripts/scale_services.py install`"
        )
    root.mkdir(mode=0o711, parents=True)
    root.chmod(0o711)  # the postgres user goes through it to its own folder
    services = Services(str(root), str(pg_bin), free_port(), free_port(), secrets.token_hex(16))
    services.save()
    try:
        _start_postgres(services)
        _start_redis(services, redis)
        services.save()
    except BaseException:
        stop(root)
        raise
    return services


def _start_postgres(services: Services) -> None:
    pg_bin = Path(services.pg_bin)
    services.pg_dir.mkdir(mode=0o700)
    _chown_to_postgres(services.pg_dir)
    password_file = services.pg_dir / "password"
    password_file.write_text(services.password + "\n")
    password_file.chmod(0o600)
    _chown_to_postgres(password_file)
    try:
        _run(
            _as_postgres(
                [
                    str(pg_bin / "initdb"),
                    "--pgdata", str(services.pg_data),
                    "--username", DB_USER,
                    "--pwfile", str(password_file),
                    "--auth-local", "trust",
                    "--auth-host", "scram-sha-256",
                    "--encoding", "UTF8",
                    "--no-locale",
                    "--no-sync",
                ]
            ),
            timeout=120,
        )  # fmt: skip
    finally:
        password_file.unlink(missing_ok=True)
    options = (
        f"-c port={services.pg_port} -c listen_addresses={HOST} -c unix_socket_directories={services.pg_dir}"
    )
    _run(
        _as_postgres(
            [
                str(pg_bin / "pg_ctl"),
                "--pgdata", str(services.pg_data),
                "--log", str(services.pg_dir / "postgres.log"),
                "--options", options,
                "--wait", "--timeout", str(int(START_TIMEOUT)),
                "start",
            ]
        ),
        timeout=START_TIMEOUT + 10,
    )  # fmt: skip
    # Over TCP with the password, as Rasa connects.
    _run(
        [str(pg_bin / "createdb"), "-h", HOST, "-p", str(services.pg_port), "-U", DB_USER, DB_NAME],
        env={**os.environ, "PGPASSWORD": services.password},
    )


def _start_redis(services: Services, redis: str) -> None:
    services.redis_dir.mkdir(mode=0o700)
    config = services.redis_dir / "redis.conf"
    config.write_text(
        "\n".join(
            [
                f"bind {HOST}",
                f"port {services.redis_port}",
                "protected-mode yes",
                f"requirepass {services.password}",
                f"dir {services.redis_dir}",
                'save ""',
                "appendonly no",
                "daemonize yes",
                f"pidfile {services.redis_dir / 'redis.pid'}",
                f"logfile {services.redis_dir / 'redis.log'}",
                "",
            ]
        )
    )
    config.chmod(0o600)
    _run([redis, str(config)])
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        pid_file = services.redis_dir / "redis.pid"
        if pid_file.exists() and _redis_alive(services.redis_port, services.password):
            services.redis_pid = int(pid_file.read_text().strip())
            return
        time.sleep(0.2)
    raise RuntimeError(f"redis-server not answering after {START_TIMEOUT:.0f}s; see {services.redis_dir}")


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _pid_is(pid, "redis-server"):
            return True
        time.sleep(0.2)
    return False


def stop(root: Path = DEFAULT_DIR) -> None:
    """Stops what was started in `root` and deletes `root`; nothing there, nothing to do."""
    if not root.exists():
        return
    services = Services.load(root)
    if services:
        if services.pg_data.exists():
            subprocess.run(
                _as_postgres(
                    [
                        str(Path(services.pg_bin) / "pg_ctl"),
                        "--pgdata", str(services.pg_data),
                        "--mode", "fast",
                        "--wait", "--timeout", str(int(STOP_TIMEOUT)),
                        "stop",
                    ]
                ),
                capture_output=True,
                timeout=STOP_TIMEOUT + 10,
                check=False,
            )  # fmt: skip
            _kill_postmaster(services.pg_data)
        pid = services.redis_pid or _read_pid(services.redis_dir / "redis.pid")
        if pid and _pid_is(pid, "redis-server"):
            with contextlib.suppress(OSError):
                _redis_command(services.redis_port, services.password, "SHUTDOWN", "NOSAVE")
            if not _wait_gone(pid, STOP_TIMEOUT):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                _wait_gone(pid, 5)
    shutil.rmtree(root, ignore_errors=True)


def _read_pid(path: Path) -> int:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


def _kill_postmaster(pg_data: Path) -> None:
    """When `pg_ctl stop` did not stop it in time: the postmaster of postmaster.pid, by force."""
    pid = _read_pid(pg_data / "postmaster.pid")
    if pid and _pid_is(pid, "postgres"):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGQUIT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _pid_is(pid, "postgres"):
            time.sleep(0.2)
        if _pid_is(pid, "postgres"):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


@contextlib.contextmanager
def started(parent: Path | None = None) -> Iterator[Services]:
    """PostgreSQL and Redis in a new temporary folder for the time of a `with` block."""
    root = Path(tempfile.mkdtemp(prefix="rasa-scale-", dir=parent)) / "services"
    root.parent.chmod(0o711)  # the postgres user goes through it to its own folder
    try:
        yield start(root)
    finally:
        stop(root)
        shutil.rmtree(root.parent, ignore_errors=True)


def _exit_on_signal(number: int, _frame: object) -> None:
    raise SystemExit(128 + number)


def _exports(services: Services) -> str:
    return "\n".join(f"export {name}={value}" for name, value in services.env().items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("install", help="install postgresql and redis-server if missing")
    for name in ("start", "stop"):
        command = commands.add_parser(name, help=f"{name} the services of --dir")
        command.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    run = commands.add_parser("run", help="start, run a command with the settings, stop")
    run.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)

    if args.command == "install":
        install()
    elif args.command == "start":
        services = start(args.dir.resolve())
        print(f"# PostgreSQL on {HOST}:{services.pg_port}, Redis on {HOST}:{services.redis_port}")
        print(f"# stop with: {sys.argv[0]} stop --dir {services.root}")
        print(_exports(services))
    elif args.command == "stop":
        stop(args.dir.resolve())
    else:
        cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
        if not cmd:
            parser.error("run needs a command: run -- CMD ...")
        # A `kill` (SIGTERM) stops the services too, as Ctrl-C does.
        signal.signal(signal.SIGTERM, _exit_on_signal)
        with started() as services:
            where = f"PostgreSQL on {HOST}:{services.pg_port}, Redis on {HOST}:{services.redis_port}"
            print(f"scale services: {where}", flush=True)
            return subprocess.run(cmd, env={**os.environ, **services.env()}, check=False).returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
