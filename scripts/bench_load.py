"""Load benchmark (`make bench-load`): many conversations at once over REST, then the tracker store.

Starts its own action server and Rasa server on 127.0.0.1 (free ports, endpoints.yml, a new SQLite
tracker store in a temporary folder, rate limits off), then holds --conversations conversations of
--turns turns each at the same time, each turn waiting for the answer to the one before, as users
do. The turns are `make bench`'s conversation (scripts/bench.py), each conversation starting at a
different turn of it. The servers come from the one launcher, scripts/processes.py. Prints the
errors (failed requests, empty answers, apologies), the latency percentiles of a turn and the
throughput; then reads the tracker store (SQLite table `events`, type_name 'user', per
sender_id) and prints the turns it lacks.
Exits 1 when there were errors or lost turns.

Everything is bounded: each request (--request-timeout), the whole load (--deadline), the start.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sqlite3
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from actions import knowledge  # noqa: E402
from scripts.bench import CONVERSATION  # noqa: E402
from scripts.processes import Servers  # noqa: E402

MODEL = ROOT / "models" / "icp-assistant.tar.gz"
APOLOGY = knowledge.prompt("service_unavailable").text


def script(index: int, turns: int) -> list[str]:
    """`turns` messages: `make bench`'s 19-turn conversation over and over, the index-th
    conversation starting at its index-th turn."""
    return [CONVERSATION[(index + turn) % len(CONVERSATION)] for turn in range(turns)]


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    sent: dict[str, list[str]] = field(default_factory=dict)
    not_sent: int = 0


async def converse(
    session: aiohttp.ClientSession, url: str, sender: str, said: list[str], results: Results
) -> None:
    results.sent[sender] = []
    for text in said:
        started = time.perf_counter()
        error = None
        try:
            async with session.post(url, json={"sender": sender, "message": text}) as response:
                body = await response.text()
                if response.status != 200:
                    error = f"HTTP {response.status}"
                else:
                    messages = json.loads(body)
                    if not messages:
                        error = "empty answer"
                    elif any(message.get("text") == APOLOGY for message in messages):
                        error = "apology (the turn failed in the server)"
        except asyncio.TimeoutError:
            error = "timeout"
        except (aiohttp.ClientError, ValueError) as failure:
            error = type(failure).__name__
        results.sent[sender].append(text)
        if error:
            results.errors[error] += 1
        else:
            results.latencies.append(time.perf_counter() - started)


async def load(url: str, conversations: int, turns: int, request_timeout: float, deadline: float) -> tuple:
    results = Results()
    connector = aiohttp.TCPConnector(limit=conversations)
    timeout = aiohttp.ClientTimeout(total=request_timeout)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        run = uuid.uuid4().hex[:8]
        tasks = [
            asyncio.create_task(
                converse(session, url, f"bench-{run}-{index:04d}", script(index, turns), results)
            )
            for index in range(conversations)
        ]
        started = time.perf_counter()
        done, pending = await asyncio.wait(tasks, timeout=deadline)
        elapsed = time.perf_counter() - started
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for task in done:
            if task.exception() is not None:
                results.errors[f"client error: {task.exception()!r}"] += 1
    expected = conversations * turns
    results.not_sent = expected - sum(len(said) for said in results.sent.values())
    if pending:
        results.errors[f"not finished after the {deadline:.0f}s deadline"] += results.not_sent
    return results, elapsed


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def stored_user_turns(tracker_db: Path) -> dict[str, list[str]]:
    connection = sqlite3.connect(f"file:{tracker_db}?mode=ro", uri=True, timeout=30)
    try:
        rows = connection.execute(
            "SELECT sender_id, data FROM events WHERE type_name = 'user' ORDER BY id"
        ).fetchall()
    finally:
        connection.close()
    stored: dict[str, list[str]] = {}
    for sender, data in rows:
        stored.setdefault(sender, []).append(json.loads(data).get("text"))
    return stored


def lost_turns(sent: dict[str, list[str]], stored: dict[str, list[str]]) -> tuple[int, int]:
    """(turns sent but not stored, conversations whose stored turns differ from those sent)."""
    lost = differ = 0
    for sender, said in sent.items():
        kept = stored.get(sender, [])
        lost += sum((Counter(said) - Counter(kept)).values())
        differ += kept != said
    return lost, differ


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--request-timeout", type=float, default=300, help="seconds for one turn")
    parser.add_argument("--deadline", type=float, default=1800, help="seconds for the whole load")
    parser.add_argument("--start-timeout", type=float, default=300, help="seconds for the servers to start")
    parser.add_argument(
        "--endpoints", type=Path, default=ROOT / "endpoints.yml", help="Rasa's endpoints file"
    )
    args = parser.parse_args(argv)
    if not MODEL.exists():
        parser.error(f"no trained model at {MODEL}: run `make train` first")
    if not 1 <= args.conversations <= 1000 or not 1 <= args.turns <= 100:
        parser.error("1 to 1000 conversations of 1 to 100 turns")

    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    env = {"RATE_LIMIT_PER_SENDER_PER_MINUTE": "0", "RATE_LIMIT_PER_ADDRESS_PER_MINUTE": "0"}
    servers = Servers(
        workdir,
        model=MODEL,
        extra_env=env,
        endpoints=args.endpoints.resolve(),
        start_timeout=args.start_timeout,
    )
    webhook = f"{servers.url}/webhooks/rest/webhook"
    print(f"bench-load: starting an action server and a Rasa server (logs in {workdir})", flush=True)
    try:
        servers.start()
        total = args.conversations * args.turns
        print(
            f"bench-load: {args.conversations} conversations x {args.turns} turns = {total} turns at once "
            f"over REST ({webhook})",
            flush=True,
        )
        results, elapsed = asyncio.run(
            load(webhook, args.conversations, args.turns, args.request_timeout, args.deadline)
        )
    finally:
        servers.stop()

    answered = len(results.latencies)
    errors = sum(results.errors.values())
    rate = answered / elapsed if elapsed else 0.0
    print(f"turns answered: {answered} of {total} in {elapsed:.1f}s; throughput {rate:.1f} turns/s")
    print(
        f"errors: {errors}"
        + "".join(f"\n  {count:5d}  {kind}" for kind, count in results.errors.most_common())
    )
    if results.latencies:
        figures = ", ".join(
            f"p{int(fraction * 100)} {percentile(results.latencies, fraction):.2f}s"
            for fraction in (0.5, 0.9, 0.95, 0.99)
        )
        mean = sum(results.latencies) / answered
        print(f"latency of a turn: {figures}, max {max(results.latencies):.2f}s, mean {mean:.2f}s")

    stored = stored_user_turns(Path(servers.env["TRACKER_DB"]))
    lost, differ = lost_turns(results.sent, stored)
    kept = sum(len(stored.get(sender, [])) for sender in results.sent)
    print(
        f"tracker store: {kept} user turns stored for {len(results.sent)} conversations; "
        f"lost turns: {lost}; conversations not stored as sent: {differ}"
    )
    success = errors == 0 and lost == 0 and differ == 0 and results.not_sent == 0
    print("bench-load: " + ("target met: no errors, no lost turns" if success else "TARGET MISSED"))
    if success:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        print(f"bench-load: logs and tracker store kept in {workdir}")
    return 0 if success else 1


if __name__ == "__main__":
    sys.exit(main())
