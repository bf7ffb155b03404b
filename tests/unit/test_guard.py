"""The guard every input channel goes through (channels/guard.py)."""

from __future__ import annotations

import asyncio
import json

import pytest

from channels.guard import Guard, Refused, Sizes, guard_command, json_depth_exceeds, parse_json
from channels.limits import Limits

INTENTS = {"greet", "inform", "faq_view_filing", "restart", "session_start", "back"}


def refused(call, *args):
    with pytest.raises(Refused) as caught:
        call(*args)
    return caught.value


def test_deeply_nested_json_is_a_400_not_a_recursion_error() -> None:
    assert refused(parse_json, b"[" * 100_000, 1 << 20).status == 400
    assert refused(parse_json, b'{"a":' * 50 + b"1" + b"}" * 50, 1 << 20).status == 400
    assert parse_json(b'{"a": [[["ok"]]]}', 1 << 20) == {"a": [[["ok"]]]}


def test_brackets_inside_strings_are_not_nesting() -> None:
    assert not json_depth_exceeds(json.dumps({"message": "[" * 1000}))


def test_a_body_over_the_limit_is_a_413_before_it_is_parsed() -> None:
    assert refused(parse_json, b"{" + b" " * 100 + b"}", 50).status == 413


def test_not_utf8_or_not_json_is_a_400() -> None:
    assert refused(parse_json, b"\xff\xfe", 100).status == 400
    assert refused(parse_json, b"not json", 100).status == 400


@pytest.mark.parametrize("typed", ["／restart", "／session_start", " ／back", "/session_start", "/nonsense"])
def test_typed_commands_no_button_sends_are_read_as_words(typed: str) -> None:
    assert not guard_command(typed, INTENTS).lstrip().startswith(("/", "／"))


def test_commands_a_button_sends_go_on() -> None:
    assert guard_command('/inform{"notice_type": "x"}', INTENTS) == '/inform{"notice_type": "x"}'
    assert guard_command("/restart", INTENTS) == "/restart"


def test_each_channel_owns_its_sender_namespace() -> None:
    rest, dingtalk, socketio = Guard("rest"), Guard("dingtalk"), Guard("socketio")
    assert rest.sender("u1") == "u1"
    assert refused(rest.sender, "dingtalk:staff1").status == 400
    assert refused(rest.sender, "DingTalk:staff1").status == 400
    assert refused(rest.sender, "socketio:abc").status == 400
    assert dingtalk.sender("staff1") == "dingtalk:staff1"
    assert socketio.sender("abc") == "socketio:abc"
    for bad in ("", " ", "x" * 129, "a\nb", 5, None):
        assert refused(rest.sender, bad).status == 400


def test_metadata_over_its_limit_is_a_413() -> None:
    guard = Guard("rest", sizes=Sizes(max_metadata_bytes=100))
    assert guard.metadata({"a": "b"}) == {"a": "b"}
    assert guard.metadata(None) == {}
    assert refused(guard.metadata, {"blob": "x" * 200}).status == 413
    assert refused(guard.metadata, "not an object").status == 400


def test_a_long_message_is_a_413_that_names_the_limit() -> None:
    guard = Guard("socketio", limits=Limits(max_chars=10))
    error = refused(guard.text, "备" * 11, INTENTS)
    assert error.status == 413
    assert "10" in error.text
    assert guard.text("备案\x00查看", INTENTS) == "备案查看"


def test_every_request_counts_against_its_address_first() -> None:
    guard = Guard("rest", limits=Limits(per_sender=100, per_address=3))
    for _ in range(3):
        guard.address("10.0.0.9")
    error = refused(guard.address, "10.0.0.9")
    assert error.status == 429
    assert error.text == "您发送消息太频繁了，请稍等一分钟再问。"
    guard.address(None)  # DingTalk: no per-address limit


def test_a_sender_over_its_limit_is_a_429() -> None:
    guard = Guard("dingtalk", limits=Limits(per_sender=2))
    guard.rate("dingtalk:u1")
    guard.rate("dingtalk:u1")
    assert refused(guard.rate, "dingtalk:u1").status == 429
    guard.rate("dingtalk:u2")


def test_a_turn_that_fails_or_says_nothing_gets_the_apology() -> None:
    guard = Guard("rest")

    async def silent(message) -> None:
        return None

    async def broken(message) -> None:
        raise RuntimeError("action server down")

    for handler in (silent, broken):
        replies = asyncio.run(guard.run(handler, "u1", "你好"))
        assert replies[0]["text"].startswith("抱歉，系统暂时无法回答")
