"""The DingTalk robot channel: `/webhooks/dingtalk/webhook`, HTTP callback mode.

DingTalk posts each message a user sends to an enterprise-internal robot here, signed with the
robot's app secret (environment variable DINGTALK_APP_SECRET). The answer goes back in the HTTP
response as one DingTalk message; optionally it is also posted to the callback's sessionWebhook.

Refused, with a short JSON error and one log line `DingTalk callback refused: <status> <error>`:
    403 not_configured     DINGTALK_APP_SECRET is not set: every callback
    401 missing_signature  no `timestamp` or no `sign` header
    401 bad_timestamp      `timestamp` is not a number of milliseconds
    403 stale_timestamp    `timestamp` further from the server's clock than the window (1 hour at most)
    403 bad_signature      `sign` is not Base64(HMAC-SHA256(app secret, timestamp + "\\n" + app secret))
Then, for signed callbacks: 413 body_too_large, 400 malformed_json (also JSON nested too deep),
400 not_a_message, 400 no_sender / no_conversation_id, 400 bad_msg_id (no msgId, or one over
128 characters: every callback needs one, for retries to be told apart); a msgId answered in the
last ten minutes gets 200 `{}`. The checks every channel shares (size, rate, command guard,
apology) are channels/guard.py's.
Everything else is answered with 200 and a DingTalk message, never a 5xx: pictures, voice and
rich text get a request for a typed question, text over MAX_MESSAGE_CHARS (as on REST) a
request to be brief, a failure inside Rasa the service_unavailable apology.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import os
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import unquote

import aiohttp
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions import knowledge
from channels.dingtalk_format import (
    DEFAULT_SESSION_WEBHOOK_HOSTS,
    TEXT_ONLY_REPLY,
    Incoming,
    choice_number,
    last_buttons,
    parse_callback,
    pick_choice,
    session_webhook_target,
    text_message,
    to_dingtalk_message,
)
from channels.guard import Guard, Refused, cap_request_size, domain_intents, parse_json

logger = logging.getLogger(__name__)

SECRET_ENV = "DINGTALK_APP_SECRET"
# DingTalk refuses nothing younger than an hour; a deployment may be stricter, never looser.
MAX_CLOCK_SKEW_SECONDS = 3600
DEDUPE_SECONDS = 600
MAX_MSG_ID_CHARS = 128
MAX_BODY_BYTES = 1024 * 1024
_TIMESTAMP = re.compile(r"[0-9]{1,15}")

dumps = partial(json.dumps, ensure_ascii=False)


# ---------------------------------------------------------------------------------------------
# Signature


@dataclass(frozen=True)
class Refusal:
    status: int
    error: str
    detail: str


def sign(timestamp: str, secret: str) -> str:
    """DingTalk's `sign` header: Base64(HMAC-SHA256(key=secret, message=timestamp + "\\n" + secret))."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def check_signature(
    timestamp: str | None, signature: str | None, secret: str, now_ms: int, max_skew_seconds: float
) -> Refusal | None:
    """None when the headers prove the callback comes from DingTalk, else why not."""
    if not secret:
        return Refusal(403, "not_configured", f"{SECRET_ENV} is not set")
    if not timestamp or not signature:
        return Refusal(401, "missing_signature", "the timestamp and sign headers are required")
    timestamp = timestamp.strip()
    if not _TIMESTAMP.fullmatch(timestamp):
        return Refusal(401, "bad_timestamp", "timestamp is not milliseconds since the epoch")
    skew_seconds = abs(now_ms - int(timestamp)) / 1000
    if skew_seconds > max_skew_seconds:
        return Refusal(
            403,
            "stale_timestamp",
            f"timestamp is {skew_seconds:.0f}s from the server's clock, max {max_skew_seconds:.0f}s",
        )
    given = signature.strip()
    if "%" in given:  # tolerate a URL-encoded signature
        given = unquote(given)
    if not hmac.compare_digest(sign(timestamp, secret).encode("ascii"), given.encode("utf-8", "replace")):
        return Refusal(403, "bad_signature", "sign does not match the app secret")
    return None


# ---------------------------------------------------------------------------------------------
# Retries


class RecentMessageIds:
    """msgIds seen in the last `ttl_seconds`, in this process (several replicas need a shared store)."""

    def __init__(
        self,
        ttl_seconds: float = DEDUPE_SECONDS,
        max_size: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_size = max_size
        self.clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    def _prune(self, now: float) -> None:
        while self._seen:
            oldest, seen_at = next(iter(self._seen.items()))
            if now - seen_at < self.ttl_seconds and len(self._seen) <= self.max_size:
                break
            del self._seen[oldest]

    def claim(self, msg_id: str) -> bool:
        """True the first time a msgId is seen within the window (then it is processed)."""
        now = self.clock()
        self._prune(now)
        if msg_id in self._seen:
            return False
        self._seen[msg_id] = now
        self._prune(now)
        return True

    def release(self, msg_id: str) -> None:
        """Forget a msgId whose processing failed, so that DingTalk's retry is processed."""
        self._seen.pop(msg_id, None)

    def __len__(self) -> int:
        return len(self._seen)


# ---------------------------------------------------------------------------------------------
# The channel


def _now_ms() -> int:
    return int(time.time() * 1000)


def _remote(request: Request) -> str:
    return str(getattr(request, "remote_addr", "") or getattr(request, "ip", "") or "-")


def _hosts(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split(",")
    return tuple(str(host).strip().lower() for host in value or () if str(host).strip())


class DingTalkInput(InputChannel):
    """DingTalk enterprise-internal robot, HTTP callback mode."""

    @classmethod
    def name(cls) -> str:
        return "dingtalk"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        return cls(
            # stripped, as the Stream bridge does: a pasted secret often ends in a newline
            app_secret=os.environ.get(SECRET_ENV, "").strip(),
            max_clock_skew_seconds=float(credentials.get("max_clock_skew_seconds", MAX_CLOCK_SKEW_SECONDS)),
            dedupe_seconds=float(credentials.get("dedupe_seconds", DEDUPE_SECONDS)),
            max_body_bytes=int(credentials.get("max_body_bytes", MAX_BODY_BYTES)),
            max_text_chars=credentials.get("max_text_chars"),
            reply_to_session_webhook=bool(credentials.get("reply_to_session_webhook", False)),
            session_webhook_hosts=_hosts(
                credentials.get("session_webhook_hosts", DEFAULT_SESSION_WEBHOOK_HOSTS)
            ),
        )

    def __init__(
        self,
        app_secret: str,
        max_clock_skew_seconds: float = MAX_CLOCK_SKEW_SECONDS,
        dedupe_seconds: float = DEDUPE_SECONDS,
        max_body_bytes: int = MAX_BODY_BYTES,
        max_text_chars: int | None = None,
        reply_to_session_webhook: bool = False,
        session_webhook_hosts: Iterable[str] = DEFAULT_SESSION_WEBHOOK_HOSTS,
        session_webhook_timeout: float = 5.0,
    ) -> None:
        self.app_secret = (app_secret or "").strip()
        self.max_clock_skew_seconds = min(max(float(max_clock_skew_seconds), 1.0), MAX_CLOCK_SKEW_SECONDS)
        self.recent = RecentMessageIds(dedupe_seconds)
        self.guard = Guard(self.name())
        self.max_body_bytes = max_body_bytes
        # the REST channel's MAX_MESSAGE_CHARS unless set here; 0 turns the limit off
        self.max_text_chars = self.guard.limits.max_chars if max_text_chars is None else int(max_text_chars)
        self.reply_to_session_webhook = reply_to_session_webhook
        self.session_webhook_hosts = tuple(session_webhook_hosts)
        self.session_webhook_timeout = session_webhook_timeout
        self._background: set[asyncio.Task] = set()
        if not self.app_secret:
            logger.warning(
                "DingTalk channel: %s is not set, every DingTalk callback will be refused (403)", SECRET_ENV
            )

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("dingtalk_webhook", __name__)
        cap_request_size(webhook)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self.handle(request, on_new_message)

        return webhook

    # -- one callback ----------------------------------------------------------------------------

    def _refuse(self, request: Request, status: int, error: str, detail: str) -> HTTPResponse:
        logger.warning(
            "DingTalk callback refused: %s %s (%s) from %s", status, error, detail, _remote(request)
        )
        return response.json({"error": error}, status=status)

    async def handle(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        refusal = check_signature(
            request.headers.get("timestamp"),
            request.headers.get("sign"),
            self.app_secret,
            _now_ms(),
            self.max_clock_skew_seconds,
        )
        if refusal is not None:
            return self._refuse(request, refusal.status, refusal.error, refusal.detail)

        try:
            payload = parse_json(request.body or b"", self.max_body_bytes)
        except Refused as refused:
            return self._refuse(request, refused.status, refused.error, refused.text)
        if not isinstance(payload, dict):
            return self._refuse(request, 400, "not_a_message", "the body is not a JSON object")

        incoming = parse_callback(payload)
        if incoming.sender_key is None:
            return self._refuse(
                request, 400, incoming.error or "no_sender", "cannot tell whose message it is"
            )
        if not incoming.msg_id or len(incoming.msg_id) > MAX_MSG_ID_CHARS:
            detail = f"msgId is required, at most {MAX_MSG_ID_CHARS} characters"
            return self._refuse(request, 400, "bad_msg_id", detail)
        if not self.recent.claim(incoming.msg_id):
            logger.info("DingTalk msgId %s already answered: not processed again", incoming.msg_id)
            return response.json({})
        # Per person only: every callback comes from DingTalk's own servers, so a limit per
        # address would throttle everybody at once.
        try:
            self.guard.rate(incoming.sender_key)
        except Refused as refused:
            logger.warning("DingTalk: rate limit for %s", incoming.sender_key)
            return response.json(text_message(refused.text), dumps=dumps)

        try:
            message = await self._answer(request, incoming, on_new_message)
        except asyncio.CancelledError:
            logger.error("DingTalk message of %s timed out", incoming.sender_key)
            message = None
        except Exception:
            logger.exception("DingTalk message of %s failed", incoming.sender_key)
            message = None
        if message is None:
            self.recent.release(incoming.msg_id)
            message = text_message(knowledge.prompt("service_unavailable").text)

        if self.reply_to_session_webhook:
            target = session_webhook_target(payload, self.session_webhook_hosts, _now_ms())
            if target:
                task = asyncio.create_task(self._post_to_session_webhook(target, message))
                self._background.add(task)
                task.add_done_callback(self._background.discard)
        return response.json(message, dumps=dumps)

    async def _answer(
        self, request: Request, incoming: Incoming, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> dict[str, Any] | None:
        if not incoming.text:
            return text_message(TEXT_ONLY_REPLY)
        text = incoming.text
        if self.max_text_chars and len(text) > self.max_text_chars:
            return text_message(knowledge.prompt("message_too_long", limit=str(self.max_text_chars)).text)
        try:
            # typed "/intent{...}" goes on only when a button could have sent it (every channel)
            typed = self.guard.text(text, domain_intents(request.app))
        except Refused as refused:
            return text_message(refused.text)
        metadata = incoming.metadata
        chosen = None
        if choice_number(text) is not None:
            chosen = pick_choice(text, await self._last_buttons(request, incoming.sender_key))
        if chosen:
            metadata = {**metadata, "dingtalk": {**metadata["dingtalk"], "typed": text}}
            typed = chosen  # the payload of a button the assistant sent
        replies, failed = await self.guard.turn(on_new_message, incoming.sender_key, typed, metadata)
        if failed:
            return None  # the conversation could not be read or saved, or nothing answered: apologise
        return to_dingtalk_message(replies)

    async def _last_buttons(self, request: Request, sender_key: str) -> list[dict[str, Any]]:
        """The buttons last sent to this conversation, from the tracker store (survives a restart)."""
        agent = getattr(request.app.ctx, "agent", None)
        store = getattr(agent, "tracker_store", None)
        if store is None:
            return []
        try:
            tracker = await store.retrieve(sender_key)
        except Exception:
            logger.exception("DingTalk: could not read the conversation of %s", sender_key)
            return []
        if tracker is None:
            return []
        return last_buttons(event.as_dict() for event in reversed(tracker.events))

    async def _post_to_session_webhook(self, url: str, message: dict[str, Any]) -> None:
        # The URL carries a session token: it is never logged.
        try:
            timeout = aiohttp.ClientTimeout(total=self.session_webhook_timeout)
            async with aiohttp.ClientSession(timeout=timeout) as session:
                async with session.post(
                    url, data=dumps(message).encode(), headers={"Content-Type": "application/json"}
                ) as reply:
                    if reply.status >= 400:
                        logger.warning("DingTalk sessionWebhook answered %s", reply.status)
        except Exception as error:
            logger.warning("DingTalk sessionWebhook post failed: %s", type(error).__name__)
