"""Serves the built chat page (web/dist/) and /config.json, which tells the page where the Rasa
server is. Standard library only.

Settings, each from the environment or the command line (defaults of ../shared/contract.md):
  CHAT_PORT / --port          8080
  CHAT_HOST / --host          127.0.0.1 (set 0.0.0.0 to serve other machines)
  RASA_URL  / --rasa-url      http://localhost:5005 (the Rasa server as the *browser* reaches it)
  CHAT_SOCKET_TIMEOUT         10 (seconds a connection may stay silent before it is closed, so that
                              slow or idle clients cannot hold the server's threads)

The Rasa server must allow this page's origin (http://localhost:8080 by default) through CORS:
`make run` passes CHAT_PAGE_ORIGIN to `rasa run --cors`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

DIST = Path(__file__).resolve().parent / "dist"


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an http(s) URL: {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


class ChatPageHandler(SimpleHTTPRequestHandler):
    """Static files of the page, /config.json, and headers that keep the page to itself."""

    extensions_map: ClassVar[dict[str, str]] = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript; charset=utf-8",
        ".mjs": "text/javascript; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".html": "text/html; charset=utf-8",
        ".json": "application/json",
    }

    def __init__(self, *args, rasa_url: str, timeout: float = 10.0, **kwargs) -> None:
        self.rasa_url = rasa_url
        self.timeout = timeout  # StreamRequestHandler puts it on the socket
        super().__init__(*args, **kwargs)

    def end_headers(self) -> None:
        # The page talks to itself and to the Rasa server only; no inline script, no CDN.
        self.send_header(
            "Content-Security-Policy",
            f"default-src 'self'; connect-src 'self' {origin_of(self.rasa_url)}; img-src 'self' data:; "
            "style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; "
            "form-action 'none'; frame-ancestors 'none'",
        )
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def do_GET(self) -> None:
        if urlsplit(self.path).path == "/config.json":
            body = json.dumps({"rasaUrl": self.rasa_url}).encode()
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def list_directory(self, path):  # no directory listings
        self.send_error(HTTPStatus.NOT_FOUND)
        return None

    def log_message(self, format: str, *args) -> None:
        sys.stderr.write(f"chat page: {self.address_string()} {format % args}\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", default=os.environ.get("CHAT_HOST") or "127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("CHAT_PORT") or 8080))
    parser.add_argument("--rasa-url", default=os.environ.get("RASA_URL") or "http://localhost:5005")
    parser.add_argument("--root", type=Path, default=DIST, help="the built page (default: web/dist)")
    args = parser.parse_args(argv)

    rasa_url = args.rasa_url.rstrip("/")
    try:
        origin_of(rasa_url)
    except ValueError as error:
        parser.error(f"RASA_URL: {error}")
    if not (args.root / "index.html").is_file():
        parser.error(f"no built page in {args.root}: run `make chat-page` first")

    timeout = float(os.environ.get("CHAT_SOCKET_TIMEOUT") or 10)
    handler = partial(ChatPageHandler, directory=str(args.root), rasa_url=rasa_url, timeout=timeout)
    with ThreadingHTTPServer((args.host, args.port), handler) as server:
        host = "localhost" if args.host in ("127.0.0.1", "0.0.0.0") else args.host
        print(f"Chat page on http://{host}:{server.server_address[1]}/ (Rasa server: {rasa_url})", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
