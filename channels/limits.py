"""Per-sender and per-address rate limits and message size limits for the public channels.

One process keeps its own counts (sliding one-minute windows). Several replicas behind a load
balancer each limit what they see; put the limit in the load balancer too when that matters.
"""

from __future__ import annotations

import os
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass

SENDER_ENV = "RATE_LIMIT_PER_SENDER_PER_MINUTE"
ADDRESS_ENV = "RATE_LIMIT_PER_ADDRESS_PER_MINUTE"
MAX_CHARS_ENV = "MAX_MESSAGE_CHARS"
DEFAULT_PER_SENDER = 30
DEFAULT_PER_ADDRESS = 300
DEFAULT_MAX_CHARS = 2000
# Keys remembered at most; the least recently seen are forgotten first.
MAX_KEYS = 100_000


def _int_setting(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as error:
        raise ValueError(f"{name} must be a whole number (0 turns the limit off), not {raw!r}") from error
    if value < 0:
        raise ValueError(f"{name} must be 0 or more, not {value}")
    return value


@dataclass(frozen=True)
class Limits:
    per_sender: int = DEFAULT_PER_SENDER
    per_address: int = DEFAULT_PER_ADDRESS
    max_chars: int = DEFAULT_MAX_CHARS

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        environ = os.environ if environ is None else environ
        return cls(
            per_sender=_int_setting(environ, SENDER_ENV, DEFAULT_PER_SENDER),
            per_address=_int_setting(environ, ADDRESS_ENV, DEFAULT_PER_ADDRESS),
            max_chars=_int_setting(environ, MAX_CHARS_ENV, DEFAULT_MAX_CHARS),
        )


class SlidingWindow:
    """At most `limit` events per key in any `window` seconds; a limit of 0 allows everything."""

    def __init__(self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()

    def allow(self, key: str) -> bool:
        if self.limit == 0:
            return True
        now = self.clock()
        hits = self._hits.pop(key, None) or deque()
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        self._hits[key] = hits
        if len(self._hits) > MAX_KEYS:
            self._hits.popitem(last=False)
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        return True


class RateLimiter:
    """The two limits of the contract, checked together."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.by_sender = SlidingWindow(limits.per_sender, clock=clock)
        self.by_address = SlidingWindow(limits.per_address, clock=clock)
