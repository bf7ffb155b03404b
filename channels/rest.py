"""The REST channel: Rasa's `rest` URL and reply shape, as a thin adapter over the guard.

Same URL and reply shape as Rasa's own `rest` channel (`/webhooks/rest/webhook`, a JSON list of
bot messages). Everything it checks, it checks through channels/guard.py, as every channel does:
a malformed body is a 400 with a reason rather than a 500 or a conversation filed under
"default", a message or metadata over its size limit a 413, a client over its rate limit a 429
(refused requests count too), a sender id of another channel (dingtalk:..., socketio:...) a 400,
and a turn that produced no answer at all (the action server down, say) gets an apology instead
of silence.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.guard import Guard, Refused, cap_request_size, domain_intents, parse_json

logger = logging.getLogger(__name__)


def read_body(guard: Guard, raw: bytes, intents: Collection[str]) -> tuple[str, str, dict[str, Any]]:
    """sender, message and metadata of a REST request body, or Refused."""
    body = parse_json(raw, guard.sizes.max_body_bytes)
    if not isinstance(body, dict):
        reason = 'the body must be a JSON object: {"sender": "...", "message": "..."}'
        raise Refused(400, "not_an_object", reason)
    sender = guard.sender(body.get("sender"))
    return sender, guard.text(body.get("message"), intents), guard.metadata(body.get("metadata"))


def error(status: int, reason: str) -> HTTPResponse:
    return response.json({"error": reason}, status=status)


class ValidatedRestInput(InputChannel):
    """Rasa's REST channel behind the guard of every channel."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def __init__(self, guard: Guard | None = None) -> None:
        self.guard = guard or Guard(self.name())

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("validated_rest_webhook", __name__)
        cap_request_size(webhook)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            address = request.remote_addr or request.ip
            try:
                self.guard.address(address)
                intents = domain_intents(request.app)
                sender, text, metadata = read_body(self.guard, request.body or b"", intents)
                self.guard.rate(sender)
            except Refused as refused:
                logger.info("rest: refused a request from %s: %s", address, refused)
                return error(refused.status, refused.text)
            return response.json(await self.guard.run(on_new_message, sender, text, metadata))

        return webhook
