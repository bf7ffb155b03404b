"""The SQL tracker store, telling the channels when it failed.

Rasa wraps every tracker store in a fail-safe that, when the database cannot be read, carries
on with an empty conversation (and saves it in memory only): the user would get an answer
that ignores everything they said. This store flags such failures for the current request,
so the channel can answer with an apology instead, and logs one clear line.
"""

from __future__ import annotations

import contextvars
import logging
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError

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


class SafeSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore (SQLite by default) that reports its failures to the channels."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)

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
        try:
            return await super().retrieve(sender_id)
        except SQLAlchemyError as error:
            self._report("read", sender_id, error)
            raise

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        try:
            return await super().retrieve_full_tracker(conversation_id)
        except SQLAlchemyError as error:
            self._report("read", conversation_id, error)
            raise

    async def save(self, tracker: DialogueStateTracker) -> None:
        try:
            await super().save(tracker)
        except SQLAlchemyError as error:
            self._report("save", tracker.sender_id, error)
            raise
