"""Rate limits and settings of the public channels."""

from __future__ import annotations

import pytest

from channels.limits import Limits, RateLimiter, SlidingWindow


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_window_allows_its_limit_then_refuses_until_the_minute_has_passed() -> None:
    clock = Clock()
    window = SlidingWindow(3, clock=clock)
    assert [window.allow("a") for _ in range(4)] == [True, True, True, False]
    assert window.allow("b"), "another key has its own count"
    clock.now = 59.9
    assert not window.allow("a")
    clock.now = 60.1
    assert window.allow("a")


def test_zero_turns_a_limit_off() -> None:
    window = SlidingWindow(0)
    assert all(window.allow("a") for _ in range(10_000))


def test_the_address_limit_holds_across_senders() -> None:
    limiter = RateLimiter(Limits(per_sender=100, per_address=2), clock=Clock())
    assert limiter.by_address.allow("10.0.0.1") and limiter.by_sender.allow("s1")
    assert limiter.by_address.allow("10.0.0.1") and limiter.by_sender.allow("s2")
    assert not limiter.by_address.allow("10.0.0.1")
    assert limiter.by_address.allow("10.0.0.2")


def test_limits_come_from_the_environment_with_defaults() -> None:
    limits = Limits.from_env(
        {"RATE_LIMIT_PER_SENDER_PER_MINUTE": "5", "RATE_LIMIT_PER_ADDRESS_PER_MINUTE": "0"}
    )
    assert (limits.per_sender, limits.per_address) == (5, 0)
    assert Limits.from_env({}) == Limits()


@pytest.mark.parametrize("bad", ["-1", "ten", "1.5"])
def test_a_bad_setting_is_a_clear_error(bad: str) -> None:
    with pytest.raises(ValueError, match="RATE_LIMIT_PER_SENDER_PER_MINUTE"):
        Limits.from_env({"RATE_LIMIT_PER_SENDER_PER_MINUTE": bad})
