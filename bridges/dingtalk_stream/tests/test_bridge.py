"""The Stream bridge's message handling, offline, with the SDK's own message classes.

A frame as DingTalk's websocket delivers it goes through the SDK's DingTalkStreamClient routing
to the bridge's handler; a local stand-in for the Rasa server checks the signature and answers;
the SDK's own reply code posts to a local stand-in for the message's sessionWebhook.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import bridge
import dingtalk_stream
import pytest

SECRET = "stream-test-app-secret"
MARKDOWN = {
    "msgtype": "markdown",
    "markdown": {"title": "为什么会有备案信息核查", "text": "详情请参见 [通知](https://x)"},
}
TEXT = {"msgtype": "text", "text": {"content": "不客气！"}}


class Recorder:
    """A local HTTP server that records what is posted to it and answers with `respond`."""

    def __init__(self, respond: Callable[[dict[str, str], bytes], tuple[int, Any]]) -> None:
        self.respond = respond
        self.requests: list[tuple[dict[str, str], bytes]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {key.lower(): value for key, value in self.headers.items()}
                recorder.requests.append((headers, body))
                status, answer = recorder.respond(headers, body)
                raw = answer if isinstance(answer, bytes) else json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def json_bodies(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body in self.requests]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def signed_by_dingtalk(headers: dict[str, str]) -> bool:
    timestamp = headers.get("timestamp", "")
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    ).decode()
    fresh = timestamp.isdigit() and abs(time.time() * 1000 - int(timestamp)) < 60_000
    return fresh and hmac.compare_digest(expected, headers.get("sign", ""))


@pytest.fixture()
def webhook() -> Iterator[Recorder]:
    recorder = Recorder(lambda headers, body: (200, {"errcode": 0, "errmsg": "ok"}))
    yield recorder
    recorder.close()


@pytest.fixture()
def rasa() -> Iterator[Recorder]:
    """Stands in for the Rasa server's DingTalk channel: refuses unsigned callbacks like it does."""
    answers: list[Any] = []

    def respond(headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        if not signed_by_dingtalk(headers):
            return 403, {"error": "bad_signature"}
        return answers.pop(0) if answers else (200, MARKDOWN)

    recorder = Recorder(respond)
    recorder.answers = answers  # type: ignore[attr-defined]
    yield recorder
    recorder.close()


def robot_message(webhook: Recorder, **changes: Any) -> dict[str, Any]:
    """The body of a robot message, as DingTalk documents it."""
    created = int(time.time() * 1000)
    return {
        "conversationId": "cid6KeBBLoveMJOGXoYKF5x7EeiodoA==",
        "atUsers": [{"dingtalkId": "$:LWCP_v1:$Cxxxxx"}],
        "chatbotCorpId": "dinge8a565xxxx",
        "chatbotUserId": "$:LWCP_v1:$Cxxxxx",
        "msgId": f"msg0{uuid.uuid4().hex}",
        "senderNick": "杨xx",
        "isAdmin": True,
        "senderStaffId": "user123",
        "sessionWebhookExpiredTime": created + 90 * 60 * 1000,
        "createAt": created,
        "senderCorpId": "dinge8a565xxxx",
        "conversationType": "2",
        "senderId": "$:LWCP_v1:$Ff09GIxxxxx",
        "conversationTitle": "机器人测试-TEST",
        "isInAtList": True,
        "sessionWebhook": f"{webhook.url}/robot/sendBySession?session=xxxxx",
        "text": {"content": " 为什么会有备案信息核查？"},
        "msgtype": "text",
        "robotCode": "dingxxxxxxxx",
        **changes,
    }


def stream_frame(data: dict[str, Any]) -> dict[str, Any]:
    """A robot message as DingTalk's Stream websocket delivers it."""
    return {
        "specVersion": "1.0",
        "type": "CALLBACK",
        "headers": {
            "appId": "app-id",
            "connectionId": "connection-id",
            "contentType": "application/json",
            "messageId": f"frame-{uuid.uuid4().hex}",
            "time": str(int(time.time() * 1000)),
            "topic": dingtalk_stream.ChatbotMessage.TOPIC,
        },
        "data": json.dumps(data, ensure_ascii=False),
    }


class FakeWebsocket:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def send(self, raw: str) -> None:
        self.sent.append(json.loads(raw))


def deliver(rasa_url: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Routes one frame through the SDK's client to the bridge; returns the acks it sent back."""
    client = bridge.build_client("client-id", SECRET, rasa_url)
    client.websocket = FakeWebsocket()
    asyncio.run(client.route_message(stream_frame(data)))
    return client.websocket.sent


def test_sign_is_dingtalks_algorithm() -> None:
    # the same vector as the Rasa channel's unit test (openssl dgst -sha256 -hmac ... | base64)
    assert bridge.sign("1577262236757", "this is secret") == "hmPWwU+7lVdm3ZZz0r9tSfx0L4Q26jWOZr9+Gs6EZQM="


def test_a_question_is_forwarded_signed_and_the_markdown_answer_replied(
    rasa: Recorder, webhook: Recorder
) -> None:
    data = robot_message(webhook)
    acks = deliver(rasa.url, data)

    assert len(acks) == 1 and acks[0]["code"] == dingtalk_stream.AckMessage.STATUS_OK
    assert len(rasa.requests) == 1
    headers, body = rasa.requests[0]
    assert signed_by_dingtalk(headers)
    assert json.loads(body) == data, "the channel gets the message exactly as HTTP mode would"
    replies = webhook.json_bodies()
    assert len(replies) == 1
    assert replies[0]["msgtype"] == "markdown"
    assert replies[0]["markdown"] == MARKDOWN["markdown"]
    assert replies[0]["at"]["atUserIds"] == ["user123"]


def test_a_text_answer_is_replied_as_text(rasa: Recorder, webhook: Recorder) -> None:
    rasa.answers.append((200, TEXT))  # type: ignore[attr-defined]
    deliver(rasa.url, robot_message(webhook, text={"content": "谢谢"}))
    replies = webhook.json_bodies()
    assert [reply["msgtype"] for reply in replies] == ["text"]
    assert replies[0]["text"] == {"content": "不客气！"}


def test_a_retried_message_the_channel_already_answered_gets_no_reply(
    rasa: Recorder, webhook: Recorder
) -> None:
    rasa.answers.append((200, {}))  # type: ignore[attr-defined]
    acks = deliver(rasa.url, robot_message(webhook))
    assert acks[0]["code"] == dingtalk_stream.AckMessage.STATUS_OK
    assert webhook.requests == []


def test_a_picture_is_forwarded_and_the_channels_text_replied(rasa: Recorder, webhook: Recorder) -> None:
    rasa.answers.append((200, {"msgtype": "text", "text": {"content": "请直接输入您的问题"}}))  # type: ignore[attr-defined]
    picture = robot_message(
        webhook, msgtype="picture", content={"pictureDownloadCode": "p", "downloadCode": "d"}
    )
    del picture["text"]
    deliver(rasa.url, picture)
    assert rasa.json_bodies()[0]["content"] == {"pictureDownloadCode": "p", "downloadCode": "d"}
    assert webhook.json_bodies()[0]["text"] == {"content": "请直接输入您的问题"}


def test_a_message_the_sdk_cannot_parse_is_still_forwarded_and_answered(
    rasa: Recorder, webhook: Recorder
) -> None:
    odd = robot_message(webhook, msgtype="text")
    del odd["text"]  # the SDK's ChatbotMessage.from_dict needs it
    deliver(rasa.url, odd)
    assert len(rasa.requests) == 1
    assert webhook.json_bodies()[0]["msgtype"] == "markdown"


def test_when_rasa_refuses_the_user_is_told_and_the_operator_sees_why(
    webhook: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    refusing = Recorder(lambda headers, body: (403, {"error": "bad_signature"}))
    try:
        with caplog.at_level(logging.ERROR, logger="dingtalk_stream_bridge"):
            acks = deliver(refusing.url, robot_message(webhook))
    finally:
        refusing.close()
    assert acks[0]["code"] == dingtalk_stream.AckMessage.STATUS_OK
    assert webhook.json_bodies()[0]["text"] == {"content": bridge.UNAVAILABLE_REPLY}
    assert any("403" in record.getMessage() for record in caplog.records)


def test_when_rasa_is_down_the_user_is_told(webhook: Recorder) -> None:
    down = Recorder(lambda headers, body: (200, {}))
    url = down.url
    down.close()
    deliver(url, robot_message(webhook))
    assert webhook.json_bodies()[0]["text"] == {"content": bridge.UNAVAILABLE_REPLY}


@pytest.mark.parametrize("answer", [b"not json", b"[1, 2]"])
def test_an_answer_that_is_not_a_message_is_not_replied_as_is(webhook: Recorder, answer: bytes) -> None:
    odd = Recorder(lambda headers, body: (200, answer))
    try:
        deliver(odd.url, robot_message(webhook))
    finally:
        odd.close()
    assert webhook.json_bodies()[0]["text"] == {"content": bridge.UNAVAILABLE_REPLY}


def test_a_failing_session_webhook_does_not_break_the_ack(rasa: Recorder) -> None:
    broken = Recorder(lambda headers, body: (500, {"errcode": 1}))
    try:
        acks = deliver(rasa.url, robot_message(broken))
    finally:
        broken.close()
    assert acks[0]["code"] == dingtalk_stream.AckMessage.STATUS_OK


def test_the_bridge_listens_to_robot_messages() -> None:
    client = bridge.build_client("client-id", SECRET, "http://rasa:5005/")
    handler = client.callback_handler_map[dingtalk_stream.ChatbotMessage.TOPIC]
    assert isinstance(handler, bridge.RasaBridgeHandler)
    assert handler.forwarder.url == "http://rasa:5005/webhooks/dingtalk/webhook"


def test_main_needs_the_app_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DINGTALK_CLIENT_ID", raising=False)
    monkeypatch.delenv("DINGTALK_APP_SECRET", raising=False)
    assert bridge.main() == 2
