"""The DingTalk channel's signature check, msgId dedupe, settings and sessionWebhook post."""

from __future__ import annotations

import asyncio
import hmac
import json
import socket

import pytest
from aiohttp import web

from channels import dingtalk
from channels.dingtalk import DingTalkInput, RecentMessageIds, check_signature, sign

SECRET = "this is secret"
NOW = 1_577_262_236_757
HOUR = 3600


def test_sign_matches_dingtalk_documented_algorithm() -> None:
    # printf '1577262236757\nthis is secret' | openssl dgst -sha256 -hmac 'this is secret' -binary | base64
    assert sign("1577262236757", SECRET) == "hmPWwU+7lVdm3ZZz0r9tSfx0L4Q26jWOZr9+Gs6EZQM="


def test_a_signed_callback_passes() -> None:
    assert check_signature(str(NOW), sign(str(NOW), SECRET), SECRET, NOW, HOUR) is None


def test_a_url_encoded_sign_passes() -> None:
    from urllib.parse import quote_plus

    assert check_signature(str(NOW), quote_plus(sign(str(NOW), SECRET)), SECRET, NOW, HOUR) is None


@pytest.mark.parametrize("offset_ms", [-HOUR * 1000, HOUR * 1000, -1, 1])
def test_timestamps_within_the_hour_pass(offset_ms: int) -> None:
    timestamp = str(NOW + offset_ms)
    assert check_signature(timestamp, sign(timestamp, SECRET), SECRET, NOW, HOUR) is None


@pytest.mark.parametrize(
    "offset_ms", [-(HOUR * 1000 + 1), HOUR * 1000 + 1, -2 * HOUR * 1000, 365 * 86400 * 1000]
)
def test_stale_or_future_timestamps_are_refused_even_when_signed(offset_ms: int) -> None:
    timestamp = str(NOW + offset_ms)
    refusal = check_signature(timestamp, sign(timestamp, SECRET), SECRET, NOW, HOUR)
    assert refusal is not None and (refusal.status, refusal.error) == (403, "stale_timestamp")


def test_a_tighter_window_is_honoured() -> None:
    timestamp = str(NOW - 120_000)
    refusal = check_signature(timestamp, sign(timestamp, SECRET), SECRET, NOW, 60)
    assert refusal is not None and refusal.error == "stale_timestamp"


@pytest.mark.parametrize(
    ("timestamp", "signature"),
    [(None, "x"), ("", "x"), (str(NOW), None), (str(NOW), ""), (None, None)],
)
def test_unsigned_callbacks_are_refused_with_401(timestamp: str | None, signature: str | None) -> None:
    refusal = check_signature(timestamp, signature, SECRET, NOW, HOUR)
    assert refusal is not None and (refusal.status, refusal.error) == (401, "missing_signature")


@pytest.mark.parametrize(
    "timestamp", ["abc", "1.5e12", "-1577262236757", "１５７７２６２２３６７５７", "9" * 40]
)
def test_timestamps_that_are_not_milliseconds_are_refused_with_401(timestamp: str) -> None:
    refusal = check_signature(timestamp, sign(timestamp, SECRET), SECRET, NOW, HOUR)
    assert refusal is not None and (refusal.status, refusal.error) == (401, "bad_timestamp")


@pytest.mark.parametrize(
    "signature",
    [
        sign(str(NOW), "another secret"),
        sign(str(NOW + 1), SECRET),
        "not base64 at all",
        "签名🙂",
        "%ZZ",
    ],
)
def test_forged_signatures_are_refused_with_403(signature: str) -> None:
    refusal = check_signature(str(NOW), signature, SECRET, NOW, HOUR)
    assert refusal is not None and (refusal.status, refusal.error) == (403, "bad_signature")


def test_without_a_secret_every_callback_is_refused() -> None:
    for secret_on_the_server in ("", None):
        refusal = check_signature(str(NOW), sign(str(NOW), ""), secret_on_the_server or "", NOW, HOUR)
        assert refusal is not None and (refusal.status, refusal.error) == (403, "not_configured")


def test_signatures_are_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    original = hmac.compare_digest

    def compare(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return original(a, b)

    monkeypatch.setattr(dingtalk.hmac, "compare_digest", compare)
    assert check_signature(str(NOW), sign(str(NOW), SECRET), SECRET, NOW, HOUR) is None
    assert len(calls) == 1


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_msg_id_is_processed_once_within_ten_minutes() -> None:
    clock = FakeClock()
    recent = RecentMessageIds(600, clock=clock)
    assert recent.claim("msg0a")
    assert not recent.claim("msg0a")
    clock.now += 599
    assert not recent.claim("msg0a")
    assert recent.claim("msg0b")
    clock.now += 2
    assert recent.claim("msg0a"), "ten minutes later the id is forgotten"


def test_a_released_msg_id_can_be_processed_again() -> None:
    recent = RecentMessageIds(600)
    assert recent.claim("msg0a")
    recent.release("msg0a")
    assert recent.claim("msg0a")


def test_the_msg_id_map_stays_bounded() -> None:
    recent = RecentMessageIds(600, max_size=3)
    for number in range(10):
        assert recent.claim(f"msg{number}")
    assert len(recent) == 3
    assert not recent.claim("msg9")


def test_settings_come_from_credentials_and_the_secret_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DINGTALK_APP_SECRET", "from-env")
    channel = DingTalkInput.from_credentials(
        {
            "max_clock_skew_seconds": 7200,
            "dedupe_seconds": 60,
            "session_webhook_hosts": "A.example, b.example",
        }
    )
    assert channel.app_secret == "from-env"
    assert channel.max_clock_skew_seconds == 3600, "never looser than DingTalk's hour"
    assert channel.recent.ttl_seconds == 60
    assert channel.session_webhook_hosts == ("a.example", "b.example")
    assert not channel.reply_to_session_webhook
    assert DingTalkInput.from_credentials({"max_clock_skew_seconds": 300}).max_clock_skew_seconds == 300


def test_defaults_without_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DINGTALK_APP_SECRET", raising=False)
    channel = DingTalkInput.from_credentials(None)
    assert channel.app_secret == ""
    assert channel.max_clock_skew_seconds == 3600
    assert channel.recent.ttl_seconds == 600
    assert channel.session_webhook_hosts == ("oapi.dingtalk.com",)
    assert DingTalkInput.name() == "dingtalk"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_answer_is_posted_to_a_session_webhook() -> None:
    received: list[dict] = []

    async def scenario() -> None:
        async def webhook(request: web.Request) -> web.Response:
            received.append(json.loads(await request.read()))
            return web.json_response({"errcode": 0})

        app = web.Application()
        app.router.add_post("/robot/sendBySession", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        port = _free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            channel = DingTalkInput("secret")
            message = {"msgtype": "text", "text": {"content": "你好"}}
            await channel._post_to_session_webhook(
                f"http://127.0.0.1:{port}/robot/sendBySession?session=x", message
            )
            # a webhook that is down is logged, never raised
            await channel._post_to_session_webhook(f"http://127.0.0.1:{_free_port()}/x", message)
        finally:
            await runner.cleanup()

    asyncio.run(scenario())
    assert received == [{"msgtype": "text", "text": {"content": "你好"}}]
