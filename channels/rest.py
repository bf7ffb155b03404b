"""The REST channel, with the checks a public endpoint needs.

Same URL and reply shape as Rasa's own `rest` channel (`/webhooks/rest/webhook`, a JSON list of
bot messages), but a malformed body is a 400 with a reason rather than a 500 or a conversation
filed under "default"; a message over the size limit is a 413; a client over its rate limit
gets a 429; and a turn that produced no answer at all (the action server down, say) gets an
apology instead of silence.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, Collection
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.shared.core.constants import DEFAULT_INTENTS
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions import knowledge
from channels.limits import Limits, RateLimiter
from stores import sql as tracker_store

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = 128
# Control characters: none in a sender id; in a message, all but line breaks and tabs.
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class BadRequest(Exception):
    """A request the channel refuses, with the status and the reason it gives."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def parse_body(raw: bytes, max_chars: int) -> tuple[str, str, dict[str, Any] | None]:
    """sender, message and metadata of a REST request body, or BadRequest."""
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise BadRequest(400, "the body must be JSON in UTF-8") from error
    if not isinstance(body, dict):
        raise BadRequest(400, 'the body must be a JSON object: {"sender": "...", "message": "..."}')
    sender, message, metadata = body.get("sender"), body.get("message"), body.get("metadata")
    if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
        raise BadRequest(400, f'"sender" must be a non-empty string of at most {MAX_SENDER_CHARS} characters')
    if _ANY_CONTROL.search(sender):
        raise BadRequest(400, '"sender" must not contain control characters')
    if not isinstance(message, str):
        raise BadRequest(400, '"message" must be a string')
    if metadata is not None and not isinstance(metadata, dict):
        raise BadRequest(400, '"metadata" must be a JSON object when given')
    if max_chars and len(message) > max_chars:
        raise BadRequest(413, knowledge.prompt("message_too_long", limit=str(max_chars)).text)
    return sender, _CONTROL.sub("", message), metadata


_COMMAND = re.compile(r"^\s*/([^\s{/]*)")
# Rasa's built-in intents a button of this assistant never sends (/back, /session_start ...),
# except restart, which the chat page's 重新开始 control sends.
_BUILT_IN = set(DEFAULT_INTENTS) - {"restart"}


def guard_command(text: str, intents: Collection[str]) -> str:
    """A typed "/intent{...}" goes on only when a button could have sent it.

    Anything else that starts with "/" is read as words, so typing cannot reach Rasa's own
    commands; the slot values a button-like command carries are still checked by the form.
    """
    match = _COMMAND.match(text)
    if match and (match.group(1) not in intents or match.group(1) in _BUILT_IN):
        return text.lstrip().lstrip("/")
    return text


def error(status: int, reason: str) -> HTTPResponse:
    return response.json({"error": reason}, status=status)


def apology(sender: str) -> list[dict[str, Any]]:
    return [{"recipient_id": sender, "text": knowledge.prompt("service_unavailable").text}]


class ValidatedRestInput(InputChannel):
    """Rasa's REST channel with input validation, limits and an answer on failure."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits.from_env()
        self.limiter = RateLimiter(self.limits)

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("validated_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                sender, text, metadata = parse_body(request.body or b"", self.limits.max_chars)
            except BadRequest as refused:
                logger.info("rest: refused a request from %s: %s", request.remote_addr or request.ip, refused)
                return error(refused.status, refused.reason)
            refusal = self.limiter.refusal(sender, request.remote_addr or request.ip)
            if refusal:
                logger.warning("rest: rate limit for %s: %s", request.remote_addr or request.ip, refusal)
                return error(429, refusal)
            agent = getattr(request.app.ctx, "agent", None)
            if agent is not None and agent.domain is not None:
                text = guard_command(text, agent.domain.intents)
            collector = CollectingOutputChannel()
            tracker_store.start_request()
            try:
                await on_new_message(
                    UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata)
                )
            except Exception:
                logger.exception("rest: the message of %s could not be handled", sender)
            if tracker_store.failed_in_this_request():
                # Rasa carried on with an empty conversation: its answer would be wrong.
                return response.json(apology(sender))
            # Every turn of this assistant answers something: an empty reply means a failure.
            return response.json(collector.messages or apology(sender))

        return webhook
