"""DingTalk robot messages in and out, as plain functions (no Rasa, no Sanic).

In: what a callback says (the user's text, whose conversation it is). Out: all of the
assistant's messages of one turn as one DingTalk message, buttons as a numbered list, and the
choice a reply such as 2, ２ or 第2个 picks from that list.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

# What the assistant answers to pictures, voice, rich text, files and empty messages.
TEXT_ONLY_REPLY = "我目前只能解答文字提问，请直接输入您的问题，例如：如何查看备案信息？"
CHOICE_HINT = "请回复序号选择，例如回复 1。"
DEFAULT_TITLE = "备案信息核查助手"
TITLE_MAX_CHARS = 30
# DingTalk's own hosts of the sessionWebhook URLs it sends with each callback.
DEFAULT_SESSION_WEBHOOK_HOSTS = ("oapi.dingtalk.com",)
# Conversation ids are stored in the tracker store (255 characters in the SQL store).
MAX_SENDER_KEY_CHARS = 200

GROUP_CONVERSATION = "2"
# Control characters are dropped from what users type, except line breaks and tabs.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Incoming:
    """What one robot callback asks: the text (None for pictures, voice, ...) and whose it is."""

    msgtype: str
    text: str | None
    msg_id: str | None
    sender_key: str | None
    error: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


def _clean(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


def _short_key(key: str) -> str:
    if len(key) <= MAX_SENDER_KEY_CHARS:
        return key
    return "dingtalk:sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()


def conversation_key(payload: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(the Rasa conversation id, or None and why).

    One-to-one: the person (senderStaffId, else senderId). A group: the group and the person,
    so two people in one group never share a conversation.
    """
    person = _clean(payload.get("senderStaffId")) or _clean(payload.get("senderId"))
    if person is None:
        return None, "no_sender"
    if _clean(payload.get("conversationType")) == GROUP_CONVERSATION:
        group = _clean(payload.get("conversationId"))
        if group is None:
            return None, "no_conversation_id"
        return _short_key(f"dingtalk:group:{group}:{person}"), None
    return _short_key(f"dingtalk:{person}"), None


def message_type(payload: Mapping[str, Any]) -> str:
    msgtype = _clean(payload.get("msgtype"))
    if msgtype is None and isinstance(payload.get("text"), Mapping):
        return "text"
    return msgtype or "unknown"


def message_text(payload: Mapping[str, Any]) -> str | None:
    """The typed text without the space an @-mention leaves, or None when it is not a text message."""
    if message_type(payload) != "text":
        return None
    text = payload.get("text")
    content = text.get("content") if isinstance(text, Mapping) else None
    if content is None or isinstance(content, (dict, list)):
        return ""
    return _CONTROL.sub("", str(content)).strip()


def parse_callback(payload: Mapping[str, Any]) -> Incoming:
    key, error = conversation_key(payload)
    msgtype = message_type(payload)
    metadata = {
        "dingtalk": {
            "msgId": _clean(payload.get("msgId")),
            "msgtype": msgtype,
            "conversationType": _clean(payload.get("conversationType")),
        }
    }
    return Incoming(
        msgtype=msgtype,
        text=message_text(payload),
        msg_id=_clean(payload.get("msgId")),
        sender_key=key,
        error=error,
        metadata=metadata,
    )


# ---------------------------------------------------------------------------------------------
# Numbered choices

_CHINESE_NUMBERS = {**dict(zip("一二三四五六七八九十", range(1, 11), strict=True)), "两": 2}
_CHOICE = re.compile(
    r"(?:我选|选择|选|第)?\s*(?P<number>[0-9]{1,2}|[一二两三四五六七八九十])\s*"
    r"(?:个|项|条|种|号)?\s*[.。、,，)!！]*"
)


def choice_number(text: str) -> int | None:
    """The number a reply of just a number names: 2, ２, 第2个, 第二个, ②, 选2."""
    normalized = unicodedata.normalize("NFKC", text or "").strip()
    match = _CHOICE.fullmatch(normalized)
    if match is None:
        return None
    number = match.group("number")
    value = int(number) if number.isdigit() else _CHINESE_NUMBERS[number]
    return value or None


def _usable(button: Any) -> bool:
    return isinstance(button, Mapping) and bool(_clean(button.get("title")) or _clean(button.get("payload")))


def last_buttons(events_newest_first: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The buttons the assistant sent since the user last spoke, in the order it sent them.

    Takes tracker events (as dicts) from the newest on, and stops at the user's last message.
    """
    buttons: list[dict[str, Any]] = []
    for event in events_newest_first:
        kind = event.get("event")
        if kind == "user":
            break
        if kind == "bot":
            data = event.get("data") or {}
            sent = [dict(button) for button in data.get("buttons") or [] if _usable(button)]
            buttons = sent + buttons
    return buttons


def pick_choice(text: str, buttons: Sequence[Mapping[str, Any]]) -> str | None:
    """What the chosen button sends, when the reply is just the number of one of them."""
    number = choice_number(text)
    if number is None or not 1 <= number <= len(buttons):
        return None
    button = buttons[number - 1]
    return _clean(button.get("payload")) or _clean(button.get("title"))


# ---------------------------------------------------------------------------------------------
# The answer as one DingTalk message

_MARKDOWN_SIGNS = re.compile(
    r"https?://|\[[^\]]+\]\([^)]+\)|\*\*|__|`|^\s{0,3}#{1,6}\s|^\s{0,3}>|^\s*(?:[-*+]|\d+[.)])\s",
    re.MULTILINE,
)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_LEADING_MARKS = re.compile(r"^\s*(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+)")


def text_message(content: str) -> dict[str, Any]:
    return {"msgtype": "text", "text": {"content": content}}


def markdown_title(text: str) -> str:
    """A short plain title (DingTalk shows it in notifications and the conversation list)."""
    for line in text.splitlines():
        plain = _LINK.sub(r"\1", line)
        plain = _LEADING_MARKS.sub("", plain)
        plain = plain.replace("**", "").replace("__", "").replace("`", "").strip()
        if plain:
            return plain if len(plain) <= TITLE_MAX_CHARS else plain[: TITLE_MAX_CHARS - 1] + "…"
    return DEFAULT_TITLE


def markdown_message(text: str) -> dict[str, Any]:
    # DingTalk's markdown keeps a line break only between paragraphs: one blank line per break.
    body = "\n\n".join(line.rstrip() for line in text.splitlines() if line.strip())
    return {"msgtype": "markdown", "markdown": {"title": markdown_title(body), "text": body}}


def to_dingtalk_message(messages: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """All of the assistant's messages of one turn, joined into one DingTalk message.

    Markdown when there are links or structure (lists, bold, buttons, images); text otherwise.
    Buttons are numbered across the whole turn, in the order `last_buttons` reads them back.
    """
    parts: list[str] = []
    structured = False
    number = 0
    for message in messages:
        text = _clean(message.get("text"))
        if text:
            parts.append(text)
        image = _clean(message.get("image"))
        if image:
            parts.append(f"![]({image})")
            structured = True
        lines = []
        for button in message.get("buttons") or []:
            if _usable(button):
                number += 1
                title = _clean(button.get("title")) or _clean(button.get("payload"))
                lines.append(f"{number}. {title}")
        if lines:
            parts.append("\n".join(lines))
            structured = True
    if number:
        parts.append(CHOICE_HINT)
    body = "\n\n".join(parts)
    if not body:
        return None
    if structured or _MARKDOWN_SIGNS.search(body):
        return markdown_message(body)
    return text_message(body)


# ---------------------------------------------------------------------------------------------
# sessionWebhook


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def session_webhook_target(
    payload: Mapping[str, Any], allowed_hosts: Iterable[str], now_ms: int
) -> str | None:
    """The callback's sessionWebhook, if it may be posted to now: https, on an allowed host
    (no user info, no other port), and before sessionWebhookExpiredTime."""
    url = payload.get("sessionWebhook")
    if not isinstance(url, str) or not url:
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or parts.username or parts.password or port not in (None, 443):
        return None
    if host not in {allowed.strip().lower() for allowed in allowed_hosts}:
        return None
    expires = _int(payload.get("sessionWebhookExpiredTime"))
    if expires is None or now_ms >= expires:
        return None
    return url
