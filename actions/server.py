"""The action server as `make run` starts it: rasa_sdk's, on loopback, with body limits.

    python -m actions.server --port 5055

`rasa run actions` listens on every address, with no authentication, and inflates a
``Content-Encoding: deflate`` body without any cap, so one request of a few tens of MB can
exhaust the memory. This launcher builds the same application (rasa_sdk's ``create_app``) and
adds what a deployment needs:

* it listens on ACTION_SERVER_HOST, 127.0.0.1 unless set (deploy/README.md says how to expose it
  on a private network);
* a body over ACTION_SERVER_MAX_BODY_BYTES (8 MiB; the Rasa server sends the conversation, a
  few kB to a few hundred) is refused with 413 before it is read whole, and so is a deflated
  body that would inflate past that size, checked while inflating, never after.
"""

from __future__ import annotations

import argparse
import logging
import os
import zlib
from collections.abc import Mapping

from sanic import Sanic, response
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse

HOST_ENV = "ACTION_SERVER_HOST"
MAX_BODY_ENV = "ACTION_SERVER_MAX_BODY_BYTES"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024

logger = logging.getLogger(__name__)


def max_body_bytes(environ: Mapping[str, str] | None = None) -> int:
    environ = os.environ if environ is None else environ
    raw = environ.get(MAX_BODY_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_BODY_BYTES
    value = int(raw)
    if value <= 0:
        raise ValueError(f"{MAX_BODY_ENV} must be a positive number of bytes, not {raw!r}")
    return value


def inflated_size_exceeds(body: bytes, limit: int) -> bool:
    """Whether a zlib (deflate) body inflates past `limit` bytes; a corrupt one counts as too
    large too (rasa_sdk would fail on it). Memory stays within about `limit`."""
    inflater = zlib.decompressobj()
    try:
        inflated = inflater.decompress(body, limit + 1)
    except zlib.error:
        return True
    return len(inflated) > limit or bool(inflater.unconsumed_tail)


def add_limits(app: Sanic, limit: int) -> None:
    """413 for bodies (raw or inflated) over `limit`: before rasa_sdk's handler sees them."""
    app.config.REQUEST_MAX_SIZE = limit

    async def too_large(request: Request, exception: Exception) -> HTTPResponse:
        # rasa_sdk answers every exception with a 500; a body too large is the client's fault
        return response.json({"error": f"the body is over {limit} bytes"}, status=413)

    app.error_handler.add(PayloadTooLarge, too_large)

    @app.on_request
    async def refuse_large_bodies(request: Request) -> HTTPResponse | None:
        deflated = request.headers.get("Content-Encoding") == "deflate"
        if deflated and inflated_size_exceeds(request.body, limit):
            logger.warning("action server: refused a deflated body that inflates past %d bytes", limit)
            return response.json({"error": f"the body inflates past {limit} bytes"}, status=413)
        return None


def create_app(actions_package: str = "actions") -> Sanic:
    from rasa_sdk.endpoint import create_app as rasa_sdk_app

    app = rasa_sdk_app(actions_package, cors_origins=None)
    add_limits(app, max_body_bytes())
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTION_PORT", "5055")))
    parser.add_argument("--actions", default="actions")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-8s %(name)s - %(message)s")
    host = os.environ.get(HOST_ENV, "").strip() or DEFAULT_HOST
    app = create_app(args.actions)
    logger.info("Action endpoint is up and running on http://%s:%d", host, args.port)
    app.run(host, args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
