"""The one form: collects what the question being answered still needs, and nothing more."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions import branches, choices, clock, knowledge
from actions.conversation import (
    entity_values,
    facts,
    has_entity,
    implied_question,
    latest_intent,
    latest_text,
    premise_contradicted,
    prompt_for,
    reading_of,
    say,
    slot_before_this_turn,
    stated,
    stated_text,
)
from actions.dates import complete_date, filing_clause, read_filing_date
from actions.language import asks

# Intents whose text, when the form asked for something, is read as the answer even if NLU
# found no entity in it ("不记得了" may well come out as deny or nlu_fallback).
ANSWER_INTENTS = {"inform", "affirm", "deny", "nlu_fallback"}

SlotValues = dict[str, Any]

# The form's questions about what MIIT shows.
_MIIT_SLOTS = ("miit_has_record", "miit_result")


def _typed_answer(slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> SlotValues:
    """Reads the user's own words for `slot` when NLU found no entity for it.

    As the answer to the question the form asked, every reading counts; unasked (the message
    that starts a question: 收到网站内容不合格的通知，怎么改), only strong evidence does.
    Returns nothing when the words say nothing of the slot, so the rules take over (another
    FAQ question, small talk); asks again with the buttons when an answer says nothing clear.
    """
    if has_entity(tracker, slot) and tracker.get_slot(slot) is not None:
        return {}  # Rasa's mapping took it; validate_<slot> checks it against the words
    read = choices.READERS[slot]
    text = latest_text(tracker)
    if tracker.get_slot("requested_slot") != slot:
        if tracker.get_slot(slot) is not None:
            return {}
        value = read(stated_text(tracker), requested=False)
        return {} if value is None else {slot: value}
    value = read(text, requested=_answering(tracker))
    if value is not None:
        return {slot: value}
    if _ask_again(tracker):
        say(dispatcher, prompt_for(tracker, "please_choose"))
        return {slot: None}
    return {}


def _answering(tracker: Tracker) -> bool:
    """Whether the latest message answers the form's question rather than asking another.

    The question being answered, said again while one of its facts is asked (当年备案的 may come
    out as 如何查看备案信息; "the filing details were flagged" as the modify question), is read as
    the answer too; another FAQ question is left to the rules.
    """
    intent = latest_intent(tracker)
    if intent not in branches.FAQ_INTENTS or intent == tracker.get_slot("faq_question"):
        return True
    return _still_answering(tracker) is not None


def _ask_again(tracker: Tracker) -> bool:
    """Whether a message the form could not read was meant as the answer (a bare fact, yes or no,
    or the question itself said again), so the form asks again rather than leaving it to the rules."""
    intent = latest_intent(tracker)
    return intent in ANSWER_INTENTS or intent == tracker.get_slot("faq_question")


def _mapped_by_rasa(slot: str, tracker: Tracker, domain: DomainDict) -> bool:
    """Whether Rasa's own mapping filled `slot` from an entity of this message: it does only
    for the intents domain.yml lists, so a date NLU tagged in a message it took for nlu_fallback
    ("Spring of 2019 I believe") is left for the form to read."""
    if not has_entity(tracker, slot):
        return False
    intent = latest_intent(tracker)
    for mapping in (domain.get("slots", {}).get(slot) or {}).get("mappings") or []:
        if mapping.get("type") != "from_entity" or mapping.get("entity") != slot:
            continue
        intents = mapping.get("intent")
        if intents is None or intent in ([intents] if isinstance(intents, str) else intents):
            return True
    return False


def _still_answering(tracker: Tracker) -> str | None:
    """The question being answered, when NLU took its answer for another FAQ question.

    Asked which notice came, 说我备案填的信息不对 may come out as 如何查看备案信息; when the
    words plainly answer the fact asked (strong evidence alone), they are that answer, and the
    question asked before goes on, not the one NLU guessed.
    """
    asked = tracker.get_slot("requested_slot")
    before = slot_before_this_turn(tracker, "faq_question")
    intent = latest_intent(tracker)
    if not before or intent == before or intent not in branches.FAQ_INTENTS:
        return None
    text = latest_text(tracker)
    if asked in ("filing_date", "filing_period"):
        # a date that asks nothing ("Spring of 2019 I believe, right after we moved offices")
        answers = bool(reading_of(text).periods) and not asks(choices.fold(text))
    elif asked in choices.READERS:
        answers = choices.READERS[asked](text, requested=False) is not None
    else:
        return None
    return before if answers else None


def _validated_choice(
    slot: str,
    value: Any,
    read: Callable[..., Any],
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
) -> SlotValues:
    """Normalises an entity's value (NLU may return the user's raw words, 什么都没查到).

    If the value means nothing (不合格 tagged in 备案信息存在不合格项), the whole message is read
    instead: all of it when the form had asked for this slot, its plain words otherwise. When the
    entity and the words disagree (NLU tagged 还能查到 in 已经不能查到了), nothing is guessed: the
    user is asked to choose.
    """
    if value is None:
        return {slot: None}
    choice = read(value)
    if tracker.get_slot("requested_slot") == slot:
        typed = read(latest_text(tracker))
        if choice is None or (typed is not None and typed != choice):
            choice = typed if choice is None else None
        if choice is None:
            say(dispatcher, prompt_for(tracker, "please_choose"))
    elif choice is None:
        choice = read(latest_text(tracker), requested=False)
    return {slot: choice}


def _said_more_precisely(tagged: str, periods: tuple[str, ...], tracker: Tracker) -> SlotValues:
    """The message's filing clause when it holds the tagged date and places it in fewer
    periods: NLU may tag 2017年年中备的案 as 2017年年 (two periods) where the words say mid-2017."""
    if len(periods) < 2:
        return {}
    text = latest_text(tracker)
    candidates = [filing_clause(text, clock.today())]
    if tracker.get_slot("requested_slot") in ("filing_date", "filing_period"):
        # the reply to "when was it filed?" is all about that date: NLU may tag 2017 and 1月31 apart
        # in 2017年初，1月31号那天交的 (blind9), and only the whole says which day of 2017
        candidates.append(text)
    for candidate in candidates:
        if not candidate or tagged not in candidate:
            continue
        reading = reading_of(candidate)
        if reading.periods and set(reading.periods) < set(periods):
            return {"filing_date": candidate, "filing_period": reading.period}
    return {}


def date_built_on(text: str, earlier: Any, narrowing: bool, today: datetime.date) -> str | None:
    """The filing date a reply gives by building on the date answered before, or None.

    6月1号那天 after 2010年 is that day of 2010, never of this year; asked which part of a year
    (`narrowing`), 之后 picks the later of the periods it spans. (NLU may even have taken 之后 for
    a date, so the date being narrowed down is the one from before this turn.)
    """
    completed = complete_date(text, earlier, today)
    if completed:
        # 6月以后 after 2010年 is 2010-06-01 on, which ends with that year: of the periods the
        # year spans, the ones it reaches (2010年6月以后 alone would also reach 2017 and on).
        periods = read_filing_date(completed, today).periods
        spanned = read_filing_date(str(earlier), today).periods
        within = [period for period in periods if period in spanned]
        if len(periods) > 1 and len(within) == 1:
            return knowledge.period_labels()[within[0]]
        return completed
    if not (narrowing and earlier):
        return None
    reading = read_filing_date(text, today)
    if reading.period or reading.unknown:
        return None
    chosen = choices.pick_period(text, read_filing_date(str(earlier), today).periods)
    return knowledge.period_labels()[chosen] if chosen else None


class ValidateFaqForm(FormValidationAction):
    def name(self) -> str:
        return "validate_faq_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if premise_contradicted(tracker) and tracker.get_slot("requested_slot") not in _MIIT_SLOTS:
            # nothing is asked: action_answer_faq offers the two questions. Asked what MIIT
            # shows, though, words about MIIT are the answer (否，工信部已无该网站备案记录).
            return []
        question = _still_answering(tracker) or tracker.get_slot("faq_question") or implied_question(tracker)
        # what the message says plainly counts already, so that the slots it makes needed (the
        # date, after 备案信息不合格) are read from the same message
        known = facts(tracker)
        before = slot_before_this_turn(tracker, "miit_has_record")
        if tracker.get_slot("requested_slot") == "miit_result" and isinstance(before, bool):
            # while the query result is asked, what MIIT shows was settled before this turn
            # (validate_miit_has_record keeps it unless the message plainly corrects it)
            known = replace(known, miit_has_record=before)
        known = replace(
            known,
            notice_type=known.notice_type or stated(tracker, "notice_type"),
            miit_has_record=known.miit_has_record
            if known.miit_has_record is not None
            else stated(tracker, "miit_has_record"),
        )
        return branches.required_slots(question, known)

    def extract_faq_question(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        answered = _still_answering(tracker)
        if answered:
            return {"faq_question": answered}
        # Facts stated without a question (通知说网站内容不合格): the question they imply.
        if tracker.get_slot("faq_question") is None:
            question = implied_question(tracker)
            if question:
                return {"faq_question": question}
        return {}

    def extract_filing_date(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        requested = tracker.get_slot("requested_slot")
        intent = latest_intent(tracker)
        if requested is None and intent in branches.PERIOD_QUESTIONS and not tracker.get_slot("filing_date"):
            # The question and the date together (前年备的案，怎么改) when NLU tagged no date.
            clause = filing_clause(stated_text(tracker), clock.today())
            return {"filing_date": clause} if clause else {}
        if requested not in ("filing_date", "filing_period") or not _answering(tracker):
            return {}
        text = latest_text(tracker)
        earlier = slot_before_this_turn(tracker, "filing_date")
        answered = date_built_on(text, earlier, requested == "filing_period", clock.today())
        if answered:
            return {"filing_date": answered}
        reading = reading_of(text)
        if _mapped_by_rasa("filing_date", tracker, domain):
            return {}  # validate_filing_date weighs the entity against the words
        if reading.periods or reading.unknown:
            return {"filing_date": text}
        if _ask_again(tracker):
            say(dispatcher, prompt_for(tracker, "filing_date_not_understood"))
            return {requested: None}
        return {}

    def extract_filing_period(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        # Always what filing_date says, so a corrected date corrects the period too.
        period = reading_of(tracker.get_slot("filing_date")).period
        if period != tracker.get_slot("filing_period"):
            return {"filing_period": period}
        return {}

    def validate_filing_date(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        if value is None:
            return {"filing_date": None}
        # NLU may tag a stray word too (零六年的事了 -> 零六年, 事; 2010年5月20号 -> 2010年5月, 20)
        # and Rasa keeps the last one: take the first of the message's date entities, or the
        # message, that reads as a date (a bare 20 would read as 2020). A value this form made
        # itself (1月底 completed as 2017年1月底) comes first.
        tagged = entity_values(tracker, "filing_date")
        candidates = [*tagged, value] if value in tagged else [value, *tagged]
        if tracker.get_slot("requested_slot") in ("filing_date", "filing_period"):
            candidates.append(latest_text(tracker))
        for candidate in candidates:
            reading = reading_of(candidate)
            if reading.periods or reading.unknown:
                narrower = _said_more_precisely(str(candidate), reading.periods, tracker)
                if narrower:
                    return narrower
                return {"filing_date": candidate, "filing_period": reading.period}
        if tracker.get_slot("requested_slot") in ("filing_date", "filing_period"):
            say(dispatcher, prompt_for(tracker, "filing_date_not_understood"))
        return {"filing_date": None}

    def extract_notice_type(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        return _typed_answer("notice_type", dispatcher, tracker)

    def validate_notice_type(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        return _validated_choice("notice_type", value, choices.notice_type, dispatcher, tracker)

    def extract_miit_has_record(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        # A plain yes or no answers the assistant's question (是的 / 没有).
        yes_no = {"affirm": True, "deny": False}.get(latest_intent(tracker) or "")
        if yes_no is not None and tracker.get_slot("requested_slot") == "miit_has_record":
            if not has_entity(tracker, "miit_has_record"):
                typed = choices.miit_has_record(latest_text(tracker))
                return {"miit_has_record": yes_no if typed in (None, yes_no) else typed}
        return _typed_answer("miit_has_record", dispatcher, tracker)

    def validate_miit_has_record(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        validated = _validated_choice("miit_has_record", value, choices.miit_has_record, dispatcher, tracker)
        before = slot_before_this_turn(tracker, "miit_has_record")
        changed = isinstance(before, bool) and validated.get("miit_has_record") not in (None, before)
        if changed and tracker.get_slot("requested_slot") != "miit_has_record":
            # Asked something else (what the query showed), 主体还在 is no word on MIIT's record:
            # the answer given before stands, unless the message plainly corrects it
            # (刚才说错了，工信部还能查到).
            if choices.miit_has_record(latest_text(tracker), requested=False) != validated["miit_has_record"]:
                return {"miit_has_record": before}
        return validated

    def extract_miit_result(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        return _typed_answer("miit_result", dispatcher, tracker)

    def validate_miit_result(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> SlotValues:
        return _validated_choice("miit_result", value, choices.miit_result, dispatcher, tracker)
