"""有帮助 / 没帮助 under every final answer: what the help-center team learns where answers fail.

The choice is stored in the conversation as the `feedback` slot, with the answer keys it is
about, so `make report` (scripts/report.py) reads it from the tracker store. 没帮助 gets one
short step: the other branches of the same question as buttons (the question's own buttons,
the one just used left out), or an invitation to rephrase when the question has no branch.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import knowledge
from actions.answers import period_buttons
from actions.conversation import latest_intent, prompt_for, say
from actions.dates import PERIODS

HELPFUL, UNHELPFUL = "feedback_helpful", "feedback_unhelpful"
ANSWER_ACTION = "action_answer_faq"
# The slot that decides a question's branch -> the prompt whose buttons give its values.
BRANCH_PROMPTS = {
    "filing_period": "ask_filing_date",
    "notice_type": "ask_notice_type",
    "miit_has_record": "ask_miit_has_record",
    "miit_result": "ask_miit_result",
}


def last_answer(tracker: Tracker) -> list[str]:
    """The answer keys of the latest final answer: what the assistant sent after its latest
    action_answer_faq (its own messages only, known by their `knowledge` key)."""
    keys = set(knowledge.answer_keys())
    answer: list[str] = []
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") == ANSWER_ACTION:
            return answer
        key = (event.get("metadata") or {}).get("knowledge") if event.get("event") == "bot" else None
        if key in keys:
            answer.insert(0, key)
    return []


def question_of(answer: list[str], tracker: Tracker) -> knowledge.Question | None:
    """The question an answer belongs to: the form's, when both could have given it."""
    candidates = knowledge.questions_giving(answer)
    for question in candidates:
        if question.intent == tracker.get_slot("faq_question"):
            return question
    return candidates[0] if candidates else None


def other_branches(question: knowledge.Question | None, tracker: Tracker) -> list[dict[str, str]]:
    """Buttons of the slot that decided the branch, the value the user gave left out."""
    if question is None:
        return []
    deciding = [
        slot for slot in question.slots if slot in BRANCH_PROMPTS and tracker.get_slot(slot) is not None
    ]
    if not deciding:
        return []
    slot, value = deciding[-1], tracker.get_slot(deciding[-1])
    if slot == "filing_period":
        return period_buttons([period for period in PERIODS if period != value], dont_remember=False)
    given = str(value).lower()
    return [
        button
        for button in knowledge.prompt(BRANCH_PROMPTS[slot]).buttons
        if f'"{slot}":"{given}"' not in button["payload"].replace(" ", "")
    ]


class ActionRecordFeedback(Action):
    """Stores 有帮助 / 没帮助 with the answer it is about, thanks or offers one more step."""

    def name(self) -> str:
        return "action_record_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        helpful = latest_intent(tracker) == HELPFUL
        answer = last_answer(tracker)
        if helpful:
            say(dispatcher, prompt_for(tracker, "feedback_thanks"))
        else:
            buttons = other_branches(question_of(answer, tracker), tracker)
            message = prompt_for(tracker, "feedback_other_branches" if buttons else "feedback_rephrase")
            say(dispatcher, knowledge.Message(message.key, message.text, buttons))
        choice = {"choice": "helpful" if helpful else "unhelpful", "answer": answer}
        return [SlotSet("feedback", choice)]
