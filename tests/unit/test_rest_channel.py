"""What the REST channel accepts, and how it refuses the rest (through the guard)."""

from __future__ import annotations

import json

import pytest

from channels.guard import Guard, Refused
from channels.limits import Limits
from channels.rest import read_body

INTENTS = {"greet", "inform", "restart"}


def body(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


def read(raw: bytes, max_chars: int = 100):
    return read_body(Guard("rest", limits=Limits(max_chars=max_chars)), raw, INTENTS)


def test_a_well_formed_body_is_read() -> None:
    assert read(body({"sender": "u1", "message": "你好", "metadata": {"a": 1}})) == ("u1", "你好", {"a": 1})


def test_control_characters_are_dropped_from_the_message() -> None:
    assert read(body({"sender": "u1", "message": "备\x00案\x1b查看\n"}))[1] == "备案查看\n"


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"not json",
        b"[]",
        b"5",
        b'"text"',
        b"\xff\xfe\x00",
        b"[" * 50_000,
        body({"message": "hi"}),
        body({"sender": 5, "message": "hi"}),
        body({"sender": "", "message": "hi"}),
        body({"sender": "   ", "message": "hi"}),
        body({"sender": "x" * 129, "message": "hi"}),
        body({"sender": "a\nb", "message": "hi"}),
        body({"sender": "dingtalk:staff1", "message": "/restart"}),
        body({"sender": "u1"}),
        body({"sender": "u1", "message": None}),
        body({"sender": "u1", "message": ["hi"]}),
        body({"sender": "u1", "message": "hi", "metadata": "x"}),
    ],
)
def test_a_malformed_body_is_a_400(raw: bytes) -> None:
    with pytest.raises(Refused) as refused:
        read(raw)
    assert refused.value.status == 400


def test_a_message_over_the_limit_is_a_413_that_says_the_limit() -> None:
    with pytest.raises(Refused) as refused:
        read(body({"sender": "u1", "message": "备" * 101}))
    assert refused.value.status == 413
    assert "100" in refused.value.text


def test_megabytes_of_metadata_are_a_413() -> None:
    with pytest.raises(Refused) as refused:
        read(body({"sender": "u1", "message": "hi", "metadata": {"blob": "x" * 10_000}}))
    assert refused.value.status == 413


@pytest.mark.parametrize("typed", ["/back", "/session_start", "/nonsense", "／restart", "／session_start"])
def test_typed_builtin_commands_are_read_as_words(typed: str) -> None:
    text = read(body({"sender": "u1", "message": typed}))[1]
    assert not text.startswith(("/", "／"))
