"""DingTalk Stream mode for the assistant: `make dingtalk-stream`.

DingTalk pushes the robot's messages over the official SDK's websocket (dingtalk-stream), so the
robot needs no public address. Each message is forwarded to the Rasa server's DingTalk channel
(`/webhooks/dingtalk/webhook`) exactly as DingTalk would post it in HTTP mode, signed the same way
with the app secret; the DingTalk message the channel answers is replied through the SDK. So
msgId dedupe, numbered choices and one conversation per person hold in both modes.

Environment:
    DINGTALK_CLIENT_ID   the robot app's AppKey (Client ID)
    DINGTALK_APP_SECRET  its AppSecret (Client Secret): the same value the Rasa server has
    DINGTALK_RASA_URL    the Rasa server as the bridge reaches it, default http://localhost:5005
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import os
import time
from typing import Any

import dingtalk_stream
import requests

logger = logging.getLogger("dingtalk_stream_bridge")

WEBHOOK_PATH = "/webhooks/dingtalk/webhook"
DEFAULT_RASA_URL = "http://localhost:5005"
# What the user sees when the Rasa server cannot be reached or refuses the bridge.
UNAVAILABLE_REPLY = "抱歉，我暂时无法回答，请稍后再试。"


class RasaUnavailable(Exception):
    """The Rasa server could not be reached, or did not answer with a DingTalk message."""


def sign(timestamp: str, secret: str) -> str:
    """DingTalk's `sign` header: Base64(HMAC-SHA256(key=secret, message=timestamp + "\\n" + secret))."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


class RasaForwarder:
    """Posts a robot message to the Rasa server's DingTalk channel as a signed HTTP callback."""

    def __init__(self, rasa_url: str, app_secret: str, timeout: float = 60.0) -> None:
        self.url = rasa_url.rstrip("/") + WEBHOOK_PATH
        self.app_secret = app_secret
        self.timeout = timeout
        self.session = requests.Session()

    def forward(self, data: dict[str, Any]) -> dict[str, Any]:
        """The DingTalk message to reply, or {} when there is nothing to say (a retried msgId)."""
        timestamp = str(int(time.time() * 1000))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "timestamp": timestamp,
            "sign": sign(timestamp, self.app_secret),
        }
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        try:
            response = self.session.post(self.url, data=body, headers=headers, timeout=self.timeout)
        except requests.RequestException as error:
            raise RasaUnavailable(f"{self.url} unreachable ({type(error).__name__})") from error
        if response.status_code != 200:
            raise RasaUnavailable(f"{self.url} answered {response.status_code} {response.text[:200]}")
        try:
            answer = response.json()
        except ValueError as error:
            raise RasaUnavailable(f"{self.url} answered something else than JSON") from error
        if not isinstance(answer, dict):
            raise RasaUnavailable(f"{self.url} answered something else than a DingTalk message")
        return answer


def incoming_message(data: dict[str, Any]) -> dingtalk_stream.ChatbotMessage:
    """The SDK's view of the message (its sessionWebhook is where replies go)."""
    try:
        return dingtalk_stream.ChatbotMessage.from_dict(data)
    except Exception:  # a shape the SDK does not know: keep what replying needs
        message = dingtalk_stream.ChatbotMessage()
        message.session_webhook = data.get("sessionWebhook")
        message.sender_staff_id = data.get("senderStaffId")
        message.sender_id = data.get("senderId")
        message.conversation_id = data.get("conversationId")
        message.conversation_type = data.get("conversationType")
        message.message_id = data.get("msgId")
        message.message_type = data.get("msgtype")
        return message


class RasaBridgeHandler(dingtalk_stream.ChatbotHandler):
    """Handles the SDK's robot-message callbacks (topic ChatbotMessage.TOPIC)."""

    def __init__(self, forwarder: RasaForwarder) -> None:
        super().__init__()
        self.forwarder = forwarder

    async def process(self, callback: dingtalk_stream.CallbackMessage) -> tuple[int, str]:
        data = callback.data if isinstance(callback.data, dict) else {}
        incoming = incoming_message(data)
        try:
            answer = await asyncio.to_thread(self.forwarder.forward, data)
        except RasaUnavailable as error:
            logger.error("DingTalk message %s not answered: %s", data.get("msgId"), error)
            answer = {"msgtype": "text", "text": {"content": UNAVAILABLE_REPLY}}
        try:
            await asyncio.to_thread(self.reply, answer, incoming)
        except Exception:
            logger.exception("DingTalk message %s: the reply failed", data.get("msgId"))
        return dingtalk_stream.AckMessage.STATUS_OK, "OK"

    def reply(self, answer: dict[str, Any], incoming: dingtalk_stream.ChatbotMessage) -> None:
        """Sends the channel's DingTalk message back through the SDK ({} sends nothing)."""
        msgtype = answer.get("msgtype")
        if msgtype == "markdown":
            markdown = answer.get("markdown") or {}
            self.reply_markdown(str(markdown.get("title") or ""), str(markdown.get("text") or ""), incoming)
        elif msgtype == "text":
            self.reply_text(str((answer.get("text") or {}).get("content") or ""), incoming)
        elif answer:
            logger.warning("DingTalk message %s: cannot reply a %r message", incoming.message_id, msgtype)


def build_client(client_id: str, app_secret: str, rasa_url: str) -> dingtalk_stream.DingTalkStreamClient:
    client = dingtalk_stream.DingTalkStreamClient(dingtalk_stream.Credential(client_id, app_secret))
    handler = RasaBridgeHandler(RasaForwarder(rasa_url, app_secret))
    client.register_callback_handler(dingtalk_stream.ChatbotMessage.TOPIC, handler)
    return client


def main() -> int:
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO"), format="%(asctime)s %(levelname)s %(name)s - %(message)s"
    )
    client_id = os.environ.get("DINGTALK_CLIENT_ID", "").strip()
    app_secret = os.environ.get("DINGTALK_APP_SECRET", "").strip()
    rasa_url = os.environ.get("DINGTALK_RASA_URL", "").strip() or DEFAULT_RASA_URL
    if not client_id or not app_secret:
        logger.error(
            "set DINGTALK_CLIENT_ID (the robot app's AppKey) and DINGTALK_APP_SECRET (its AppSecret)"
        )
        return 2
    logger.info("DingTalk Stream bridge: robot messages go to %s%s", rasa_url.rstrip("/"), WEBHOOK_PATH)
    build_client(client_id, app_secret, rasa_url).start_forever()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
