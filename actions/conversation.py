"""What the actions read off a tracker, in one place."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import choices, clock, knowledge
from actions.branches import FILING_INFO_UNQUALIFIED, WEBSITE_CONTENT_UNQUALIFIED, Facts
from actions.dates import DateReading, read_filing_date
from actions.language import writes_english

# The longest user text the actions quote back or parse; a longer message is cut, not refused.
MAX_TEXT = 200


def latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message.get("text") or "").strip()[:MAX_TEXT]


def stated_text(tracker: Tracker) -> str:
    """The words the user stated facts in this turn: the latest message's, or, when that is a
    button's payload picking the question a message NLU could not place meant (/faq_modify_filing
    after 来函称「备案信息不合格」), that message's words, whose facts still hold."""
    text = latest_text(tracker)
    if not text.startswith("/"):
        return text
    users = [event for event in tracker.events if event.get("event") == "user"]
    if len(users) < 2:
        return text
    before = users[-2]
    if ((before.get("parse_data") or {}).get("intent") or {}).get("name") != "nlu_fallback":
        return text
    return (before.get("text") or "").strip()[:MAX_TEXT]


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


def english(tracker: Tracker) -> bool:
    return writes_english(tracker.events)


def prompt_for(tracker: Tracker, key: str, **values: str) -> knowledge.Message:
    """A prompt of knowledge/prompts.yml in the user's language (English first, then Chinese)."""
    return knowledge.prompt(key, english=english(tracker), **values)


def say(dispatcher: CollectingDispatcher, message: knowledge.Message) -> None:
    """Sends a message of knowledge/; its key goes along so the tracker shows what was said."""
    dispatcher.utter_message(text=message.text, buttons=message.buttons or None, knowledge=message.key)


def stated(tracker: Tracker, slot: str) -> Any:
    """A slot's value, or what the latest message plainly says of it (strong evidence only)."""
    value = tracker.get_slot(slot)
    if value is None:
        value = choices.READERS[slot](stated_text(tracker), requested=False)
    return value


MIIT_HAS_RECORD = "faq_access_cancelled_miit_has_record"
MIIT_NO_RECORD = "faq_access_cancelled_miit_no_record"


def premise_contradicted(tracker: Tracker) -> bool:
    """Whether the latest message's own words deny what the question NLU chose for it assumes.

    Q5 (工信部仍有备案 -> 接入备案) assumes MIIT still shows the filing, Q6 (-> 线下注销, 首次备案,
    新增网站) that it does not: words that plainly say the opposite (strong evidence only), or
    the query result by 主办单位 that only Q6 asks for, mean NLU may have chosen the wrong one
    of two opposite procedures, and the user is asked which question they meant.
    """
    intent, text = latest_intent(tracker), latest_text(tracker)
    if intent == MIIT_HAS_RECORD:
        return (
            choices.miit_has_record(text, requested=False) is False
            or choices.miit_result(text, requested=False) is not None
        )
    if intent == MIIT_NO_RECORD:
        return (
            choices.miit_has_record(text, requested=False) is True
            and choices.miit_result(text, requested=False) is None
        )
    return False


def implied_question(tracker: Tracker) -> str | None:
    """The FAQ question that facts stated without a question select.

    A notice type -> how to modify; what MIIT shows -> the access-cancelled questions (Q5
    when the record is still there, Q6 when it is gone or a query result is given). A date
    alone selects nothing: it fits three questions, so the topics are offered instead.
    """
    if stated(tracker, "notice_type") in (FILING_INFO_UNQUALIFIED, WEBSITE_CONTENT_UNQUALIFIED):
        return "faq_modify_filing"
    if tracker.get_slot("miit_result") is not None:
        return "faq_access_cancelled_miit_no_record"
    if isinstance(stated(tracker, "miit_has_record"), bool):
        return "faq_access_cancelled"
    return None
