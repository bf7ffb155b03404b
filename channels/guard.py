"""The one guard in front of every input channel (REST, DingTalk, Socket.IO, any future one).

A channel is a thin adapter: it reads its own wire format (and, for DingTalk, checks the
signature), then hands sender, text, metadata and the client's address to the guard, which
applies the same checks everywhere so that a new channel cannot forget one:

* sizes: the body (checked before it is parsed, and JSON nested too deep is a 400, not a
  RecursionError), the message (MAX_MESSAGE_CHARS) and the metadata (MAX_METADATA_BYTES);
* rate limits per sender and per address; refused requests count against the address too, so
  a client cannot hammer the server with requests it knows will be refused;
* the command guard: a typed ``/intent{...}`` goes on only when a button could have sent it,
  full-width forms (／restart) included, since Rasa folds them back after NFKC;
* the channel's own sender namespace: ``dingtalk:<staff>`` and ``socketio:<session>`` are made
  by their channels, and a REST client cannot name them;
* the apology when a turn produces nothing (the action server down, the store locked).

Every refusal is a `Refused` with an HTTP status, a machine-readable `error` and the text a user
reads; the channel turns it into its own reply.
"""

from __future__ import annotations

import json
import logging
import os
import re
import unicodedata
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.shared.core.constants import DEFAULT_INTENTS
from sanic.exceptions import PayloadTooLarge

from actions import knowledge
from channels.limits import Limits, RateLimiter, _int_setting
from stores import sql as tracker_store

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = 128
METADATA_ENV = "MAX_METADATA_BYTES"
BODY_ENV = "MAX_BODY_BYTES"
DEFAULT_MAX_METADATA_BYTES = 4096
DEFAULT_MAX_BODY_BYTES = 64 * 1024
# Deeper JSON is refused before Python's parser recurses into it.
MAX_JSON_DEPTH = 32
# Channels that own a sender namespace "<channel>:<id>"; no other channel may use it.
NAMESPACED_CHANNELS = ("dingtalk", "socketio")

_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_COMMAND = re.compile(r"^\s*/([^\s{/]*)")
# Rasa's built-in intents a button of this assistant never sends (/back, /session_start ...),
# except restart, which resets a conversation on purpose.
_BUILT_IN = set(DEFAULT_INTENTS) - {"restart"}


class Refused(Exception):
    """A request a channel refuses: the status, an error code, and what the user reads."""

    def __init__(self, status: int, error: str, text: str) -> None:
        super().__init__(f"{status} {error}: {text}")
        self.status = status
        self.error = error
        self.text = text


@dataclass(frozen=True)
class Sizes:
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_metadata_bytes: int = DEFAULT_MAX_METADATA_BYTES

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Sizes:
        environ = os.environ if environ is None else environ
        return cls(
            max_body_bytes=_int_setting(environ, BODY_ENV, DEFAULT_MAX_BODY_BYTES),
            max_metadata_bytes=_int_setting(environ, METADATA_ENV, DEFAULT_MAX_METADATA_BYTES),
        )


def json_depth_exceeds(raw: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether brackets nest deeper than `limit`, counted outside strings, without parsing."""
    depth = 0
    in_string = escaped = False
    for char in raw:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def parse_json(raw: bytes, max_bytes: int) -> Any:
    """The body as JSON, or Refused: too large (413), not UTF-8 JSON or nested too deep (400)."""
    if max_bytes and len(raw) > max_bytes:
        raise Refused(413, "body_too_large", f"the body is over {max_bytes} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Refused(400, "malformed_json", "the body must be JSON in UTF-8") from error
    if json_depth_exceeds(text):
        raise Refused(400, "malformed_json", f"the body nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        raise Refused(400, "malformed_json", "the body must be JSON in UTF-8") from error


def guard_command(text: str, intents: Collection[str]) -> str:
    """A typed "/intent{...}" goes on only when a button could have sent it.

    Anything else that starts with "/" (or a full-width "／", which Rasa reads as "/" once
    normalised) is read as words, so typing cannot reach Rasa's own commands; the slot values
    a button-like command carries are still checked by the form.
    """
    folded = unicodedata.normalize("NFKC", text)
    match = _COMMAND.match(folded)
    if not match:
        return text
    if match.group(1) in intents and match.group(1) not in _BUILT_IN and text.lstrip().startswith("/"):
        return text
    return folded.lstrip().lstrip("/")


class Guard:
    """The checks of one channel; each channel makes one at start-up."""

    def __init__(self, channel: str, limits: Limits | None = None, sizes: Sizes | None = None) -> None:
        self.channel = channel
        self.limits = limits or Limits.from_env()
        self.sizes = sizes or Sizes.from_env()
        self.limiter = RateLimiter(self.limits)

    # -- who -----------------------------------------------------------------------------------

    def sender(self, raw: Any) -> str:
        """The conversation id: namespaced for the channels that own one, checked for all."""
        if not isinstance(raw, str) or not raw.strip() or len(raw) > MAX_SENDER_CHARS:
            reason = f'"sender" must be a non-empty string of at most {MAX_SENDER_CHARS} characters'
            raise Refused(400, "bad_sender", reason)
        if _ANY_CONTROL.search(raw):
            raise Refused(400, "bad_sender", '"sender" must not contain control characters')
        if self.channel in NAMESPACED_CHANNELS:
            return f"{self.channel}:{raw}"
        folded = unicodedata.normalize("NFKC", raw).strip().lower()
        for other in NAMESPACED_CHANNELS:
            if folded.startswith(f"{other}:"):
                reason = f'"sender" must not start with "{other}:" (another channel\'s)'
                raise Refused(400, "bad_sender", reason)
        return raw

    # -- what ----------------------------------------------------------------------------------

    def text(self, raw: Any, intents: Collection[str]) -> str:
        """The message text: a string within the size limit, control characters dropped,
        typed commands guarded (with no intents known, every command is read as words)."""
        if not isinstance(raw, str):
            raise Refused(400, "bad_message", '"message" must be a string')
        if self.limits.max_chars and len(raw) > self.limits.max_chars:
            limit = str(self.limits.max_chars)
            raise Refused(413, "message_too_long", knowledge.prompt("message_too_long", limit=limit).text)
        return guard_command(_CONTROL.sub("", raw), intents)

    def metadata(self, raw: Any) -> dict[str, Any]:
        """The client's metadata: an object within MAX_METADATA_BYTES once encoded."""
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            raise Refused(400, "bad_metadata", '"metadata" must be a JSON object when given')
        size = len(json.dumps(raw, ensure_ascii=False, default=str).encode("utf-8"))
        if self.sizes.max_metadata_bytes and size > self.sizes.max_metadata_bytes:
            reason = f'"metadata" is over {self.sizes.max_metadata_bytes} bytes'
            raise Refused(413, "metadata_too_large", reason)
        return raw

    # -- how often -----------------------------------------------------------------------------

    def address(self, address: str | None) -> None:
        """Refused(429) over the per-address limit. Called first, for every request, refused or
        not, so a client cannot hammer the server with requests it knows will be refused.
        None (DingTalk: its callbacks all come from DingTalk's servers) skips it."""
        if address is not None and not self.limiter.by_address.allow(address):
            raise Refused(429, "rate_limited", knowledge.prompt("rate_limited").text)

    def rate(self, sender: str) -> None:
        """Refused(429) over the per-sender limit."""
        if not self.limiter.by_sender.allow(sender):
            raise Refused(429, "rate_limited", knowledge.prompt("rate_limited").text)

    # -- the turn ------------------------------------------------------------------------------

    async def run(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        sender: str,
        text: str,
        metadata: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Hands the message to Rasa; its replies, or the apology when the turn failed."""
        replies, _ = await self.turn(on_new_message, sender, text, metadata)
        return replies

    async def turn(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        sender: str,
        text: str,
        metadata: dict[str, Any] | None = None,
    ) -> tuple[list[dict[str, Any]], bool]:
        """The replies, and whether the turn failed (the replies are then the apology)."""
        collector = CollectingOutputChannel()
        tracker_store.start_request()
        try:
            message = UserMessage(text, collector, sender, input_channel=self.channel, metadata=metadata)
            await on_new_message(message)
        except Exception:
            logger.exception("%s: the message of %s could not be handled", self.channel, sender)
            return apology(sender), True
        # Rasa carried on with an empty conversation when the store failed: its answer would be
        # wrong. And every turn of this assistant answers something: silence means a failure.
        if tracker_store.failed_in_this_request() or not collector.messages:
            return apology(sender), True
        return collector.messages, False


def apology(sender: str) -> list[dict[str, Any]]:
    return [{"recipient_id": sender, "text": knowledge.prompt("service_unavailable").text}]


# The most any channel reads of one request (DingTalk's callbacks, 1 MiB); each channel then
# holds its own bodies to its own, smaller limit. Sanic's default is 100 MB, read whole.
MAX_REQUEST_BYTES = 1024 * 1024


def cap_request_size(blueprint: Any) -> None:
    """Lowers the server's request size limit to MAX_REQUEST_BYTES when the channel starts."""

    @blueprint.listener("before_server_start")
    async def cap(app: Any, _loop: Any) -> None:
        app.config.REQUEST_MAX_SIZE = min(int(app.config.REQUEST_MAX_SIZE), MAX_REQUEST_BYTES)
        app.error_handler.add(PayloadTooLarge, too_large)


async def too_large(request: Any, exception: Exception) -> Any:
    """Sanic's own 413 (a body over MAX_REQUEST_BYTES, never read) in the channels' JSON shape."""
    from sanic import response

    return response.json({"error": "body_too_large"}, status=413)


def domain_intents(app: Any) -> Collection[str]:
    """The domain's intents (the agent hangs off the Sanic app), for the command guard."""
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    domain = getattr(agent, "domain", None)
    return domain.intents if domain is not None else ()
