"""What the REST channel accepts, and how it refuses the rest."""

from __future__ import annotations

import json

import pytest

from channels.rest import BadRequest, guard_command, parse_body


def body(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


def test_a_well_formed_body_is_read() -> None:
    assert parse_body(body({"sender": "u1", "message": "你好", "metadata": {"a": 1}}), 100) == (
        "u1",
        "你好",
        {"a": 1},
    )


def test_control_characters_are_dropped_from_the_message() -> None:
    assert parse_body(body({"sender": "u1", "message": "备\x00案\x1b查看\n"}), 100)[1] == "备案查看\n"


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"not json",
        b"[]",
        b"5",
        b'"text"',
        b"\xff\xfe\x00",
        body({"message": "hi"}),
        body({"sender": 5, "message": "hi"}),
        body({"sender": "", "message": "hi"}),
        body({"sender": "   ", "message": "hi"}),
        body({"sender": "x" * 129, "message": "hi"}),
        body({"sender": "a\nb", "message": "hi"}),
        body({"sender": "u1"}),
        body({"sender": "u1", "message": None}),
        body({"sender": "u1", "message": ["hi"]}),
        body({"sender": "u1", "message": "hi", "metadata": "x"}),
    ],
)
def test_a_malformed_body_is_a_400(raw: bytes) -> None:
    with pytest.raises(BadRequest) as refused:
        parse_body(raw, 100)
    assert refused.value.status == 400


def test_a_message_over_the_limit_is_a_413_that_says_the_limit() -> None:
    with pytest.raises(BadRequest) as refused:
        parse_body(body({"sender": "u1", "message": "备" * 101}), 100)
    assert refused.value.status == 413
    assert "100" in refused.value.reason


def test_a_limit_of_zero_accepts_any_length() -> None:
    assert len(parse_body(body({"sender": "u1", "message": "备" * 10_000}), 0)[1]) == 10_000


INTENTS = {"inform", "faq_view_filing", "greet", "restart", "back", "session_start", "nlu_fallback"}


@pytest.mark.parametrize(
    ("typed", "goes_on_as"),
    [
        (
            '/inform{"notice_type":"filing_info_unqualified"}',
            '/inform{"notice_type":"filing_info_unqualified"}',
        ),
        ("/faq_view_filing", "/faq_view_filing"),
        ("/restart", "/restart"),
        ("/back", "back"),
        ("/session_start", "session_start"),
        ("/nlu_fallback", "nlu_fallback"),
        ("/action_answer_faq", "action_answer_faq"),
        ("//inform", "inform"),
        ("/", ""),
        ("备案/查看", "备案/查看"),
    ],
)
def test_only_what_a_button_could_send_goes_on_as_a_command(typed: str, goes_on_as: str) -> None:
    assert guard_command(typed, INTENTS) == goes_on_as
