"""components.questions: a message that asks something is never taken for a reply (inform)."""

from __future__ import annotations

import re

import pytest
import yaml
from rasa.shared.nlu.training_data.message import Message

from components.questions import QUESTION_WORDS, QuestionIsNotInform
from tests.conftest import ROOT


def classified(text: str, ranking: list[tuple[str, float]]) -> Message:
    message = Message(data={"text": text})
    entries = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    message.set("intent", dict(entries[0]))
    message.set("intent_ranking", entries)
    return message


def component() -> QuestionIsNotInform:
    return QuestionIsNotInform(QuestionIsNotInform.get_default_config())


def test_a_question_is_ranked_without_inform() -> None:
    message = classified(
        "2020年备的案，网站内容不合格咋整",
        [("inform", 0.8), ("faq_modify_filing", 0.15), ("faq_view_filing", 0.05)],
    )
    (message,) = component().process([message])
    assert message.get("intent") == {"name": "faq_modify_filing", "confidence": pytest.approx(0.75)}
    assert [entry["name"] for entry in message.get("intent_ranking")] == [
        "faq_modify_filing",
        "faq_view_filing",
    ]
    assert sum(entry["confidence"] for entry in message.get("intent_ranking")) == pytest.approx(1.0)


@pytest.mark.parametrize("text", ["2013年吧？", "查了，什么都没有", "还在呢", "是网站内容不合格吗"])
def test_a_reply_stays_inform(text: str) -> None:
    message = classified(text, [("inform", 0.8), ("faq_modify_filing", 0.2)])
    (message,) = component().process([message])
    assert message.get("intent")["name"] == "inform"


def test_another_intent_is_left_alone() -> None:
    message = classified("怎么查看备案信息", [("faq_view_filing", 0.9), ("inform", 0.1)])
    (message,) = component().process([message])
    assert message.get("intent") == {"name": "faq_view_filing", "confidence": 0.9}
    assert len(message.get("intent_ranking")) == 2


def test_no_training_example_of_inform_holds_a_question_word() -> None:
    # what makes taking inform out of a question's ranking safe
    asks = re.compile(QUESTION_WORDS, re.IGNORECASE)
    examples = [
        line
        for path in sorted((ROOT / "data" / "nlu").glob("*.yml"))
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []
        if block.get("intent") == "inform"
        for line in block["examples"].splitlines()
    ]
    assert len(examples) > 100
    assert [line for line in examples if asks.search(line)] == []
