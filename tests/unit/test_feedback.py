"""有帮助 / 没帮助 under an answer (actions/feedback.py): stored with the answer it is about."""

from __future__ import annotations

from typing import Any

from actions.feedback import ActionRecordFeedback
from tests.unit.test_actions import run, tracker


def answered(*keys: str, before: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The events of a final answer made of these answer keys, then the feedback buttons."""
    events = [*(before or []), {"event": "action", "name": "action_answer_faq"}]
    events += [{"event": "bot", "text": key, "metadata": {"knowledge": key}} for key in keys]
    return [*events, {"event": "bot", "text": "?", "metadata": {"knowledge": "feedback_ask"}}]


def test_helpful_is_stored_with_the_answer_and_thanked() -> None:
    events = answered("view_filing_after_2017_01_31")
    slots, messages = run(
        ActionRecordFeedback(),
        tracker("有帮助", "feedback_helpful", events=events, faq_question="faq_view_filing"),
    )
    assert slots == {"feedback": {"choice": "helpful", "answer": ["view_filing_after_2017_01_31"]}}
    assert [m["knowledge"] for m in messages] == ["feedback_thanks"]


def test_unhelpful_offers_the_other_periods_of_the_same_question() -> None:
    events = answered("view_filing_after_2017_01_31")
    slots, messages = run(
        ActionRecordFeedback(),
        tracker(
            "没帮助",
            "feedback_unhelpful",
            events=events,
            faq_question="faq_view_filing",
            filing_date="2018年",
            filing_period="after_2017_01_31",
        ),
    )
    assert slots["feedback"] == {"choice": "unhelpful", "answer": ["view_filing_after_2017_01_31"]}
    assert [m["knowledge"] for m in messages] == ["feedback_other_branches"]
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert titles == ["2010年6月1日之前", "2010年6月1日至2017年1月31日之间"]


def test_unhelpful_on_a_query_result_offers_the_two_other_results() -> None:
    events = answered("miit_result_no_record")
    _, messages = run(
        ActionRecordFeedback(),
        tracker(
            "没帮助",
            "feedback_unhelpful",
            events=events,
            faq_question="faq_access_cancelled",
            miit_has_record=False,
            miit_result="no_record",
        ),
    )
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads == [
        '/inform{"miit_result":"entity_without_website"}',
        '/inform{"miit_result":"entity_with_other_websites"}',
    ]


def test_unhelpful_on_an_answer_without_branches_asks_to_rephrase() -> None:
    slots, messages = run(
        ActionRecordFeedback(), tracker("没帮助", "feedback_unhelpful", events=answered("why_verification"))
    )
    assert slots["feedback"] == {"choice": "unhelpful", "answer": ["why_verification"]}
    assert [m["knowledge"] for m in messages] == ["feedback_rephrase"]
    assert not messages[0]["buttons"]


def test_the_feedback_is_about_the_latest_answer_only() -> None:
    earlier = [*answered("why_verification"), {"event": "user", "text": "2015年备案的怎么查看"}]
    events = answered("view_filing_2010_06_01_to_2017_01_31", before=earlier)
    slots, _ = run(ActionRecordFeedback(), tracker("有帮助", "feedback_helpful", events=events))
    assert slots["feedback"]["answer"] == ["view_filing_2010_06_01_to_2017_01_31"]


def test_feedback_before_any_answer_is_stored_with_no_answer() -> None:
    slots, messages = run(ActionRecordFeedback(), tracker("有帮助", "feedback_helpful", events=[]))
    assert slots["feedback"] == {"choice": "helpful", "answer": []}
    assert [m["knowledge"] for m in messages] == ["feedback_thanks"]
