"""Socket.IO with a real client (python-socketio, the protocol of rasa-webchat and Rasa's own
widget), over websocket and over long polling, against the real servers: it answers, and the
guard of every channel applies (issue 12)."""

from __future__ import annotations

import queue
import threading
import time
import uuid
from typing import Any

import pytest
import socketio

from tests.e2e.conftest import CHAT_PAGE_ORIGIN

TIMEOUT = 20


def talk(
    servers, transports: list[str], texts: list[Any], headers: dict[str, str] | None = None
) -> list[list[dict[str, Any]]]:
    """Sends each text in a new session and collects the bot_uttered events that follow it.

    python-socketio's threaded client (websocket-client underneath): its asyncio client needs a
    newer aiohttp than Rasa 3.6 pins.
    """
    session_id = uuid.uuid4().hex
    client = socketio.Client(reconnection=False)
    replies: queue.Queue = queue.Queue()
    confirmed = threading.Event()
    client.on("bot_uttered", replies.put)
    client.on("session_confirm", lambda _: confirmed.set())
    client.connect(servers.url, transports=transports, headers=headers or {}, wait_timeout=TIMEOUT)
    try:
        client.emit("session_request", {"session_id": session_id})
        assert confirmed.wait(TIMEOUT), "no session_confirm"
        answers = []
        for text in texts:
            payload = text if isinstance(text, dict) else {"message": text, "session_id": session_id}
            client.emit("user_uttered", payload)
            turn = [replies.get(timeout=TIMEOUT)]
            time.sleep(0.5)  # the rest of the turn's messages
            while not replies.empty():
                turn.append(replies.get_nowait())
            answers.append(turn)
        return answers
    finally:
        client.disconnect()


@pytest.mark.parametrize("transports", [["websocket"], ["polling"]])
def test_a_real_client_gets_answers(servers, transports: list[str]) -> None:
    first, second = talk(servers, transports, ["怎么查看我的备案信息", "2013年3月"])
    assert "什么时候提交" in first[0]["text"]
    assert any("导入备案信息" in message.get("text", "") for message in second)


def test_a_long_message_is_refused_with_a_reason_and_the_server_goes_on(servers) -> None:
    started = time.monotonic()
    (refused,), answered = talk(servers, ["websocket"], ["备" * 100_000, "为什么会有备案信息核查？"])
    assert "太长" in refused["text"]
    assert "反恐怖主义法" in answered[0]["text"]
    assert time.monotonic() - started < 20  # the 200,000-character message held the server for minutes


def test_a_packet_over_the_server_limit_drops_that_client_only(servers) -> None:
    with pytest.raises((queue.Empty, socketio.exceptions.BadNamespaceError)):
        talk(servers, ["websocket"], ["备" * 400_000])
    (answered,) = talk(servers, ["websocket"], ["为什么会有备案信息核查？"])
    assert "反恐怖主义法" in answered[0]["text"]


def test_a_full_width_restart_does_not_wipe_the_form(servers) -> None:
    asked, after, answer = talk(servers, ["websocket"], ["怎么查看我的备案信息", "／restart", "2013年3月"])
    assert "什么时候提交" in asked[0]["text"]
    assert not any(message.get("text", "").startswith("好的，我们重新开始") for message in after)
    assert any("导入备案信息" in message.get("text", "") for message in answer)


def test_a_session_id_of_another_channel_is_not_accepted(servers) -> None:
    (reply,) = talk(servers, ["websocket"], [{"message": "你好", "session_id": "dingtalk:staff1"}])
    assert "session_request" in reply[0]["text"]


def test_a_page_of_another_origin_cannot_connect(servers) -> None:
    with pytest.raises(socketio.exceptions.ConnectionError):
        talk(servers, ["websocket"], ["你好"], headers={"Origin": "https://evil.example"})
    (reply,) = talk(servers, ["websocket"], ["你好"], headers={"Origin": CHAT_PAGE_ORIGIN})
    assert reply
