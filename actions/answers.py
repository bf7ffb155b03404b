"""Actions that answer the FAQ and ask the questions that pick its branch."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import branches, choices, knowledge
from actions.clarify import offer_questions, ranked_questions
from actions.conversation import (
    MIIT_HAS_RECORD,
    MIIT_NO_RECORD,
    english,
    facts,
    latest_intent,
    latest_text,
    premise_contradicted,
    prompt_for,
    reading_of,
    say,
)
from actions.dates import PERIODS
from actions.language import asks

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
        # the assistant's own messages only: a client's metadata ({"knowledge": ...} sent with a
        # user message) never decides what the assistant said
        if (
            event.get("event") == "bot"
            and (event.get("metadata") or {}).get("knowledge") == branches.MIIT_NO_RECORD_INTRO
        ):
            return True
    return False


def answer_to_the_question_asked(tracker: Tracker) -> dict[str, Any]:
    """The slot the form asked for, when a message NLU took for another question answers it.

    部里网站上还显示着备案号 may come out as a question of its own (备案信息不认识 -> 注销备案);
    said while the form waits for what MIIT shows, it is the answer, and answering the other
    question instead would send the user to the wrong procedure.
    """
    if (tracker.active_loop or {}).get("name") != FORM:
        return {}
    requested = tracker.get_slot("requested_slot")
    if requested not in choices.READERS:
        return {}
    if requested == "miit_has_record" and latest_intent(tracker) == "faq_access_cancelled_miit_has_record":
        # the words first: 否，工信部系统中已无该网站备案记录 names MIIT and a record, and NLU may
        # take it for "MIIT still has it"; only words that say neither leave it to the intent
        said = choices.miit_has_record(latest_text(tracker), requested=True)
        return {requested: True if said is None else said}
    value = choices.READERS[requested](latest_text(tracker), requested=False)
    if (
        value is None
        and requested == "miit_result"
        and latest_intent(tracker) == "faq_access_cancelled_miit_has_record"
    ):
        # The form asks what the query showed because MIIT no longer has the record: "still
        # there" (主体还在) cannot mean Q5's answer here. The words are read as the answer, or
        # the question is asked again; Q5 (接入备案) is never given against what was said.
        return {requested: choices.miit_result(latest_text(tracker))}
    if (
        value is None
        and latest_intent(tracker) != tracker.get_slot("faq_question")
        and not asks(choices.fold(latest_text(tracker)))
    ):
        # Words that ask nothing, said while the form waits for this fact, that NLU took for
        # another question (公司名查得到，网站一个都没挂 -> 备案信息不认识 -> 注销备案): read as
        # the answer, as the form reads one, or asked again with the buttons when they say
        # none; a new question comes with a word that asks (那备案不认识怎么办).
        return {requested: choices.READERS[requested](latest_text(tracker), requested=True)}
    return {} if value is None else {requested: value}


class ActionAnswerFaq(Action):
    """Answers the question asked at once, or the one the form has just collected slots for."""

    def name(self) -> str:
        return "action_answer_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        intent = latest_intent(tracker)
        # Right after the form completed, the form's question is answered, even when the message
        # that completed it was taken for another question (and read as the form's answer).
        asked_now = intent in branches.IMMEDIATE_QUESTIONS and tracker.latest_action_name != FORM
        if asked_now:
            answered = answer_to_the_question_asked(tracker)
            if answered:
                # The form, which runs next, takes the answer (or asks again) and goes on.
                if None in answered.values():
                    say(dispatcher, prompt_for(tracker, "please_choose"))
                return [SlotSet(slot, value) for slot, value in answered.items()]
        question = intent if asked_now else tracker.get_slot("faq_question")
        if question in (MIIT_HAS_RECORD, MIIT_NO_RECORD) and premise_contradicted(tracker):
            offer_questions(dispatcher, domain, [MIIT_HAS_RECORD, MIIT_NO_RECORD])
            return []
        known = facts(tracker)
        keys = branches.answer(question, known, _intro_shown_in_this_form(tracker))
        if not keys:
            # Facts that select no question (a date): the questions NLU saw beside them, if any.
            ranked = [] if question else ranked_questions(tracker)
            if ranked:
                offer_questions(dispatcher, domain, ranked)
            else:
                dispatcher.utter_message(response="utter_topics")
            return []
        if english(tracker):
            intro = knowledge.english_intro(_asked(question, known))
            if intro:
                say(dispatcher, intro)
        if known.filing_date_unknown and question in branches.PERIOD_QUESTIONS:
            say(dispatcher, prompt_for(tracker, "filing_date_unknown_lead"))
        for key in keys:
            say(dispatcher, knowledge.answer(key))
        if keys != [branches.MIIT_NO_RECORD_INTRO]:  # a final answer, not the query instructions
            say(dispatcher, prompt_for(tracker, "feedback_ask"))
        return []


def _asked(question: str | None, known: branches.Facts) -> str:
    """The FAQ question an answer belongs to (the access-cancelled ones by what MIIT shows)."""
    if question == "faq_access_cancelled" and known.miit_has_record is not None:
        return (
            "faq_access_cancelled_miit_has_record"
            if known.miit_has_record
            else "faq_access_cancelled_miit_no_record"
        )
    return question or ""


class ActionRestart(Action):
    """Rasa's restart, which says so: a turn that answers nothing reads as an outage."""

    def name(self) -> str:
        return "action_restart"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        say(dispatcher, prompt_for(tracker, "restarted"))
        dispatcher.utter_message(response="utter_topics")
        return [Restarted()]


class AskAction(Action):
    """Asks for a slot with the question and buttons of knowledge/prompts.yml."""

    slot = ""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        say(dispatcher, prompt_for(tracker, f"ask_{self.slot}"))
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
        message = prompt_for(tracker, "ask_filing_date")
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
        message = prompt_for(tracker, "ask_filing_period_between")
        message.buttons.extend(period_buttons(reading.periods, dont_remember=False))
        say(dispatcher, message)
        return []
