"""The DingTalk robot channel over real HTTP, against the real Rasa server and action server.

Callbacks are built from the example of DingTalk's "robot receives a message" documentation
(HTTP mode) and signed as DingTalk signs them: sign = Base64(HMAC-SHA256(app secret,
timestamp + "\\n" + app secret)), in the `timestamp` and `sign` headers.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
import uuid
from typing import Any

import pytest
import requests

from actions import knowledge
from channels.dingtalk_format import TEXT_ONLY_REPLY
from tests.e2e.conftest import DINGTALK_APP_SECRET

LINKS = knowledge.document_links()
BEFORE, MIDDLE, AFTER = knowledge.period_labels().values()
HOUR_MS = 3600 * 1000


def now_ms() -> int:
    return int(time.time() * 1000)


def sign(timestamp: str, secret: str = DINGTALK_APP_SECRET) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def callback(
    text: str | None = None,
    *,
    staff_id: str | None = None,
    group: str | None = None,
    msgtype: str = "text",
    content: dict[str, Any] | None = None,
    msg_id: str | None = None,
) -> dict[str, Any]:
    """DingTalk's documented callback body, for one user (one-to-one, or in `group`)."""
    created = now_ms()
    payload: dict[str, Any] = {
        "conversationId": group or f"cid{uuid.uuid4().hex}==",
        "atUsers": [{"dingtalkId": "$:LWCP_v1:$Cxxxxx"}] if group else [],
        "chatbotCorpId": "dinge8a565xxxx",
        "chatbotUserId": "$:LWCP_v1:$Cxxxxx",
        "msgId": msg_id or f"msg0{uuid.uuid4().hex}",
        "senderNick": "杨xx",
        "isAdmin": True,
        "senderStaffId": staff_id or f"user{uuid.uuid4().hex[:8]}",
        "sessionWebhookExpiredTime": created + 90 * 60 * 1000,
        "createAt": created,
        "senderCorpId": "dinge8a565xxxx",
        "conversationType": "2" if group else "1",
        "senderId": f"$:LWCP_v1:${uuid.uuid4().hex}",
        "isInAtList": True,
        "sessionWebhook": "https://oapi.dingtalk.com/robot/sendBySession?session=xxxxx",
        "msgtype": msgtype,
    }
    if group:
        payload["conversationTitle"] = "机器人测试-TEST"
    if msgtype == "text":
        # an @-mention in a group leaves a leading space
        payload["text"] = {"content": f" {text}" if group else text}
    else:
        payload["content"] = content or {}
    return payload


def post(
    servers,
    body: dict[str, Any] | bytes,
    *,
    timestamp: str | None = None,
    signature: str | None = None,
    signed: bool = True,
) -> requests.Response:
    data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if signed:
        timestamp = timestamp if timestamp is not None else str(now_ms())
        headers["timestamp"] = timestamp
        headers["sign"] = signature if signature is not None else sign(timestamp)
    return requests.post(f"{servers.url}/webhooks/dingtalk/webhook", data=data, headers=headers, timeout=60)


def say(servers, payload: dict[str, Any]) -> str:
    """The text of the DingTalk message answered to a signed callback."""
    response = post(servers, payload)
    assert response.status_code == 200, response.text
    message = response.json()
    if message.get("msgtype") == "markdown":
        assert message["markdown"]["title"].strip()
        return message["markdown"]["text"]
    assert message.get("msgtype") == "text", message
    return message["text"]["content"]


def number_of(choice: str, shown: str) -> str:
    match = re.search(rf"^(\d+)\. {re.escape(choice)}$", shown, re.MULTILINE)
    assert match, f"{choice!r} is not a numbered choice in {shown!r}"
    return match.group(1)


def test_a_signed_question_is_answered_in_markdown(servers) -> None:
    response = post(servers, callback("为什么会有备案信息核查？"))
    assert response.status_code == 200
    message = response.json()
    assert message["msgtype"] == "markdown"
    assert "反恐怖主义法" in message["markdown"]["text"]
    assert "https://help.aliyun.com/noticelist/articleid/20778011.html" in message["markdown"]["text"]
    assert message["markdown"]["title"]


def test_a_plain_answer_is_a_text_message(servers) -> None:
    response = post(servers, callback("谢谢"))
    assert response.status_code == 200
    assert response.json()["msgtype"] == "text"


def test_a_group_mention_is_answered(servers) -> None:
    shown = say(servers, callback("为什么会有备案信息核查？", group=f"cid{uuid.uuid4().hex}=="))
    assert "反恐怖主义法" in shown


REFUSED = {
    "unsigned": ({"signed": False}, 401, "missing_signature"),
    "no sign header": ({"signature": ""}, 401, "missing_signature"),
    "timestamp not milliseconds": ({"timestamp": "yesterday", "signature": "x"}, 401, "bad_timestamp"),
    "forged": ({"signature": sign(str(now_ms()), "not-the-app-secret")}, 403, "bad_signature"),
    "signed with another timestamp": (
        {"timestamp": str(now_ms()), "signature": sign("1577262236757")},
        403,
        "bad_signature",
    ),
    "stale": ({"timestamp": str(now_ms() - 2 * HOUR_MS)}, 403, "stale_timestamp"),
    "from the future": ({"timestamp": str(now_ms() + 2 * HOUR_MS)}, 403, "stale_timestamp"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_callbacks_that_are_not_from_dingtalk_are_refused(servers, case: str) -> None:
    options, status, error = REFUSED[case]
    if "timestamp" in options and "signature" not in options:
        options = {**options, "signature": sign(options["timestamp"])}  # signed, but stale
    response = post(servers, callback("为什么会有备案信息核查？"), **options)
    assert response.status_code == status
    assert response.json() == {"error": error}


def test_a_refusal_is_one_log_line(servers) -> None:
    log = servers.workdir / "rasa.log"

    def refusals() -> list[str]:
        return [
            line
            for line in log.read_text(errors="replace").splitlines()
            if "DingTalk callback refused" in line
        ]

    before = len(refusals())
    response = post(servers, callback("你好"), signature=sign(str(now_ms()), "forged"))
    assert response.status_code == 403
    deadline = time.monotonic() + 10
    while len(refusals()) == before and time.monotonic() < deadline:
        time.sleep(0.2)
    new = refusals()[before:]
    assert len(new) == 1, new
    assert "403 bad_signature" in new[0]
    assert DINGTALK_APP_SECRET not in log.read_text(errors="replace")


def test_a_retried_msg_id_is_answered_once(servers) -> None:
    payload = callback("如何查看备案信息")
    first = post(servers, payload)
    assert first.status_code == 200 and "什么时候提交" in first.json()["markdown"]["text"]
    # DingTalk retries with the same body, signed again
    for _ in range(2):
        retry = post(servers, payload)
        assert retry.status_code == 200
        assert retry.json() == {}, "a retry must not be answered again"
    # the conversation goes on as if the question had been asked once
    answer = say(servers, {**callback("2013年3月", staff_id=payload["senderStaffId"])})
    assert LINKS["doc_import_filing"] in answer


@pytest.mark.parametrize("reply", ["2", "２", "第2个"])
def test_a_numbered_choice_picks_its_branch(servers, reply: str) -> None:
    staff_id = f"user{uuid.uuid4().hex[:8]}"
    question = say(servers, callback("如何查看备案信息", staff_id=staff_id))
    assert number_of(MIDDLE, question) == "2"
    assert number_of(BEFORE, question) == "1"
    answer = say(servers, callback(reply, staff_id=staff_id))
    assert LINKS["doc_import_filing"] in answer
    assert LINKS["doc_claim_wanwang"] not in answer
    assert "忘记登录名" in answer


def test_a_number_after_an_answer_without_choices_picks_nothing(servers) -> None:
    staff_id = f"user{uuid.uuid4().hex[:8]}"
    say(servers, callback("为什么会有备案信息核查？", staff_id=staff_id))
    answer = say(servers, callback("2", staff_id=staff_id))
    assert LINKS["doc_import_filing"] not in answer


def test_two_group_members_keep_separate_conversations(servers) -> None:
    group = f"cid{uuid.uuid4().hex}=="
    alice, bob = "alice" + uuid.uuid4().hex[:6], "bob" + uuid.uuid4().hex[:6]

    asked_alice = say(servers, callback("如何查看备案信息", staff_id=alice, group=group))
    assert "什么时候提交" in asked_alice
    asked_bob = say(
        servers, callback("收到阿里云备案信息核查通知，如何修改备案信息？", staff_id=bob, group=group)
    )
    assert "哪种核查通知" in asked_bob
    assert number_of("网站内容不合格", asked_bob) == "2"

    # the same reply means each one's own second choice
    answer_alice = say(servers, callback("2", staff_id=alice, group=group))
    assert LINKS["doc_import_filing"] in answer_alice
    assert "网站内容" not in answer_alice
    answer_bob = say(servers, callback("2", staff_id=bob, group=group))
    assert "修改网站内容" in answer_bob
    assert LINKS["doc_import_filing"] not in answer_bob

    # Alice's slots (the period) are hers: Bob asking the same question is asked the date again
    asked_bob_again = say(servers, callback("如何查看备案信息", staff_id=bob, group=group))
    assert "什么时候提交" in asked_bob_again


@pytest.mark.parametrize(
    ("msgtype", "content"),
    [
        (
            "picture",
            {"pictureDownloadCode": "1lOlaJWGsEAMhw******EAO", "downloadCode": "mIofN681YE3f*****3madCkipB"},
        ),
        (
            "richText",
            {
                "richText": [
                    {"text": "如何查看备案信息"},
                    {
                        "pictureDownloadCode": "1lOlaJWGsEAMhw******EAO",
                        "downloadCode": "mIofN681",
                        "type": "picture",
                    },
                ]
            },
        ),
        (
            "audio",
            {
                "duration": 4000,
                "downloadCode": "mIofN681YE3f*****3madCkipB",
                "recognition": "如何查看备案信息",
            },
        ),
        ("video", {"duration": "10", "downloadCode": "mIofN681", "videoType": "mp4"}),
        ("file", {"downloadCode": "mIofN681", "fileName": "核查通知.pdf"}),
    ],
)
def test_other_message_types_are_asked_for_a_typed_question(servers, msgtype: str, content: dict) -> None:
    response = post(servers, callback(msgtype=msgtype, content=content))
    assert response.status_code == 200
    assert response.json() == {"msgtype": "text", "text": {"content": TEXT_ONLY_REPLY}}


def test_malformed_json_gets_400(servers) -> None:
    response = post(servers, b'{"msgtype": "text", "text": {"content": "hi"')
    assert response.status_code == 400
    assert response.json() == {"error": "malformed_json"}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"[1, 2, 3]", 400),
        (b"\xff\xfe\x00", 400),
        (b"", 400),
        (json.dumps({"msgtype": "text", "text": {"content": "你好"}}).encode(), 400),
        (b"x" * (2 * 1024 * 1024), 413),
    ],
)
def test_bad_bodies_are_4xx(servers, body: bytes, status: int) -> None:
    response = post(servers, body)
    assert response.status_code == status
    assert "error" in response.json()


@pytest.mark.parametrize(
    "text",
    [
        "🎉🎉 如何查看备案信息？😀",
        "<script>alert(1)</script> **备案** [x](javascript:alert(1))",
        "/inform{broken",
        "备" * 100_000,
        "",
        "\u200b\u3000",
    ],
)
def test_odd_text_is_never_a_5xx(servers, text: str) -> None:
    response = post(servers, callback(text))
    assert response.status_code == 200
    assert response.json()["msgtype"] in ("text", "markdown")


def test_unknown_fields_are_ignored(servers) -> None:
    payload = {
        **callback("为什么会有备案信息核查？"),
        "robotCode": "dingxxxx",
        "senderPlatform": "Mac",
        "conversationType": 1,
        "isAdmin": "yes",
        "atUsers": "nobody",
        "newField": {"nested": [1, 2, {"deep": None}]},
    }
    shown = say(servers, payload)
    assert "反恐怖主义法" in shown


def test_the_channel_answers_only_what_is_signed_after_a_refusal(servers) -> None:
    """A forged question never reaches the assistant: the next signed number picks nothing of it."""
    staff_id = f"user{uuid.uuid4().hex[:8]}"
    forged = post(
        servers, callback("如何查看备案信息", staff_id=staff_id), signature=sign(str(now_ms()), "x")
    )
    assert forged.status_code == 403
    answer = say(servers, callback("2", staff_id=staff_id))
    assert LINKS["doc_import_filing"] not in answer
