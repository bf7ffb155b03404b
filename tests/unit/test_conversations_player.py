"""The conversation player of `make evaluate` (scripts/conversations.py), on a scripted assistant."""

from __future__ import annotations

from typing import Any

from actions import knowledge
from scripts.conversations import Conversation, Recogniser, harmful, run


def scripted(*turns: list[dict[str, Any]]):
    replies = list(turns)

    def say(sender: str, text: str) -> list[dict[str, Any]]:
        return replies.pop(0)

    return say


def paragraphs(key: str) -> list[dict[str, Any]]:
    # as Rasa's channels send a text: one message a paragraph
    return [{"text": part} for part in knowledge.answer(key).text.split("\n\n")]


def test_the_user_answers_what_is_asked_and_the_final_answer_is_judged() -> None:
    talk = Conversation(
        "t",
        "怎么查看备案信息",
        {"filing_date": ["2010年", "6月1号那天"]},
        ("view_filing_2010_06_01_to_2017_01_31",),
    )
    say = scripted(
        [{"text": knowledge.prompt("ask_filing_date").text}],
        [{"text": knowledge.prompt("ask_filing_period_between").text}],
        paragraphs("view_filing_2010_06_01_to_2017_01_31"),
    )
    outcome = run(talk, say, Recogniser())
    assert outcome.passed and not outcome.harmful
    assert outcome.transcript[2] == "user: 2010年"


def test_a_wrong_procedure_is_harmful_and_an_unanswered_question_fails() -> None:
    talk = Conversation(
        "t", "取消接入了", {"miit_has_record": ["还在"]}, ("access_cancelled_miit_has_record",)
    )
    say = scripted(
        [{"text": knowledge.prompt("ask_miit_has_record").text}], paragraphs("miit_result_no_record")
    )
    outcome = run(talk, say, Recogniser())
    assert not outcome.passed and outcome.harmful
    talk = Conversation("t", "取消接入了", {}, ("access_cancelled_miit_has_record",))
    outcome = run(talk, scripted([{"text": knowledge.prompt("ask_miit_has_record").text}]), Recogniser())
    assert outcome.failure.startswith("asked for miit_has_record")


def test_harm() -> None:
    assert harmful(["view_filing_after_2017_01_31"], ["view_filing_before_2010_06_01"])
    assert harmful(["why_verification"], ["why_verification", "unknown_filing"])
    assert not harmful(["view_filing_after_2017_01_31"], ["view_filing_after_2017_01_31"])
