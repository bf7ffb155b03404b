"""Socket.IO (rasa-webchat, Rasa's own widget): Rasa's channel behind the guard, and working.

Rasa 3.6's SocketIOInput has two faults this channel fixes:
* with ``session_persistence: true`` it never awaits ``enter_room`` (RasaHQ/rasa#13027), so the
  client is never in its session's room and gets no ``bot_uttered`` at all;
* it applies none of the checks of the other channels: one 200,000-character message kept the
  server busy for minutes, any ``session_id`` could be used (``dingtalk:<staff>`` included), and
  any web page could connect.

Same events and payloads as Rasa's (``session_request`` / ``session_confirm``, ``user_uttered``
/ ``bot_uttered``); the conversation id is ``socketio:<session_id>``. A refused message is
answered with a ``bot_uttered`` that says why. Browsers may connect only from the origins in
CHAT_PAGE_ORIGIN (comma-separated; ``*`` allows any) or the server's own origin; clients
without an Origin header (not a browser) from anywhere.
"""

from __future__ import annotations

import logging
import os
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from channels.guard import MAX_REQUEST_BYTES, Guard, Refused, domain_intents

logger = logging.getLogger(__name__)

ORIGINS_ENV = "CHAT_PAGE_ORIGIN"
_SESSION_ID = re.compile(r"[A-Za-z0-9_\-]{1,64}")


def allowed_origins(environ: dict[str, str] | None = None) -> list[str]:
    environ = os.environ if environ is None else environ
    origins = environ.get(ORIGINS_ENV, "").split(",")
    return [origin.strip().rstrip("/") for origin in origins if origin.strip()]


def origin_allowed(origin: str | None, allowed: list[str], host: str | None = None) -> bool:
    """No Origin (not a browser), the server's own origin, or one of the allowed ones; a header
    repeated (joined with commas) is allowed only when each of its origins is."""
    if not origin or "*" in allowed:
        return True
    for one in (part.strip().rstrip("/") for part in origin.split(",")):
        if one not in allowed and not (host and one.split("://", 1)[-1] == host):
            return False
    return True


def _address(environ: dict[str, Any]) -> str:
    request = environ.get("sanic.request")
    address = getattr(request, "remote_addr", "") or getattr(request, "ip", "") or environ.get("REMOTE_ADDR")
    return str(address or "-")


class _Blueprint(SocketBlueprint):
    """Rasa's Socket.IO blueprint that remembers its app, whose agent knows the domain."""

    def register(self, app: Any, options: dict[str, Any]) -> None:
        self.ctx.app = app
        super().register(app, options)


class GuardedSocketIOInput(SocketIOInput):
    """Rasa's Socket.IO channel with the guard of every channel, and rooms that work."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.guard = Guard(self.name())
        self.addresses: dict[str, str] = {}

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        origins = allowed_origins()
        # The engine drops a client whose packet is over the limit any channel reads; below it,
        # the guard answers a message over its own limit with the reason.
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[], max_http_buffer_size=MAX_REQUEST_BYTES)
        webhook = _Blueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio
        output = SocketIOOutput(sio, self.bot_message_evt)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: str, environ: dict[str, Any], auth: dict[str, Any] | None = None) -> bool:
            if not origin_allowed(environ.get("HTTP_ORIGIN"), origins, environ.get("HTTP_HOST")):
                logger.warning("socketio: refused a connection from origin %s", environ.get("HTTP_ORIGIN"))
                return False
            self.addresses[sid] = _address(environ)
            return True

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: str) -> None:
            self.addresses.pop(sid, None)

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any = None) -> None:
            session_id = data.get("session_id") if isinstance(data, dict) else None
            if not (isinstance(session_id, str) and _SESSION_ID.fullmatch(session_id)):
                session_id = uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, self.guard.sender(session_id), namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any = None) -> None:
            address = self.addresses.get(sid)
            try:
                self.guard.address(address)
                if not isinstance(data, dict):
                    raise Refused(400, "bad_message", "a message must be an object with a 'message'")
                session_id = data.get("session_id") if self.session_persistence else sid
                if not (isinstance(session_id, str) and _SESSION_ID.fullmatch(session_id)):
                    raise Refused(400, "bad_session", "send session_request first and use its session_id")
                sender = self.guard.sender(session_id)
                if self.session_persistence:
                    await sio.enter_room(sid, sender, namespace=self.namespace)
                intents = domain_intents(getattr(webhook.ctx, "app", None))
                text = self.guard.text(data.get("message"), intents)
                metadata = self.guard.metadata(data.get(self.metadata_key))
                self.guard.rate(sender)
            except Refused as refused:
                logger.info("socketio: refused a message from %s: %s", address, refused)
                reply = {"text": refused.text}
                await sio.emit(self.bot_message_evt, reply, room=sid, namespace=self.namespace)
                return
            replies = await self.guard.run(on_new_message, sender, text, metadata)
            room = sender if self.session_persistence else sid
            for reply in replies:
                await output.send_response(room, {k: v for k, v in reply.items() if k != "recipient_id"})

        return webhook
