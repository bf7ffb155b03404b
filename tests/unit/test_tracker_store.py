"""The SQL tracker store on SQLite: write-ahead log, and failures reported to the channels."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from stores import sql


def store(path: Path) -> sql.SafeSQLTrackerStore:
    return sql.SafeSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(path))


def test_a_saved_conversation_reads_back_and_the_database_uses_a_write_ahead_log(tmp_path: Path) -> None:
    tracker_store = store(tmp_path / "t.db")
    tracker = DialogueStateTracker.from_events("u1", [UserUttered("你好")])
    asyncio.run(tracker_store.save(tracker))
    again = asyncio.run(tracker_store.retrieve("u1"))
    assert again is not None and again.latest_message.text == "你好"
    with sqlite3.connect(tmp_path / "t.db") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_failure_is_flagged_for_the_current_request(tmp_path: Path) -> None:
    tracker_store = store(tmp_path / "t.db")
    lock = sqlite3.connect(tmp_path / "t.db", timeout=0.1)
    lock.execute("BEGIN EXCLUSIVE")
    try:

        async def one_request() -> bool:
            sql.start_request()
            try:
                await tracker_store.save(DialogueStateTracker.from_events("u2", [UserUttered("hi")]))
            except Exception:
                pass
            return sql.failed_in_this_request()

        assert asyncio.run(one_request()) is True
    finally:
        lock.rollback()
        lock.close()

    async def next_request() -> bool:
        sql.start_request()
        await tracker_store.save(DialogueStateTracker.from_events("u2", [UserUttered("hi")]))
        return sql.failed_in_this_request()

    assert asyncio.run(next_request()) is False
