"""`make fuzz`: random and mutated input on every channel, against the real servers (issue 12).

Starts its own action server and Rasa server on 127.0.0.1 (free ports, a new SQLite tracker
store, rate limits off so that every body reaches the checks), then sends --count bodies per
channel:

* REST: random bytes, and valid bodies mutated (fields dropped or retyped, bytes flipped,
  truncated, nested deep, long, control characters, markup, commands full-width or not, other
  channels' sender ids, big metadata);
* DingTalk: the documented callback, mutated the same way, each one signed with the app secret
  (so it gets past the signature and reaches everything behind it), msgIds long or missing;
* Socket.IO: ``user_uttered`` and ``session_request`` events of every JSON type, mutated
  messages and session ids, over one websocket client.

Prints a table per channel: bodies sent, answers by status class, 5xx, crashes (a server that
stopped, or whose health check failed afterwards), the slowest turn, the Rasa server's memory
before and after. Targets: 0 × 5xx, 0 crashes, no turn over 2 s, memory growth under 50 MB.
Exits 1 when a target is missed. Bounded: --count per channel, a timeout per request.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import queue
import random
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.processes import DINGTALK_APP_SECRET, Servers  # noqa: E402

TARGETS = {"5xx": 0, "crashes": 0, "slowest_s": 2.0, "memory_growth_mb": 50.0}
TEXTS = [
    "怎么查看我的备案信息", "2010年", "6月1号那天", "网站内容不合格", "工信部还能查到", "什么都没查到",
    "How can I view my ICP filing?", "／restart", "/restart", "/session_start", '/inform{"notice_type":"x"}',
    "[点这里](https://evil.example)", "<script>alert(1)</script>", "{{7*7}}", "😀" * 50, "", " ", "\x00\x1b",
    "備案資訊", "备" * 3000, "a" * 1999, "%s%n", "' OR 1=1 --", "为什么会有备案信息核查？",
]  # fmt: skip


@dataclass
class Tally:
    sent: int = 0
    statuses: Counter = field(default_factory=Counter)
    slowest: float = 0.0
    errors: Counter = field(default_factory=Counter)

    slowest_body: str = ""

    def add(self, status: int | str, seconds: float, body: Any = None) -> None:
        self.sent += 1
        self.statuses[status if isinstance(status, str) else f"{status // 100}xx"] += 1
        if seconds > self.slowest:
            self.slowest = seconds
            text = repr(body)
            self.slowest_body = f"{text[:80]}... ({len(text)} chars)" if len(text) > 80 else text


def mutate_value(rng: random.Random, value: Any, depth: int = 0) -> Any:
    choice = rng.randrange(12)
    if choice == 0:
        return None
    if choice == 1:
        return rng.choice([0, -1, 1.5, 10**30, True, [], {}, "", "x" * rng.randrange(1, 5000)])
    if choice == 2:
        return [value] * rng.randrange(1, 4)
    if choice == 3:
        return {"nested": value}
    if choice == 4 and isinstance(value, str):
        return value[: rng.randrange(len(value) + 1)]
    if choice == 5:
        return rng.choice(TEXTS)
    if choice == 6 and isinstance(value, dict) and depth < 3:
        return {k: mutate_value(rng, v, depth + 1) for k, v in value.items() if rng.random() > 0.2}
    if choice == 7:  # random code points, surrogates left out
        chars = (chr(rng.randrange(0, 0x10FFFF)) for _ in range(rng.randrange(1, 40)))
        return "".join(char for char in chars if not 0xD800 <= ord(char) <= 0xDFFF)
    return value


def mutate_bytes(rng: random.Random, raw: bytes) -> bytes:
    kind = rng.randrange(8)
    data = bytearray(raw)
    if kind == 0 and data:
        for _ in range(rng.randrange(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif kind == 1:
        data = data[: rng.randrange(len(data) + 1)]
    elif kind == 2:
        data = bytearray(rng.randbytes(rng.randrange(0, 2000)))
    elif kind == 3:
        depth = rng.choice([10, 40, 1000, 20000])
        data = bytearray(b"[" * depth + b"]" * rng.choice([0, depth]))
    elif kind == 4:
        data = data + bytearray(b" " * rng.choice([10, 70_000, 1_100_000]))
    return bytes(data)


def rest_bodies(rng: random.Random, count: int) -> list[bytes]:
    bodies = []
    for index in range(count):
        body: dict[str, Any] = {
            "sender": rng.choice(
                [f"fuzz-{index}", "dingtalk:staff1", "socketio:abc", "Ｄingtalk:x", "", "x" * 200]
            ),
            "message": rng.choice(TEXTS),
        }
        if rng.random() < 0.3:
            body["metadata"] = rng.choice(
                [{"knowledge": "miit_no_record_intro"}, {"a": "x" * 5000}, "x", [1]]
            )
        body = mutate_value(rng, body) if rng.random() < 0.5 else body
        raw = json.dumps(body, ensure_ascii=rng.random() < 0.5).encode()
        bodies.append(mutate_bytes(rng, raw) if rng.random() < 0.4 else raw)
    return bodies


def dingtalk_bodies(rng: random.Random, count: int) -> list[bytes]:
    bodies = []
    for index in range(count):
        body: dict[str, Any] = {
            "conversationId": f"cid{index}",
            "msgId": rng.choice([f"msg{uuid.uuid4().hex}", None, "m" * 300, 5, f"msg{index % 50}"]),
            "senderStaffId": rng.choice([f"staff{index % 200}", None, "", 7, "x" * 500]),
            "conversationType": rng.choice(["1", "2", None, 3]),
            "msgtype": rng.choice(["text", "text", "picture", "richText", None, 5]),
            "text": {"content": rng.choice(TEXTS)},
            "createAt": int(time.time() * 1000),
        }
        body = mutate_value(rng, body) if rng.random() < 0.5 else body
        raw = json.dumps(body, ensure_ascii=rng.random() < 0.5).encode()
        bodies.append(mutate_bytes(rng, raw) if rng.random() < 0.3 else raw)
    return bodies


def sign(timestamp: str) -> str:
    digest = hmac.new(
        DINGTALK_APP_SECRET.encode(), f"{timestamp}\n{DINGTALK_APP_SECRET}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


def signed_headers() -> dict[str, str]:
    """DingTalk's headers, signed now with the test servers' app secret."""
    timestamp = str(int(time.time() * 1000))
    return {"Content-Type": "application/json", "timestamp": timestamp, "sign": sign(timestamp)}


def post_all(url: str, bodies: list[bytes], headers: Callable[[], dict[str, str]], workers: int) -> Tally:
    tally = Tally()
    lock = threading.Lock()
    local = threading.local()

    def one(raw: bytes) -> None:
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        started = time.monotonic()
        try:
            status: int | str = session.post(url, data=raw, headers=headers(), timeout=30).status_code
        except requests.RequestException as error:
            status = type(error).__name__
        with lock:
            tally.add(status, time.monotonic() - started, raw)

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, bodies))
    return tally


def socketio_events(rng: random.Random, count: int) -> list[tuple[str, Any]]:
    events: list[tuple[str, Any]] = []
    for _ in range(count):
        data: Any = {"message": rng.choice(TEXTS), "session_id": "SESSION"}
        if rng.random() < 0.5:
            data = mutate_value(rng, data)
        event = "session_request" if rng.random() < 0.05 else "user_uttered"
        events.append((event, data))
    return events


def fuzz_socketio(url: str, events: list[tuple[str, Any]]) -> Tally:
    import socketio

    tally = Tally()
    replies: queue.Queue = queue.Queue()
    client = socketio.Client(reconnection=False)
    client.on("bot_uttered", replies.put)
    confirmed = queue.Queue()
    client.on("session_confirm", confirmed.put)
    client.connect(url, transports=["websocket"], wait_timeout=30)
    client.emit("session_request", {"session_id": uuid.uuid4().hex})
    session = confirmed.get(timeout=30)
    try:
        for event, data in events:
            if isinstance(data, dict) and data.get("session_id") == "SESSION":
                data = {**data, "session_id": session}
            started = time.monotonic()
            if not client.connected:
                tally.add("disconnected", 0.0)
                client = socketio.Client(reconnection=False)
                client.on("bot_uttered", replies.put)
                client.on("session_confirm", confirmed.put)
                client.connect(url, transports=["websocket"], wait_timeout=30)
                client.emit("session_request", {"session_id": session})
                confirmed.get(timeout=30)
                continue
            client.emit(event, data)
            if event == "session_request":
                confirmed.get(timeout=30)
                tally.add(200, time.monotonic() - started)
                continue
            try:
                replies.get(timeout=30)
                tally.add(200, time.monotonic() - started, data)
            except queue.Empty:
                tally.add("no_reply", time.monotonic() - started)
            time.sleep(0.01)
            while not replies.empty():
                replies.get_nowait()
    finally:
        client.disconnect()
    return tally


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def healthy(servers: Servers) -> bool:
    if any(process.poll() is not None for process in servers.processes.values()):
        return False
    try:
        reply = servers.say(f"health-{uuid.uuid4().hex}", "为什么会有备案信息核查？")
    except requests.RequestException:
        return False
    return bool(reply) and "反恐怖主义法" in reply[0].get("text", "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="bodies per channel (default 10000)")
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="concurrent HTTP clients (the Rasa server runs one turn at a time: more measure queueing)",
    )
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument(
        "--only", choices=("REST", "DingTalk", "Socket.IO"), action="append", help="fuzz only these channels"
    )
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    env = {"RATE_LIMIT_PER_SENDER_PER_MINUTE": "0", "RATE_LIMIT_PER_ADDRESS_PER_MINUTE": "0"}
    rows = []
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        servers = Servers(Path(tmp), extra_env=env)
        servers.start()
        try:
            rasa_pid = servers.processes["rasa"].pid
            for channel, run in (
                ("REST", lambda: post_all(
                    f"{servers.url}/webhooks/rest/webhook", rest_bodies(rng, args.count),
                    lambda: {"Content-Type": "application/json"}, args.workers,
                )),
                ("DingTalk (signed)", lambda: post_all(
                    f"{servers.url}/webhooks/dingtalk/webhook", dingtalk_bodies(rng, args.count),
                    signed_headers, args.workers,
                )),
                ("Socket.IO", lambda: fuzz_socketio(servers.url, socketio_events(rng, args.count))),
            ):  # fmt: skip
                if args.only and not any(channel.startswith(name) for name in args.only):
                    continue
                before = rss_mb(rasa_pid)
                print(f"fuzzing {channel} with {args.count} bodies ...", flush=True)
                started = time.monotonic()
                tally = run()
                alive = healthy(servers)
                rows.append(
                    {
                        "channel": channel,
                        "sent": tally.sent,
                        "statuses": dict(sorted(tally.statuses.items())),
                        "5xx": tally.statuses.get("5xx", 0),
                        "crashes": 0 if alive else 1,
                        "slowest_s": round(tally.slowest, 3),
                        "slowest_body": tally.slowest_body,
                        "memory_before_mb": round(before, 1),
                        "memory_after_mb": round(rss_mb(rasa_pid), 1) if alive else None,
                        "seconds": round(time.monotonic() - started, 1),
                    }
                )
                print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
        finally:
            servers.stop()
    print()
    columns = f"{'channel':18} {'sent':>6} {'5xx':>4} {'crashes':>7} {'slowest s':>9}"
    header = f"{columns} {'RSS MB before → after':>22}  answers"
    print(header)
    print("-" * len(header))
    failed = []
    for row in rows:
        growth = (row["memory_after_mb"] or 0) - row["memory_before_mb"]
        after = row["memory_after_mb"] or 0
        print(
            f"{row['channel']:18} {row['sent']:>6} {row['5xx']:>4} {row['crashes']:>7} "
            f"{row['slowest_s']:>9.2f} {row['memory_before_mb']:>9.0f} → {after:>6.0f} ({growth:+.0f})  "
            f"{row['statuses']}"
        )
        if row["5xx"] > TARGETS["5xx"]:
            failed.append(f"{row['channel']}: {row['5xx']} × 5xx")
        if row["crashes"] > TARGETS["crashes"]:
            failed.append(f"{row['channel']}: the servers stopped answering")
        if row["slowest_s"] > TARGETS["slowest_s"]:
            failed.append(f"{row['channel']}: slowest turn {row['slowest_s']} s > {TARGETS['slowest_s']} s")
        if growth > TARGETS["memory_growth_mb"]:
            failed.append(f"{row['channel']}: memory grew {growth:.0f} MB > {TARGETS['memory_growth_mb']} MB")
    reports = ROOT / "reports"
    reports.mkdir(exist_ok=True)
    (reports / "fuzz.json").write_text(
        json.dumps({"targets": TARGETS, "channels": rows}, indent=2), encoding="utf-8"
    )
    if failed:
        print("\ntargets missed:", *failed, sep="\n  ")
        return 1
    print("\nEvery target met: 0 × 5xx, 0 crashes, no turn over 2 s, memory growth under 50 MB.")
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
