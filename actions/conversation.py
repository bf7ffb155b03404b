"""What the actions read off a tracker, in one place."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import clock, knowledge
from actions.branches import Facts
from actions.dates import DateReading, read_filing_date

# The longest user text the actions quote back or parse; a longer message is cut, not refused.
MAX_TEXT = 200


def latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message.get("text") or "").strip()[:MAX_TEXT]


def entity_values(tracker: Tracker, entity: str) -> list[Any]:
    """The values NLU found for `entity` in the latest message, in the order of the text."""
    found = [e for e in tracker.latest_message.get("entities") or [] if e.get("entity") == entity]
    return [e.get("value") for e in sorted(found, key=lambda e: e.get("start") or 0)]


def has_entity(tracker: Tracker, entity: str) -> bool:
    return bool(entity_values(tracker, entity))


def slot_before_this_turn(tracker: Tracker, slot: str) -> Any:
    """A slot's value before the latest user message (which may have set it again)."""
    value = before = None
    for event in tracker.events:
        if event.get("event") == "user":
            before = value
        elif event.get("event") == "slot" and event.get("name") == slot:
            value = event.get("value")
    return before


def reading_of(filing_date: Any) -> DateReading:
    if not filing_date:
        return DateReading()
    return read_filing_date(str(filing_date)[:MAX_TEXT], clock.today())


def facts(tracker: Tracker) -> Facts:
    """The slots an answer depends on, with what the user's date words say."""
    reading = reading_of(tracker.get_slot("filing_date"))
    # "忘了，大概2011年吧" names a period after all: only words without any date count as unknown.
    unknown = reading.unknown and not reading.periods
    miit_has_record = tracker.get_slot("miit_has_record")
    return Facts(
        filing_period=None if unknown else tracker.get_slot("filing_period"),
        filing_date_unknown=unknown,
        notice_type=tracker.get_slot("notice_type"),
        miit_has_record=miit_has_record if isinstance(miit_has_record, bool) else None,
        miit_result=tracker.get_slot("miit_result"),
    )


def say(dispatcher: CollectingDispatcher, message: knowledge.Message) -> None:
    """Sends a message of knowledge/; its key goes along so the tracker shows what was said."""
    dispatcher.utter_message(text=message.text, buttons=message.buttons or None, knowledge=message.key)
