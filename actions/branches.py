"""Which slots each FAQ question needs, and which responses answer it.

This is the FAQ's decision tree, kept apart from Rasa so that it reads as the source does
and can be tested on its own. It names answers only; their text lives in knowledge/answers.yml.
"""

from __future__ import annotations

from dataclasses import dataclass

from actions.dates import PERIODS
from actions.knowledge import questions

# The questions as knowledge/questions.yml declares them.
FAQ_INTENTS = tuple(questions())
# Answered at once, whatever the slots: asking one in the middle of a form does not replace the
# question the form is collecting slots for.
IMMEDIATE_QUESTIONS = tuple(intent for intent, q in questions().items() if q.immediate)
# Answers that depend on slots; `faq_question` holds the one being answered.
SLOT_QUESTIONS = tuple(intent for intent, q in questions().items() if not q.immediate)
# Answers that depend on when the filing was submitted.
PERIOD_QUESTIONS = tuple(intent for intent, q in questions().items() if "filing_date" in q.slots)

FILING_INFO_UNQUALIFIED = "filing_info_unqualified"
WEBSITE_CONTENT_UNQUALIFIED = "website_content_unqualified"
MIIT_RESULTS = ("entity_without_website", "no_record", "entity_with_other_websites")

MIIT_NO_RECORD_INTRO = "miit_no_record_intro"


@dataclass(frozen=True)
class Facts:
    """What the conversation knows that an answer may depend on."""

    filing_period: str | None = None
    filing_date_unknown: bool = False
    notice_type: str | None = None
    miit_has_record: bool | None = None
    miit_result: str | None = None


def _period_slots(facts: Facts) -> list[str]:
    # filing_date holds the user's words; filing_period is what they mean, and is only
    # asked for when the words span periods. Not remembering is an answer too.
    return ["filing_date"] if facts.filing_date_unknown else ["filing_date", "filing_period"]


def required_slots(question: str | None, facts: Facts) -> list[str]:
    """The slots the form must fill, in the order it asks for them."""
    if question in ("faq_view_filing", "faq_forgot_account"):
        needed = _period_slots(facts)
    elif question == "faq_modify_filing":
        needed = ["notice_type"]
        if facts.notice_type == FILING_INFO_UNQUALIFIED:
            needed += _period_slots(facts)
    elif question == "faq_access_cancelled":
        needed = ["miit_has_record"]
        if facts.miit_has_record is False:
            needed.append("miit_result")
    elif question == "faq_access_cancelled_miit_no_record":
        needed = ["miit_result"]
    else:
        return []
    return ["faq_question", *needed]


def _per_period(prefix: str, facts: Facts) -> list[str]:
    """The answer for the user's period; every period's when they do not remember."""
    if facts.filing_period in PERIODS:
        return [prefix + facts.filing_period]
    return [prefix + period for period in PERIODS]


def _miit_no_record(facts: Facts, intro_shown: bool) -> list[str]:
    intro = [] if intro_shown else [MIIT_NO_RECORD_INTRO]
    if facts.miit_result in MIIT_RESULTS:
        return [*intro, f"miit_result_{facts.miit_result}"]
    return [MIIT_NO_RECORD_INTRO]


def answer(question: str | None, facts: Facts, intro_shown: bool = False) -> list[str]:
    """The answers (keys of knowledge/answers.yml) to `question`, given what is known.

    An empty list: there is no question to answer yet.

    `intro_shown`: the MIIT query instructions were already sent while asking for its result.
    """
    if question in IMMEDIATE_QUESTIONS:
        return [question.removeprefix("faq_")]
    if question == "faq_view_filing":
        return _per_period("view_filing_", facts)
    if question == "faq_forgot_account":
        return _per_period("forgot_account_", facts)
    if question == "faq_modify_filing":
        if facts.notice_type == WEBSITE_CONTENT_UNQUALIFIED:
            return ["modify_website_content_unqualified"]
        if facts.notice_type == FILING_INFO_UNQUALIFIED:
            return ["modify_filing_info_unqualified", *_per_period("modify_note_", facts)]
        return ["modify_filing_info_unqualified", "modify_website_content_unqualified"]
    if question == "faq_access_cancelled":
        if facts.miit_has_record is True:
            return ["access_cancelled_miit_has_record"]
        if facts.miit_has_record is False:
            return _miit_no_record(facts, intro_shown)
        return ["access_cancelled_miit_has_record", MIIT_NO_RECORD_INTRO]
    if question == "faq_access_cancelled_miit_no_record":
        return _miit_no_record(facts, intro_shown)
    return []
