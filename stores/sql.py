"""The SQL tracker store, telling the channels when it failed, and reading and writing lean.

Rasa wraps every tracker store in a fail-safe that, when the database cannot be read, carries
on with an empty conversation (and saves it in memory only): the user would get an answer
that ignores everything they said. This store flags such failures for the current request,
so the channel can answer with an apology instead, and logs one clear line.

Reading a conversation and saving its new events were half of the Rasa server's time per
message (py-spy under `make bench`'s load: 8.4 ms and 4.8 ms of 25.7 ms), mostly the ORM: a
session, a query object and a row object per event. Here the same queries (the events of the
latest session, counted before a save) are SQLAlchemy Core statements built once, and a save
is one multi-row insert. Same table, same rows: Rasa's own SQLTrackerStore reads what this one
writes, and the other way round. The queries restate Rasa 3.6's own, so they are used only when
the fixes of patches/ are switched on (`python -m assistant`, under their version gate);
otherwise this store reads and saves through Rasa's code.
"""

from __future__ import annotations

import contextvars
import itertools
import json
import logging
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError

import patches

logger = logging.getLogger(__name__)

_failed: contextvars.ContextVar[bool] = contextvars.ContextVar("tracker_store_failed", default=False)


def start_request() -> None:
    """Called by a channel before it hands a message to Rasa."""
    _failed.set(False)


def failed_in_this_request() -> bool:
    return _failed.get()


def _sqlite_pragmas(connection: Any, _: Any) -> None:
    # Write-ahead log: readers do not wait for a writer, and a commit needs no full sync of
    # the file (`make bench`: saving a tracker was 22% of an answer's time).
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _loads(data: str) -> Any:
    """orjson reads a stored event in a third of json's time; json still reads NaN and the like."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)


def _row(sender_id: str, tracker_event: Event) -> dict[str, Any]:
    """The columns Rasa's SQLTrackerStore.save writes for an event."""
    data = tracker_event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": tracker_event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }


class SafeSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore (SQLite by default) that reports its failures to the channels."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("dialect", "sqlite") == "sqlite" and kwargs.get("db"):
            # var/tracker.db in a fresh clone: SQLite creates the file, not its folder
            Path(str(kwargs["db"])).expanduser().parent.mkdir(parents=True, exist_ok=True)
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            self._pool_sqlite_connections()
            event.listen(self.engine, "connect", _sqlite_pragmas)
        table = self.SQLEvent.__table__
        sender = table.c.sender_id == sa.bindparam("sender_id")
        # Rasa's _event_query: the events at or after the latest session start (all of them
        # when the conversation has none), in the order they were stored.
        session_start = (
            sa.select(sa.func.max(table.c.timestamp))
            .where(sender, table.c.type_name == SessionStarted.type_name)
            .scalar_subquery()
        )
        latest_session = sa.and_(sender, sa.or_(table.c.timestamp >= session_start, session_start.is_(None)))
        self._read_session = sa.select(table.c.data).where(latest_session).order_by(table.c.id)
        self._count_session = sa.select(sa.func.count()).select_from(table).where(latest_session)
        self._insert = table.insert()

    def _pool_sqlite_connections(self) -> None:
        """Keeps SQLite connections open between messages.

        SQLAlchemy 1.4 opens and closes a file database's connection at every use (NullPool):
        with the pragmas, 12% of the Rasa server's time per message (py-spy, `make bench`).
        The pool hands a connection to one user at a time, so it may cross threads.
        """
        url = self.engine.url
        if url.database in (None, "", ":memory:"):
            return
        self.engine.dispose()
        self.engine = sa.create_engine(
            url,
            poolclass=sa.pool.QueuePool,
            pool_size=5,
            max_overflow=10,
            connect_args={"check_same_thread": False},
        )
        self.sessionmaker = sa.orm.sessionmaker(bind=self.engine)

    def _report(self, operation: str, sender_id: str, error: Exception) -> None:
        _failed.set(True)
        logger.error(
            "tracker store unavailable: could not %s the conversation %s (%s: %s)",
            operation,
            sender_id,
            type(error).__name__,
            str(error).splitlines()[0],
        )

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        if not patches.applied():
            try:
                return await super().retrieve(sender_id)
            except SQLAlchemyError as error:
                self._report("read", sender_id, error)
                raise
        try:
            with self.engine.connect() as connection:
                rows = connection.execute(self._read_session, {"sender_id": sender_id}).all()
        except SQLAlchemyError as error:
            self._report("read", sender_id, error)
            raise
        if not self.domain or not rows:
            return None
        events = [_loads(data) for (data,) in rows]
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        try:
            return await super().retrieve_full_tracker(conversation_id)
        except SQLAlchemyError as error:
            self._report("read", conversation_id, error)
            raise

    async def save(self, tracker: DialogueStateTracker) -> None:
        if not patches.applied():
            try:
                return await super().save(tracker)
            except SQLAlchemyError as error:
                self._report("save", tracker.sender_id, error)
                raise
        await self.stream_events(tracker)
        parameters = {"sender_id": tracker.sender_id}
        try:
            with self.engine.begin() as connection:
                # Rasa's _additional_events: what the latest session holds is already stored.
                stored = connection.execute(self._count_session, parameters).scalar_one()
                new = itertools.islice(tracker.events, stored, None)
                rows = [_row(tracker.sender_id, tracker_event) for tracker_event in new]
                if rows:
                    connection.execute(self._insert, rows)
        except SQLAlchemyError as error:
            self._report("save", tracker.sender_id, error)
            raise
