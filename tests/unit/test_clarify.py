"""The second stage of the fallback (actions/clarify.py): two close questions are offered as buttons."""

from __future__ import annotations

import asyncio
from functools import lru_cache
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import knowledge
from actions.clarify import ActionAskWhichQuestion
from tests.conftest import ROOT


@lru_cache(maxsize=1)
def domain() -> dict[str, Any]:
    from rasa.shared.core.domain import Domain

    return Domain.load(str(ROOT / "domain.yml")).as_dict()


def topics() -> dict[str, Any]:
    conversation = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return conversation["responses"]["utter_topics"][0]


def ranked(*pairs: tuple[str, float]) -> Tracker:
    """A tracker whose latest message fell to nlu_fallback with this intent ranking."""
    ranking = [{"name": "nlu_fallback", "confidence": 0.3}] + [
        {"name": name, "confidence": confidence} for name, confidence in pairs
    ]
    message = {"text": "……", "intent": ranking[0], "intent_ranking": ranking, "entities": []}
    return Tracker("test", {}, message, [], False, None, {}, "action_listen")


def run(tracker: Tracker) -> list[dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionAskWhichQuestion().run(dispatcher, tracker, domain()))
    assert events == []
    return dispatcher.messages


def test_two_close_faq_questions_are_offered_as_two_buttons() -> None:
    messages = run(
        ranked(("faq_access_cancelled_miit_has_record", 0.41), ("faq_access_cancelled_miit_no_record", 0.39))
    )
    assert len(messages) == 1
    assert messages[0]["text"] == topics()["text"]
    assert messages[0]["buttons"] == [
        {
            "title": "超期未整改，备案已经被取消接入（工信部仍有该网站的备案信息），怎么办？",
            "payload": "/faq_access_cancelled_miit_has_record",
        },
        {
            "title": "超期未整改，备案被取消接入后长期未操作，工信部无备案信息怎么办？",
            "payload": "/faq_access_cancelled_miit_no_record",
        },
    ]


def test_a_question_without_a_menu_button_gets_its_own_title() -> None:
    messages = run(ranked(("faq_forgot_account", 0.35), ("faq_view_filing", 0.33), ("greet", 0.1)))
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/faq_forgot_account", "/faq_view_filing"]
    assert messages[0]["buttons"][0]["title"] == knowledge.questions()["faq_forgot_account"].title


@pytest.mark.parametrize(
    "pairs",
    [
        (("faq_view_filing", 0.28), ("out_of_scope", 0.25)),  # one of the two is not a question
        (("greet", 0.3), ("thank", 0.29)),
        (("faq_view_filing", 0.2),),  # nothing to choose between
        (),
    ],
)
def test_otherwise_it_asks_to_rephrase(pairs: tuple[tuple[str, float], ...]) -> None:
    messages = run(ranked(*pairs))
    assert len(messages) == 1
    assert messages[0]["response"] == "utter_default"
    assert not messages[0]["buttons"]


def test_a_question_nlu_leans_to_below_its_own_floor_is_offered_to_confirm() -> None:
    # faq_unknown_filing (注销备案) needs 0.8; at 0.78 beside goodbye it is asked, not answered
    messages = run(ranked(("faq_unknown_filing", 0.78), ("goodbye", 0.14)))
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/faq_unknown_filing"]


def test_the_rules_route_nlu_fallback_to_it_outside_the_form() -> None:
    rules = yaml.safe_load((ROOT / "data" / "rules" / "chitchat.yml").read_text(encoding="utf-8"))["rules"]
    steps = [rule["steps"] for rule in rules if "condition" not in rule]
    assert [{"intent": "nlu_fallback"}, {"action": "action_ask_which_question"}] in steps


def test_facts_the_user_stated_add_the_question_they_imply() -> None:
    # Between inform and the modify question: the notice type stated selects the question.
    tracker = ranked(("inform", 0.4), ("faq_modify_filing", 0.38))
    tracker.latest_message["text"] = "阿里云发通知说我们网站内容不合格"
    messages = run(tracker)
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/faq_modify_filing"]
