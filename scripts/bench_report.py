"""`make bench-report`: how long `make report` takes on a large tracker store.

Writes a SQLite tracker store of --events events (one million by default) in Rasa's `events`
table, made of conversations shaped like the assistant's (a question, the form asking the
date, the answer, the feedback; some not understood, some left in the middle of the form),
spread over 30 days, then runs the report on it and prints the seconds (median of --runs).
A benchmark, not a test: the figure goes to the README and the issue's note.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts import report  # noqa: E402

SCHEMA = """CREATE TABLE events (
    id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL,
    timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"""
START = 1_793_000_000.0  # 2026-10-26, thirty days before the benchmark's stores end
UNCLEAR = [f"随便说点什么 {n}" for n in range(40)]


def event(kind: str, stamp: float, **data: object) -> tuple[str, float, str | None, str | None, str]:
    payload = {"event": kind, "timestamp": stamp, **data}
    intent = (data.get("parse_data") or {}).get("intent", {}).get("name") if kind == "user" else None  # type: ignore[union-attr]
    action = data.get("name") if kind == "action" else None
    return kind, stamp, intent, action, json.dumps(payload, ensure_ascii=False)  # type: ignore[return-value]


def user(stamp: float, text: str, intent: str) -> tuple:
    return event("user", stamp, text=text, parse_data={"intent": {"name": intent, "confidence": 0.9}})


def conversation(rng: random.Random, stamp: float) -> list[tuple]:
    """One conversation's events, as the assistant stores them."""
    period = rng.choice(["before_2010_06_01", "2010_06_01_to_2017_01_31", "after_2017_01_31"])
    rows = [
        event("action", stamp, name="action_session_start"),
        event("session_started", stamp),
        event("action", stamp, name="action_listen"),
        user(stamp + 1, "如何查看备案信息？", "faq_view_filing"),
        event("action", stamp + 1, name="faq_form"),
        event("active_loop", stamp + 1, name="faq_form"),
        event("slot", stamp + 1, name="faq_question", value="faq_view_filing"),
        event("slot", stamp + 1, name="requested_slot", value="filing_date"),
        event(
            "bot", stamp + 1, text="请问您的备案是什么时候提交的？", metadata={"knowledge": "ask_filing_date"}
        ),
        event("action", stamp + 1, name="action_listen"),
    ]
    if rng.random() < 0.1:  # left while the date was asked
        return rows
    if rng.random() < 0.1:
        rows.append(user(stamp + 5, rng.choice(UNCLEAR), "nlu_fallback"))
    rows += [
        user(stamp + 10, "2015年", "inform"),
        event("slot", stamp + 10, name="filing_date", value="2015年"),
        event("slot", stamp + 10, name="filing_period", value=period),
        event("action", stamp + 10, name="faq_form"),
        event("active_loop", stamp + 10, name=None),
        event("slot", stamp + 10, name="requested_slot", value=None),
        event("action", stamp + 10, name="action_answer_faq"),
        event("bot", stamp + 10, text="……", metadata={"knowledge": f"view_filing_{period}"}),
        event("bot", stamp + 10, text="这个回答对您有帮助吗？", metadata={"knowledge": "feedback_ask"}),
        event("action", stamp + 10, name="action_listen"),
    ]
    if rng.random() < 0.5:
        choice = "helpful" if rng.random() < 0.8 else "unhelpful"
        rows += [
            user(stamp + 20, f"/feedback_{choice}", f"feedback_{choice}"),
            event("action", stamp + 20, name="action_record_feedback"),
            event("bot", stamp + 20, text="感谢您的反馈！", metadata={"knowledge": "feedback_thanks"}),
            event(
                "slot",
                stamp + 20,
                name="feedback",
                value={"choice": choice, "answer": [f"view_filing_{period}"]},
            ),
            event("action", stamp + 20, name="action_listen"),
        ]
    return rows


def generate(path: Path, events: int, seed: int = 11) -> int:
    rng = random.Random(seed)
    connection = sqlite3.connect(path)
    connection.execute(SCHEMA)
    written = 0
    number = 0
    while written < events:
        stamp = START + rng.random() * 30 * 86400
        sender = f"bench-{number:08d}"
        rows = [(sender, *row) for row in conversation(rng, stamp)][: events - written]
        connection.executemany(
            "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
        written += len(rows)
        number += 1
    connection.commit()
    connection.close()
    return number


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        store = Path(tmp) / "tracker.db"
        started = time.monotonic()
        conversations = generate(store, args.events)
        print(
            f"bench-report: {args.events:,} events in {conversations:,} conversations written in "
            f"{time.monotonic() - started:.1f} s",
            flush=True,
        )
        seconds = []
        for run in range(args.runs):
            started = time.monotonic()
            environ = {"TRACKER_DB": str(store)}
            built = report.build(environ, progress=run == 0)
            report.write(built, Path(tmp) / "out", environ)
            seconds.append(time.monotonic() - started)
            print(
                f"  run {run + 1}: {seconds[-1]:.1f} s ({built.events:,} events, "
                f"{built.conversations:,} conversations)",
                flush=True,
            )
    median = statistics.median(seconds)
    print(
        f"bench-report: make report on {args.events:,} events: median {median:.1f} s of {args.runs} runs "
        f"({args.events / median:,.0f} events/s); target < 60 s: {'met' if median < 60 else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
