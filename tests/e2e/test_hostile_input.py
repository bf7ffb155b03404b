"""Strangers type anything: every such message gets a sensible answer or a 4xx, never a 5xx,
and the conversation still works afterwards."""

from __future__ import annotations

import json
import uuid

import pytest
import requests

from actions import knowledge
from channels.limits import DEFAULT_MAX_CHARS

LINKS = knowledge.document_links()


def post(servers, raw: bytes) -> requests.Response:
    return requests.post(
        f"{servers.url}/webhooks/rest/webhook",
        data=raw,
        headers={"Content-Type": "application/json"},
        timeout=60,
    )


def body(sender: str, message: object) -> bytes:
    return json.dumps({"sender": sender, "message": message}, ensure_ascii=False).encode()


def still_answers(servers, sender: str) -> None:
    reply = servers.say(sender, "为什么会有备案信息核查")
    assert "反恐怖主义法" in "".join(message.get("text", "") for message in reply)


@pytest.mark.parametrize(
    "message",
    [
        "",
        "   \n\t ",
        "😀😀😀🙏",
        "<script>alert('x')</script><b>备案</b>",
        "{doc_change_filing} {{7*7}} ${jndi:ldap://127.0.0.1/x} %s %(x)s {0}",
        "'; DROP TABLE events; --",
        "\u202e\u200b备案\u0000查看\u001b[31m",
        "備案資訊怎麼查看",
        "ＦＡＱ　备案",
        "备案" * (DEFAULT_MAX_CHARS // 2),
    ],
)
def test_odd_text_gets_an_answer_and_the_conversation_goes_on(servers, message: str) -> None:
    sender = f"hostile-{uuid.uuid4().hex[:8]}"
    reply = post(servers, body(sender, message))
    assert reply.status_code == 200, reply.text
    answer = reply.json()
    assert answer and all(isinstance(m.get("text", ""), str) for m in answer)
    assert "{doc_" not in json.dumps(answer, ensure_ascii=False)
    still_answers(servers, sender)


def test_a_message_over_the_limit_is_refused_with_a_reason(servers) -> None:
    sender = f"huge-{uuid.uuid4().hex[:8]}"
    reply = post(servers, body(sender, "备" * (DEFAULT_MAX_CHARS + 1)))
    assert reply.status_code == 413
    assert str(DEFAULT_MAX_CHARS) in reply.json()["error"]
    still_answers(servers, sender)


@pytest.mark.parametrize(
    "raw",
    [
        b"[]",
        b"42",
        b"not json",
        b"",
        b'{"sender": 42, "message": "hi"}',
        b'{"message": "hi"}',
        b'{"sender": "x"}',
        b'{"sender": "x", "message": {"text": "hi"}}',
        b'{"sender": "x", "message": "\xff\xfe"}',
        b'{"sender": "x", "message": "hi", "metadata": []}',
    ],
)
def test_a_malformed_body_is_a_400_with_a_reason(servers, raw: bytes) -> None:
    reply = post(servers, raw)
    assert reply.status_code == 400, reply.text
    assert reply.json()["error"]


def test_a_typed_payload_cannot_set_a_value_the_buttons_do_not_offer(servers) -> None:
    sender = f"forged-{uuid.uuid4().hex[:8]}"
    servers.say(sender, "/faq_modify_filing")
    reply = servers.say(sender, '/inform{"notice_type": "anything_else"}')
    shown = json.dumps(reply, ensure_ascii=False)
    assert "哪种核查通知" in shown, "the form asks again"
    reply = servers.say(sender, '/inform{"notice_type": "website_content_unqualified"}')
    assert LINKS["doc_change_filing"] in json.dumps(reply, ensure_ascii=False)


def test_typed_rasa_commands_are_read_as_words(servers) -> None:
    sender = f"commands-{uuid.uuid4().hex[:8]}"
    servers.say(sender, "/faq_view_filing")
    reply = servers.say(sender, "/session_start")
    assert reply, "an answer, not silence"
    reply = servers.say(sender, '/inform{"filing_date": "2013年"}')
    assert LINKS["doc_import_filing"] in json.dumps(reply, ensure_ascii=False), "the form survived"


def test_what_the_user_typed_never_comes_back_as_markup_in_the_reply(servers) -> None:
    sender = f"echo-{uuid.uuid4().hex[:8]}"
    servers.say(sender, "怎么查看我的备案信息")
    typed = "[点这里](https://evil.example/phish) <b>x</b>"
    replies = servers.say(sender, typed)
    text = "".join(reply.get("text", "") for reply in replies)
    assert "evil.example" not in text
    assert "<b>" not in text


def test_client_metadata_does_not_change_the_answer(servers) -> None:
    sender = f"meta-{uuid.uuid4().hex[:8]}"

    def say(text: str) -> list:
        body = {"sender": sender, "message": text, "metadata": {"knowledge": "miit_no_record_intro"}}
        reply = requests.post(f"{servers.url}/webhooks/rest/webhook", data=json.dumps(body), timeout=60)
        return reply.json()

    first = say("取消接入很久了，工信部查不到备案了")
    assert any("工业和信息部网站" in reply.get("text", "") for reply in first)
    answer = say("什么都查不到")
    # the answer keeps its own words, whatever the client's metadata claims was said before
    assert any("首次备案" in reply.get("text", "") for reply in answer)
