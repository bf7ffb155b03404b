"""The second stage of the fallback: when NLU is unsure, ask which question was meant.

The FallbackClassifier (config.yml) turns a message into ``nlu_fallback`` when the best intent's
confidence is low or the two best intents are too close to tell apart. Instead of guessing, this
action offers the FAQ questions among the two best intents (and the one the facts the user
stated imply, and the best intent when it is a question NLU leans to) as buttons, titled as
knowledge/questions.yml declares them (the topics menu, ``utter_topics`` in domain.yml, uses the
same titles); a click sends the intent, as a topic button does. Anything else (small talk, out
of scope, a date) gets the usual request to rephrase, ``utter_default``.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import knowledge
from actions.conversation import implied_question

TOPICS = "utter_topics"
FALLBACK_INTENT = "nlu_fallback"


def _topics(domain: DomainDict) -> dict[str, Any]:
    variations = (domain.get("responses") or {}).get(TOPICS) or [{}]
    return variations[0]


def question_titles() -> dict[str, str]:
    """FAQ intent -> the question's title (knowledge/questions.yml)."""
    return {intent: question.title for intent, question in knowledge.questions().items()}


def _ranking(tracker: Tracker) -> list[dict[str, Any]]:
    """NLU's intent ranking of the latest message, best first, the fallback left out."""
    ranking = tracker.latest_message.get("intent_ranking") or []
    return [r for r in ranking if r.get("name") and r.get("name") != FALLBACK_INTENT]


def best_two(tracker: Tracker) -> list[str]:
    """The two best intents NLU found, the fallback left out."""
    return [r["name"] for r in _ranking(tracker)[:2]]


# An FAQ question NLU ranked this high beside a bare fact (2010年5月备的案，密码忘了 -> inform
# 0.57, faq_forgot_account 0.42) is offered rather than the whole topics menu; a date alone
# ranks every question far lower (at most 0.011 over the 45 such replies of the tuned sets).
RANKED_QUESTION_MIN = 0.1


# An FAQ question NLU leans to this much but not enough (faq_unknown_filing needs 0.8 of its own,
# config.yml) is offered as a button to confirm, not answered and not met with "please rephrase".
LEANING_QUESTION_MIN = 0.5


def leaning_question(tracker: Tracker, minimum: float = LEANING_QUESTION_MIN) -> str | None:
    """The best intent, when it is an FAQ question ranked at ``minimum`` or more."""
    best = next(iter(_ranking(tracker)), {})
    if best.get("name") in question_titles() and float(best.get("confidence") or 0.0) >= minimum:
        return str(best["name"])
    return None


def ranked_questions(tracker: Tracker, minimum: float = RANKED_QUESTION_MIN) -> list[str]:
    """The (at most two) FAQ questions NLU ranked at ``minimum`` or more, best first."""
    titles = question_titles()
    ranking = tracker.latest_message.get("intent_ranking") or []
    found = [
        r["name"] for r in ranking if r.get("name") in titles and float(r.get("confidence") or 0.0) >= minimum
    ]
    return found[:2]


class ActionAskWhichQuestion(Action):
    """Offers the two closest FAQ questions as buttons, or asks to rephrase."""

    def name(self) -> str:
        return "action_ask_which_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        titles = question_titles()
        # The FAQ questions among the two closest, and the one the facts stated imply
        # (阿里云通知说网站内容不合格 may sit between inform and faq_modify_filing).
        closest = best_two(tracker)
        candidates = closest if len(closest) == 2 and all(intent in titles for intent in closest) else []
        leaning = leaning_question(tracker)
        implied = implied_question(tracker)
        extra = [intent for intent in (leaning, implied) if intent in titles]
        candidates = list(dict.fromkeys([*candidates, *extra]))
        if candidates:
            offer_questions(dispatcher, domain, candidates)
        else:
            dispatcher.utter_message(response="utter_default")
        return []


def offer_questions(dispatcher: CollectingDispatcher, domain: DomainDict, intents: list[str]) -> None:
    """The FAQ questions as buttons under the topics menu's text; a click sends the intent."""
    titles = question_titles()
    dispatcher.utter_message(
        text=_topics(domain).get("text"),
        buttons=[{"title": titles[intent], "payload": f"/{intent}"} for intent in intents],
    )
