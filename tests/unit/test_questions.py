"""knowledge/questions.yml is the one declaration of the FAQ's questions: every other place that
names them (the domain, the rules, the training data, the chat page, the decision tree) agrees."""

from __future__ import annotations

import itertools
import re
from functools import cache
from typing import Any

import pytest
import yaml

from actions import branches, knowledge
from actions.dates import PERIODS
from scripts import conversations
from scripts import evaluate as ev
from tests.conftest import ROOT

QUESTIONS = knowledge.questions()


@cache
def domain() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def rule_intents(name: str) -> list[str]:
    rules = yaml.safe_load((ROOT / "data" / "rules" / "faq.yml").read_text(encoding="utf-8"))["rules"]
    (rule,) = [r for r in rules if r["rule"] == name]
    return [step["intent"] for step in rule["steps"][0]["or"]]


def every_facts() -> list[branches.Facts]:
    """Every combination of what a conversation can know."""
    return [
        branches.Facts(period, unknown, notice, has_record, result)
        for period, unknown, notice, has_record, result in itertools.product(
            (None, *PERIODS),
            (False, True),
            (None, branches.FILING_INFO_UNQUALIFIED, branches.WEBSITE_CONTENT_UNQUALIFIED),
            (None, True, False),
            (None, *branches.MIIT_RESULTS),
        )
    ]


def test_the_questions_are_the_domains_faq_intents() -> None:
    faq_intents = {intent for intent in domain()["intents"] if str(intent).startswith("faq_")}
    assert set(QUESTIONS) == faq_intents
    assert ev.faq_intents() == tuple(QUESTIONS)


def test_every_question_has_training_examples() -> None:
    asked = {example.intent for example in ev.training_examples()}
    assert set(QUESTIONS) <= asked


def test_the_topics_menu_is_the_menu_questions_with_their_titles() -> None:
    buttons = domain()["responses"]["utter_topics"][0]["buttons"]
    menu = [{"title": q.title, "payload": f"/{intent}"} for intent, q in QUESTIONS.items() if q.menu]
    assert buttons == menu


def test_the_chat_pages_question_list_is_the_menu() -> None:
    page = (ROOT / "web" / "src" / "index.html").read_text(encoding="utf-8")
    asked = re.findall(r'class="ask" data-ask="([^"]+)"', page)
    assert asked == [q.title for q in QUESTIONS.values() if q.menu]


def test_the_rules_answer_at_once_or_start_the_form_as_declared() -> None:
    assert rule_intents("a question that needs nothing more is answered at once") == [
        intent for intent, q in QUESTIONS.items() if q.immediate
    ]
    assert sorted(rule_intents("a question whose answer branches starts the form")) == sorted(
        intent for intent, q in QUESTIONS.items() if not q.immediate
    )


def test_declared_slots_and_answers_exist() -> None:
    slots = set(domain()["slots"])
    answers = set(knowledge.answer_keys())
    for question in QUESTIONS.values():
        assert set(question.slots) <= slots, question.intent
        assert set(question.answers) <= answers, question.intent
        assert question.title and question.english


def test_every_answer_of_the_faq_belongs_to_a_question() -> None:
    declared = {key for q in QUESTIONS.values() for key in q.answers}
    assert declared == set(knowledge.answer_keys())


@pytest.mark.parametrize("intent", list(QUESTIONS))
def test_the_decision_tree_asks_and_answers_only_what_is_declared(intent: str) -> None:
    question = QUESTIONS[intent]
    asked: set[str] = set()
    given: set[str] = set()
    for facts in every_facts():
        asked |= set(branches.required_slots(intent, facts)) - {"faq_question"}
        given |= set(branches.answer(intent, facts)) | set(branches.answer(intent, facts, intro_shown=True))
    assert asked == set(question.slots)
    assert given == set(question.answers)


def test_a_question_is_answered_at_once_exactly_when_it_declares_no_slot() -> None:
    for intent, question in QUESTIONS.items():
        assert (intent in branches.IMMEDIATE_QUESTIONS) == question.immediate
        assert (branches.required_slots(intent, branches.Facts()) == []) == question.immediate


def test_the_conversation_player_clicks_the_question_that_gives_an_answer() -> None:
    assert conversations.question_of("view_filing_after_2017_01_31") == {"faq_view_filing"}
    assert conversations.question_of("miit_result_no_record") == {
        "faq_access_cancelled",
        "faq_access_cancelled_miit_no_record",
    }
