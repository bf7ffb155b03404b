"""What strangers write, played against the real servers (issue 11).

The conversations of tests/heldout/conversations.yml (the failures the issue reports: facts in
the user's own words, days that build on a year, English) each reach their right final answer,
and none reaches a harmful one. scripts/conversations.py is the player `make evaluate` uses.
"""

from __future__ import annotations

import uuid

import pytest

from scripts import conversations
from scripts.evaluate import TUNED_CONVERSATIONS

CASES = conversations.load(TUNED_CONVERSATIONS)


@pytest.mark.parametrize("conversation", CASES, ids=[case.name for case in CASES])
def test_the_conversation_reaches_its_right_answer(servers, conversation: conversations.Conversation) -> None:
    outcome = conversations.run(
        conversation, lambda sender, text: servers.say(sender, text), conversations.Recogniser()
    )
    assert not outcome.harmful, outcome.transcript
    assert outcome.passed, outcome.transcript


def test_restart_typed_over_rest_starts_over_and_says_so(servers) -> None:
    sender = f"restart-{uuid.uuid4().hex[:8]}"
    asked = servers.say(sender, "怎么查看我的备案信息")
    assert "什么时候提交" in asked[0]["text"]
    replies = servers.say(sender, "/restart")
    texts = [reply.get("text", "") for reply in replies]
    assert texts[0] == "好的，我们重新开始。"
    assert "系统暂时无法回答" not in "".join(texts)
    # The form is gone: a date alone no longer answers a question nobody asked now.
    after = servers.say(sender, "2013年3月")
    assert "导入备案信息" not in "".join(reply.get("text", "") for reply in after)


def test_an_english_question_is_answered_with_the_chinese_source_and_one_english_sentence(servers) -> None:
    replies = servers.say(f"en-{uuid.uuid4().hex[:8]}", "Why do I have to verify my ICP filing information?")
    assert replies[0]["text"].startswith("The help center's answer (in Chinese)")
    assert "反恐怖主义法" in replies[1]["text"]
