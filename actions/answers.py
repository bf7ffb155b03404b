"""Actions that answer the FAQ and ask the questions that pick its branch."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import branches, knowledge
from actions.conversation import facts, latest_intent, reading_of, say
from actions.dates import PERIODS

FORM = "faq_form"


def period_buttons(periods: Sequence[str], dont_remember: bool) -> list[dict[str, str]]:
    """Buttons that answer with a period's own words, which the date parser reads back."""
    labels = [knowledge.period_labels()[period] for period in PERIODS if period in periods]
    if dont_remember:
        labels.append(knowledge.dont_remember_label())
    return [
        {"title": label, "payload": "/inform" + json.dumps({"filing_date": label}, ensure_ascii=False)}
        for label in labels
    ]


def _intro_shown_in_this_form(tracker: Tracker) -> bool:
    """Whether the MIIT query instructions went out since the form last started."""
    for event in reversed(tracker.events):
        if event.get("event") == "active_loop" and event.get("name") == FORM:
            return False
        if (event.get("metadata") or {}).get("knowledge") == branches.MIIT_NO_RECORD_INTRO:
            return True
    return False


class ActionAnswerFaq(Action):
    """Answers the question asked at once, or the one the form has just collected slots for."""

    def name(self) -> str:
        return "action_answer_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        intent = latest_intent(tracker)
        question = intent if intent in branches.IMMEDIATE_QUESTIONS else tracker.get_slot("faq_question")
        known = facts(tracker)
        keys = branches.answer(question, known, _intro_shown_in_this_form(tracker))
        if not keys:
            dispatcher.utter_message(response="utter_topics")
            return []
        if known.filing_date_unknown and question in branches.PERIOD_QUESTIONS:
            say(dispatcher, knowledge.prompt("filing_date_unknown_lead"))
        for key in keys:
            say(dispatcher, knowledge.answer(key))
        return []


class AskAction(Action):
    """Asks for a slot with the question and buttons of knowledge/prompts.yml."""

    slot = ""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        say(dispatcher, knowledge.prompt(f"ask_{self.slot}"))
        return []


class ActionAskNoticeType(AskAction):
    slot = "notice_type"


class ActionAskMiitHasRecord(AskAction):
    slot = "miit_has_record"


class ActionAskMiitResult(AskAction):
    """Tells the user how to query MIIT (the source's own words), then asks what it showed."""

    slot = "miit_result"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        if not _intro_shown_in_this_form(tracker):
            say(dispatcher, knowledge.answer(branches.MIIT_NO_RECORD_INTRO))
        return await super().run(dispatcher, tracker, domain)


class ActionAskFilingDate(Action):
    def name(self) -> str:
        return "action_ask_filing_date"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        message = knowledge.prompt("ask_filing_date")
        message.buttons.extend(period_buttons(PERIODS, dont_remember=True))
        say(dispatcher, message)
        return []


class ActionAskFilingPeriod(Action):
    """Asks between the periods the user's words span (a bare 2010年), and no others."""

    def name(self) -> str:
        return "action_ask_filing_period"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        reading = reading_of(tracker.get_slot("filing_date"))
        if not reading.ambiguous:
            return await ActionAskFilingDate().run(dispatcher, tracker, domain)
        message = knowledge.prompt("ask_filing_period_between")
        message.buttons.extend(period_buttons(reading.periods, dont_remember=False))
        say(dispatcher, message)
        return []
