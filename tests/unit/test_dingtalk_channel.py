"""The DingTalk channel's request handling, in process: a stand-in request, tracker store and Rasa."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from types import SimpleNamespace
from typing import Any

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from actions import knowledge
from channels.dingtalk import DingTalkInput, sign
from channels.dingtalk_format import TEXT_ONLY_REPLY

SECRET = "unit-test-secret"
NO_ANSWER_REPLY = knowledge.prompt("service_unavailable").text
BUTTONS = [
    {"title": "备案信息不合格", "payload": '/inform{"notice_type":"filing_info_unqualified"}'},
    {"title": "网站内容不合格", "payload": '/inform{"notice_type":"website_content_unqualified"}'},
]


class FakeStore:
    def __init__(self, trackers: dict[str, DialogueStateTracker] | None = None) -> None:
        self.trackers = trackers or {}
        self.reads: list[str] = []

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        self.reads.append(sender_id)
        return self.trackers.get(sender_id)


class FakeRasa:
    """on_new_message: records what the channel passes on and answers like the assistant."""

    def __init__(self, answer: list[dict[str, Any]] | Exception | None = None) -> None:
        self.answer = [{"text": "不客气！"}] if answer is None else answer
        self.messages: list[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.messages.append(message)
        if isinstance(self.answer, Exception):
            raise self.answer
        for reply in self.answer:
            if reply.get("buttons"):
                await message.output_channel.send_text_with_buttons(
                    message.sender_id, reply["text"], reply["buttons"]
                )
            else:
                await message.output_channel.send_text_message(message.sender_id, reply["text"])


def request(
    payload: dict[str, Any] | bytes,
    *,
    secret: str = SECRET,
    signed: bool = True,
    store: Any = None,
    intents: list[str] | None = None,
):
    body = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
    headers: dict[str, str] = {}
    if signed:
        timestamp = str(int(time.time() * 1000))
        headers = {"timestamp": timestamp, "sign": sign(timestamp, secret)}
    agent = None
    if store is not None or intents is not None:
        domain = SimpleNamespace(intents=intents) if intents is not None else None
        agent = SimpleNamespace(tracker_store=store, domain=domain)
    return SimpleNamespace(
        body=body,
        headers=headers,
        app=SimpleNamespace(ctx=SimpleNamespace(agent=agent)),
        remote_addr="203.0.113.9",
    )


def callback(text: str = "谢谢", **changes: Any) -> dict[str, Any]:
    return {
        "msgtype": "text",
        "text": {"content": f" {text}"},
        "msgId": f"msg-{time.monotonic_ns()}",
        "senderStaffId": "user123",
        "conversationType": "1",
        "conversationId": "cid",
        **changes,
    }


def handle(channel: DingTalkInput, req: Any, rasa: FakeRasa) -> tuple[int, Any]:
    response = asyncio.run(channel.handle(req, rasa))
    return response.status, json.loads(response.body)


def test_without_a_secret_every_callback_is_refused_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    channel = DingTalkInput("")
    rasa = FakeRasa()
    with caplog.at_level(logging.WARNING, logger="channels.dingtalk"):
        for req in (request(callback(), secret=""), request(callback(), signed=False), request(b"{")):
            assert handle(channel, req, rasa) == (403, {"error": "not_configured"})
    assert rasa.messages == []
    refused = [r.getMessage() for r in caplog.records if "DingTalk callback refused" in r.getMessage()]
    assert len(refused) == 3
    assert all("403 not_configured" in line and "203.0.113.9" in line for line in refused)


def test_a_signed_text_goes_to_rasa_as_the_persons_conversation() -> None:
    rasa = FakeRasa()
    status, message = handle(DingTalkInput(SECRET), request(callback(" 谢谢 ")), rasa)
    assert (status, message) == (200, {"msgtype": "text", "text": {"content": "不客气！"}})
    (passed,) = rasa.messages
    assert passed.text == "谢谢"
    assert passed.sender_id == "dingtalk:user123"
    assert passed.input_channel == "dingtalk"
    assert passed.metadata["dingtalk"]["conversationType"] == "1"


def test_a_number_picks_the_button_last_sent_to_that_conversation_from_the_tracker_store() -> None:
    tracker = DialogueStateTracker.from_events(
        "dingtalk:user123",
        [
            UserUttered("收到核查通知，如何修改备案信息"),
            ActionExecuted("faq_form"),
            BotUttered("请问您收到的是哪种核查通知？", data={"buttons": BUTTONS}),
            ActionExecuted("action_listen"),
        ],
    )
    store = FakeStore({"dingtalk:user123": tracker})
    rasa = FakeRasa()
    handle(DingTalkInput(SECRET), request(callback("第２个"), store=store), rasa)
    assert rasa.messages[0].text == BUTTONS[1]["payload"]
    assert rasa.messages[0].metadata["dingtalk"]["typed"] == "第２个"
    assert store.reads == ["dingtalk:user123"]


def test_a_number_without_buttons_is_passed_on_as_typed() -> None:
    store = FakeStore()
    rasa = FakeRasa()
    handle(DingTalkInput(SECRET), request(callback("2"), store=store), rasa)
    assert rasa.messages[0].text == "2"


def test_the_tracker_store_is_read_only_for_numbers() -> None:
    store = FakeStore()
    handle(DingTalkInput(SECRET), request(callback("如何查看备案信息"), store=store), FakeRasa())
    assert store.reads == []


def test_a_broken_tracker_store_does_not_break_the_answer() -> None:
    class Broken:
        async def retrieve(self, sender_id: str) -> None:
            raise RuntimeError("database is locked")

    rasa = FakeRasa()
    status, _ = handle(DingTalkInput(SECRET), request(callback("1"), store=Broken()), rasa)
    assert status == 200 and rasa.messages[0].text == "1"


def test_buttons_are_answered_as_a_numbered_markdown_list() -> None:
    rasa = FakeRasa([{"text": "请问您收到的是哪种核查通知？", "buttons": BUTTONS}])
    status, message = handle(DingTalkInput(SECRET), request(callback("如何修改备案信息")), rasa)
    assert status == 200 and message["msgtype"] == "markdown"
    assert "1. 备案信息不合格\n\n2. 网站内容不合格" in message["markdown"]["text"]


def test_a_retry_is_not_processed_again() -> None:
    channel = DingTalkInput(SECRET)
    rasa = FakeRasa()
    payload = callback()
    assert handle(channel, request(payload), rasa)[0] == 200
    assert handle(channel, request(payload), rasa) == (200, {})
    assert len(rasa.messages) == 1


def test_a_failure_is_answered_politely_and_a_retry_is_then_processed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    channel = DingTalkInput(SECRET)
    payload = callback()
    with caplog.at_level(logging.ERROR, logger="channels.dingtalk"):
        failed = handle(channel, request(payload), FakeRasa(RuntimeError("boom")))
    assert failed == (200, {"msgtype": "text", "text": {"content": NO_ANSWER_REPLY}})
    rasa = FakeRasa()
    assert handle(channel, request(payload), rasa)[1]["text"]["content"] == "不客气！"


def test_nothing_said_is_answered_politely() -> None:
    status, message = handle(DingTalkInput(SECRET), request(callback()), FakeRasa([]))
    assert (status, message["text"]["content"]) == (200, NO_ANSWER_REPLY)


@pytest.mark.parametrize(
    "payload",
    [
        {"msgtype": "picture", "content": {"downloadCode": "d"}, "senderStaffId": "u", "msgId": "p1"},
        {"msgtype": "text", "text": {"content": "   "}, "senderStaffId": "u", "msgId": "p2"},
    ],
)
def test_pictures_and_empty_texts_never_reach_rasa(payload: dict[str, Any]) -> None:
    rasa = FakeRasa()
    status, message = handle(DingTalkInput(SECRET), request(payload), rasa)
    assert (status, message["text"]["content"]) == (200, TEXT_ONLY_REPLY)
    assert rasa.messages == []


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        (b"{not json", 400, "malformed_json"),
        (b"\xff", 400, "malformed_json"),
        (b"null", 400, "not_a_message"),
        (b'{"msgtype": "text", "text": {"content": "hi"}}', 400, "no_sender"),
        (
            b'{"conversationType": "2", "senderStaffId": "u", "text": {"content": "hi"}}',
            400,
            "no_conversation_id",
        ),
    ],
)
def test_bad_bodies(body: bytes, status: int, error: str) -> None:
    assert handle(DingTalkInput(SECRET), request(body), FakeRasa()) == (status, {"error": error})


def test_a_body_over_the_limit_is_413() -> None:
    channel = DingTalkInput(SECRET, max_body_bytes=100)
    assert handle(channel, request(callback("备" * 100)), FakeRasa()) == (413, {"error": "body_too_large"})


def _posts(channel: DingTalkInput, payload: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    posted: list[tuple[str, dict[str, Any]]] = []

    async def post(url: str, message: dict[str, Any]) -> None:
        posted.append((url, message))

    channel._post_to_session_webhook = post  # type: ignore[method-assign]

    async def scenario() -> None:
        await channel.handle(request(payload), FakeRasa())
        await asyncio.sleep(0)

    asyncio.run(scenario())
    return posted


def test_the_answer_is_also_posted_to_an_allowed_session_webhook_when_configured() -> None:
    webhook = "https://oapi.dingtalk.com/robot/sendBySession?session=x"
    fresh = callback(sessionWebhook=webhook, sessionWebhookExpiredTime=int(time.time() * 1000) + 60_000)
    assert _posts(DingTalkInput(SECRET), fresh) == [], "off unless configured"
    channel = DingTalkInput(SECRET, reply_to_session_webhook=True)
    assert _posts(channel, fresh) == [(webhook, {"msgtype": "text", "text": {"content": "不客气！"}})]
    expired = {**fresh, "msgId": "other", "sessionWebhookExpiredTime": int(time.time() * 1000) - 1}
    assert _posts(channel, expired) == []
    elsewhere = {**fresh, "msgId": "another", "sessionWebhook": "https://evil.example/robot/sendBySession"}
    assert _posts(channel, elsewhere) == []


def test_too_long_a_message_is_asked_to_be_shorter_and_never_reaches_rasa() -> None:
    rasa = FakeRasa()
    status, message = handle(DingTalkInput(SECRET, max_text_chars=10), request(callback("备" * 11)), rasa)
    assert (status, message["text"]["content"]) == (
        200,
        knowledge.prompt("message_too_long", limit="10").text,
    )
    assert rasa.messages == []
    handle(DingTalkInput(SECRET, max_text_chars=0), request(callback("备" * 11)), rasa)
    assert rasa.messages[0].text == "备" * 11, "0 turns the limit off"


def test_the_limit_is_the_rest_channels_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAX_MESSAGE_CHARS", "123")
    assert DingTalkInput(SECRET).max_text_chars == 123
    assert DingTalkInput.from_credentials({"max_text_chars": 50}).max_text_chars == 50


@pytest.mark.parametrize(
    ("typed", "passed"),
    [
        ("/restart", "/restart"),
        ("/session_start", "session_start"),
        ("/back", "back"),
        (
            '/inform{"notice_type": "website_content_unqualified"}',
            '/inform{"notice_type": "website_content_unqualified"}',
        ),
        ("/nonsense", "nonsense"),
    ],
)
def test_typed_commands_go_on_only_when_a_button_could_have_sent_them(typed: str, passed: str) -> None:
    rasa = FakeRasa()
    intents = ["inform", "greet", "restart", "session_start", "back"]
    handle(DingTalkInput(SECRET), request(callback(typed), store=FakeStore(), intents=intents), rasa)
    assert rasa.messages[0].text == passed


def test_the_app_secret_is_stripped_as_the_stream_bridge_strips_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DINGTALK_APP_SECRET", "  s3cret\n")
    channel = DingTalkInput.from_credentials({})
    assert channel.app_secret == "s3cret"
