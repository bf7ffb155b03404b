"""The SQL tracker store on SQLite: write-ahead log, failures reported to the channels, and the
same rows as Rasa's own SQLTrackerStore, read and written both ways."""

from __future__ import annotations

import asyncio
import math
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

import patches
from stores import sql


@pytest.fixture(autouse=True, params=[True, False], ids=["fast path", "rasa's code"])
def fast_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Every test runs with the fixes of patches/ switched on (`python -m assistant`) and off."""
    monkeypatch.setattr(patches, "_applied", request.param)
    return request.param


def test_the_fast_path_is_used_only_when_the_fixes_are_switched_on(
    fast_path: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    async def rasa_retrieve(self, sender_id: str) -> None:
        calls.append(sender_id)

    monkeypatch.setattr(SQLTrackerStore, "retrieve", rasa_retrieve)
    asyncio.run(store(tmp_path / "t.db").retrieve("u1"))
    assert calls == ([] if fast_path else ["u1"])


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


DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [faq_view_filing, inform]
slots:
  filing_date:
    type: text
    mappings: [{type: custom}]
"""
)


def session(start: float, text: str) -> list[Event]:
    """One conversation session: its start, a question, a form turn and an answer."""
    return [
        ActionExecuted("action_session_start", timestamp=start),
        SessionStarted(timestamp=start),
        ActionExecuted("action_listen", timestamp=start),
        UserUttered(text, {"name": "faq_view_filing", "confidence": 0.9}, timestamp=start + 1),
        ActiveLoop("faq_form", timestamp=start + 2),
        SlotSet("filing_date", "2013-03", timestamp=start + 3),
        BotUttered("答案", {"buttons": None}, timestamp=start + 4),
        ActionExecuted("action_listen", timestamp=start + 5),
    ]


def dicts(tracker: DialogueStateTracker | None) -> list[dict]:
    assert tracker is not None
    return [tracker_event.as_dict() for tracker_event in tracker.events]


def rasa_store(path: Path) -> SQLTrackerStore:
    return SQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(path))


def ours(path: Path) -> sql.SafeSQLTrackerStore:
    return sql.SafeSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(path))


def rows(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT sender_id, type_name, timestamp, intent_name, action_name, data FROM events ORDER BY id"
        ).fetchall()


@pytest.mark.parametrize("writer, reader", [(ours, rasa_store), (rasa_store, ours)])
def test_each_store_reads_the_latest_session_the_other_wrote(writer, reader, tmp_path: Path) -> None:
    first, second = session(1000.0, "第一次"), session(2000.0, "第二次")
    asyncio.run(writer(tmp_path / "t.db").save(DialogueStateTracker.from_events("u", first)))
    asyncio.run(writer(tmp_path / "t.db").save(DialogueStateTracker.from_events("u", first + second)))
    read = asyncio.run(reader(tmp_path / "t.db").retrieve("u"))
    assert dicts(read) == [e.as_dict() for e in second]
    assert read.get_slot("filing_date") == "2013-03" and read.active_loop_name == "faq_form"
    full = asyncio.run(reader(tmp_path / "t.db").retrieve_full_tracker("u"))
    assert dicts(full) == [e.as_dict() for e in first + second]


def test_both_stores_write_the_same_rows(tmp_path: Path) -> None:
    events = session(1000.0, "你好") + session(2000.0, "再见")
    for name, make in (("rasa.db", rasa_store), ("ours.db", ours)):
        tracker_store = make(tmp_path / name)
        asyncio.run(tracker_store.save(DialogueStateTracker.from_events("u", events[:4])))
        asyncio.run(tracker_store.save(DialogueStateTracker.from_events("u", events)))
    assert rows(tmp_path / "ours.db") == rows(tmp_path / "rasa.db")
    assert len(rows(tmp_path / "ours.db")) == len(events)


def test_a_save_after_a_read_adds_only_the_new_events(tmp_path: Path) -> None:
    tracker_store = ours(tmp_path / "t.db")
    asyncio.run(tracker_store.save(DialogueStateTracker.from_events("u", session(1000.0, "一"))))
    tracker = asyncio.run(tracker_store.retrieve("u"))
    tracker.update(UserUttered("二", timestamp=1010.0))
    asyncio.run(tracker_store.save(tracker))
    asyncio.run(tracker_store.save(tracker))  # nothing new: nothing written
    assert [row[1] for row in rows(tmp_path / "t.db")][-2:] == ["action", "user"]
    assert len(rows(tmp_path / "t.db")) == len(session(0.0, "")) + 1


def test_an_unknown_conversation_reads_as_none(tmp_path: Path) -> None:
    assert asyncio.run(ours(tmp_path / "t.db").retrieve("nobody")) is None


def test_sqlite_connections_are_kept_open_with_their_pragmas(tmp_path: Path) -> None:
    tracker_store = ours(tmp_path / "t.db")
    assert isinstance(tracker_store.engine.pool, sa.pool.QueuePool)
    opened = []
    sa.event.listen(tracker_store.engine, "connect", lambda *_: opened.append(1))
    for number in range(5):
        tracker = DialogueStateTracker.from_events(f"u{number}", [UserUttered("你好")])
        asyncio.run(tracker_store.save(tracker))
        asyncio.run(tracker_store.retrieve(f"u{number}"))
    assert len(opened) <= 1
    with tracker_store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_an_event_json_wrote_with_nan_still_reads_back(tmp_path: Path) -> None:
    events = [*session(1000.0, "你好"), SlotSet("filing_date", float("nan"), timestamp=1006.0)]
    asyncio.run(rasa_store(tmp_path / "t.db").save(DialogueStateTracker.from_events("u", events)))
    read = asyncio.run(ours(tmp_path / "t.db").retrieve("u"))
    assert read is not None and math.isnan(read.get_slot("filing_date"))
