"""The guard in front of every channel, against the real servers (issue 12): each attack a
stranger on the network can make is refused with a 4xx and a reason, never a 5xx, and the
refusal texts say what they should. These servers have low rate limits of their own."""

from __future__ import annotations

import json
import socket
import uuid
import zlib
from collections.abc import Iterator

import pytest
import requests

from actions import knowledge
from tests.e2e.conftest import Servers
from tests.e2e.test_dingtalk import callback, post

RATE_LIMITED = knowledge.prompt("rate_limited").text
PER_SENDER, PER_ADDRESS = 3, 12


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    env = {
        "RATE_LIMIT_PER_SENDER_PER_MINUTE": str(PER_SENDER),
        "RATE_LIMIT_PER_ADDRESS_PER_MINUTE": str(PER_ADDRESS),
    }
    running = Servers(tmp_path_factory.mktemp("guard"), extra_env=env)
    try:
        running.start()
        yield running
    finally:
        running.stop()


def rest(servers: Servers, raw: bytes) -> requests.Response:
    return requests.post(
        f"{servers.url}/webhooks/rest/webhook",
        data=raw,
        headers={"Content-Type": "application/json"},
        timeout=60,
    )


def test_rest_over_the_sender_limit_is_a_429_that_says_to_wait(limited: Servers) -> None:
    sender = f"rate-{uuid.uuid4().hex[:8]}"
    statuses = [
        rest(limited, json.dumps({"sender": sender, "message": "你好"}).encode())
        for _ in range(PER_SENDER + 1)
    ]
    assert [r.status_code for r in statuses[:PER_SENDER]] == [200] * PER_SENDER
    assert statuses[-1].status_code == 429
    assert statuses[-1].json() == {"error": RATE_LIMITED}


def test_dingtalk_over_the_sender_limit_is_told_to_wait(limited: Servers) -> None:
    staff = f"user{uuid.uuid4().hex[:8]}"
    replies = [post(limited, callback("你好", staff_id=staff)) for _ in range(PER_SENDER + 1)]
    assert all(reply.status_code == 200 for reply in replies)
    assert replies[-1].json() == {"msgtype": "text", "text": {"content": RATE_LIMITED}}


def test_refused_requests_count_against_the_address(tmp_path_factory: pytest.TempPathFactory) -> None:
    env = {"RATE_LIMIT_PER_SENDER_PER_MINUTE": "100", "RATE_LIMIT_PER_ADDRESS_PER_MINUTE": "5"}
    running = Servers(tmp_path_factory.mktemp("address"), extra_env=env)
    try:
        running.start()  # its warm-up message counts too
        statuses = [rest(running, b"not json").status_code for _ in range(6)]
        assert 429 in statuses
        assert set(statuses) <= {400, 429}
    finally:
        running.stop()


def test_json_nested_too_deep_is_a_400_not_a_500(servers) -> None:
    response = rest(servers, b"[" * 10_000)
    assert response.status_code == 400
    assert "deeper" in response.json()["error"]


def test_megabytes_of_metadata_are_refused_before_they_are_stored(servers) -> None:
    body = {
        "sender": f"meta-{uuid.uuid4().hex[:8]}",
        "message": "你好",
        "metadata": {"blob": "x" * 5_000_000},
    }
    response = rest(servers, json.dumps(body).encode())
    assert response.status_code == 413
    body["metadata"] = {"blob": "x" * 50_000}
    response = rest(servers, json.dumps(body).encode())
    assert response.status_code == 413
    assert "metadata" in response.json()["error"] or "body" in response.json()["error"]


def test_a_rest_client_cannot_reach_a_dingtalk_conversation(servers) -> None:
    response = rest(servers, json.dumps({"sender": "dingtalk:user123", "message": "/restart"}).encode())
    assert response.status_code == 400
    assert "dingtalk:" in response.json()["error"]


def test_a_full_width_restart_does_not_wipe_a_form_over_rest(servers) -> None:
    sender = f"fw-{uuid.uuid4().hex[:8]}"
    servers.say(sender, "怎么查看我的备案信息")
    servers.say(sender, "／restart")
    answer = "".join(reply.get("text", "") for reply in servers.say(sender, "2013年3月"))
    assert "导入备案信息" in answer


@pytest.mark.parametrize(("msg_id", "error"), [(None, "bad_msg_id"), ("m" * 200_000, "bad_msg_id")])
def test_dingtalk_needs_a_short_msg_id(servers, msg_id: str | None, error: str) -> None:
    payload = callback("你好")
    if msg_id is None:
        del payload["msgId"]
    else:
        payload["msgId"] = msg_id
    response = post(servers, payload)
    assert response.status_code in (400, 413)
    assert response.json()["error"] in (error, "body_too_large")


def test_the_action_server_listens_on_loopback_only(servers) -> None:
    requests.get(f"http://127.0.0.1:{servers.action_port}/health", timeout=5).raise_for_status()
    # read from the kernel's socket table: no packet leaves loopback to find out
    assert _listening_addresses(servers.action_port) == {"127.0.0.1"}


def test_the_action_server_refuses_a_deflate_bomb_and_an_oversized_body(servers) -> None:
    url = f"http://127.0.0.1:{servers.action_port}/webhook"
    bomb = zlib.compress(b"[" + b" " * (64 * 1024 * 1024) + b"]", 9)  # 64 MB inflated, ~64 kB sent
    response = requests.post(url, data=bomb, headers={"Content-Encoding": "deflate"}, timeout=60)
    assert response.status_code == 413
    response = requests.post(url, data=b" " * (9 * 1024 * 1024), timeout=60)
    assert response.status_code == 413
    requests.get(f"http://127.0.0.1:{servers.action_port}/health", timeout=5).raise_for_status()


def _listening_addresses(port: int) -> set[str]:
    """The IPv4 addresses a TCP port listens on, from /proc/net/tcp (state 0A = LISTEN)."""
    found = set()
    with open("/proc/net/tcp", encoding="ascii") as table:
        for line in table.readlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.split(":")
            if state == "0A" and int(port_hex, 16) == port:
                found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return found
