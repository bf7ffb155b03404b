"""Two Rasa servers sharing PostgreSQL and Redis hold one conversation as one server does.

Each conversation of tests/e2e/test_conversations.py with more than one turn is played twice:
on server "a" alone, and with its turns alternating between "a" and "b". Every reply must be the
same, word for word and button for button, and PostgreSQL must hold the same events for both,
with every user turn. Then one conversation gets the same message on both servers at once, turn
after turn, and one sender sends eight messages at once to both: the lock store must make the
servers take turns, so that it all ends as on one server taking the messages one after the other
(these need the atomic lock store of stores/lock.py).
"""

from __future__ import annotations

import json
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.e2e.test_conversations import CONVERSATIONS, buttons_of, text_of
from tests.scale.conftest import Cluster

MULTI_TURN = sorted(name for name, turns in CONVERSATIONS.items() if len(turns) > 1)


def new_sender(kind: str, name: str) -> str:
    return f"scale-{kind}-{name}-{uuid.uuid4().hex[:8]}"[:128]


def signature(type_name: str, data: dict[str, Any]) -> tuple:
    """What an event says, without its time, ids and scores."""
    if type_name == "user":
        parse = data.get("parse_data") or {}
        entities = sorted(
            (entity.get("entity"), str(entity.get("value"))) for entity in parse.get("entities", [])
        )
        return type_name, data.get("text"), (parse.get("intent") or {}).get("name"), tuple(entities)
    if type_name == "bot":
        return type_name, data.get("text"), json.dumps(data.get("data"), sort_keys=True, ensure_ascii=False)
    if type_name == "slot":
        return type_name, data.get("name"), json.dumps(data.get("value"), ensure_ascii=False)
    if type_name == "action":
        return type_name, data.get("name"), data.get("policy")
    return type_name, data.get("name")


def signatures(cluster: Cluster, sender: str) -> list[tuple]:
    return [signature(type_name, data) for type_name, data in cluster.stored_events(sender)]


def user_texts(cluster: Cluster, sender: str) -> list[str]:
    return [data["text"] for type_name, data in cluster.stored_events(sender) if type_name == "user"]


def test_every_multi_turn_conversation_is_compared() -> None:
    assert len(MULTI_TURN) >= 8


@pytest.mark.parametrize("index,name", list(enumerate(MULTI_TURN)))
def test_turns_alternating_between_two_servers_give_the_conversation_of_one_server(
    cluster: Cluster, index: int, name: str
) -> None:
    turns = CONVERSATIONS[name]
    alone, alternating = new_sender("one", name), new_sender("ab", name)
    # Half of the conversations start on "a", half on "b".
    order = Cluster.NAMES if index % 2 == 0 else tuple(reversed(Cluster.NAMES))
    for number, (said, expected, unexpected) in enumerate(turns):
        reference = cluster.say_to("a", alone, said)
        shown = text_of(reference) + "\n" + "\n".join(buttons_of(reference))
        for phrase in expected:
            assert phrase in shown, f"one server, after {said!r}: {phrase!r} not in {shown!r}"
        for phrase in unexpected:
            assert phrase not in shown, f"one server, after {said!r}: {phrase!r} in {shown!r}"
        server = order[number % 2]
        reply = cluster.say_to(server, alternating, said)
        assert reply == reference, f"turn {number + 1} ({said!r}) on server {server}"

    said = [turn[0] for turn in turns]
    assert user_texts(cluster, alternating) == said
    assert user_texts(cluster, alone) == said
    assert signatures(cluster, alternating) == signatures(cluster, alone)


# Two servers receiving one conversation's messages at the same moment must take turns
# (stores/lock.py): with Rasa's own `type: redis` lock store they can both take the lock
# (RasaHQ/rasa#9213), and a turn is lost or answered as if the other had not been said.


def at_once(cluster: Cluster, sends: list[tuple[str, str, str]]) -> list[list[dict[str, Any]]]:
    """The replies to (server, sender, text) requests sent at the same moment, in their order."""
    barrier = threading.Barrier(len(sends), timeout=60)

    def send(server: str, sender: str, text: str) -> list[dict[str, Any]]:
        barrier.wait()
        return cluster.say_to(server, sender, text)

    with ThreadPoolExecutor(max_workers=len(sends)) as pool:
        futures = [pool.submit(send, *request) for request in sends]
        return [future.result(timeout=300) for future in futures]


def as_set(replies: list[list[dict[str, Any]]]) -> list[str]:
    return sorted(json.dumps(reply, ensure_ascii=False, sort_keys=True) for reply in replies)


# Conversations with a form: each turn's answer depends on the turns before it.
TOGETHER = ["modify_filing_info_before", "access_cancelled_asks_miit_no", "view_filing_ambiguous_year"]


@pytest.mark.parametrize("name", TOGETHER)
def test_the_same_message_on_both_servers_at_once_is_handled_one_after_the_other(
    cluster: Cluster, name: str
) -> None:
    """Each turn is sent to "a" and "b" at the same moment; one server gets it twice in a row."""
    alone, together = new_sender("twice", name), new_sender("together", name)
    for said, _, _ in CONVERSATIONS[name]:
        reference = [cluster.say_to("a", alone, said), cluster.say_to("a", alone, said)]
        replies = at_once(cluster, [("a", together, said), ("b", together, said)])
        assert as_set(replies) == as_set(reference), f"after {said!r} twice"

    said = [turn[0] for turn in CONVERSATIONS[name] for _ in range(2)]
    assert user_texts(cluster, together) == said
    assert signatures(cluster, together) == signatures(cluster, alone)


def test_a_burst_of_one_sender_on_both_servers_keeps_every_turn(cluster: Cluster) -> None:
    """Eight messages of one sender, four on each server, all at once: eight whole turns."""
    said = CONVERSATIONS["why_verification"][0][0]
    alone, burst = new_sender("one", "burst"), new_sender("burst", "burst")
    reference = [cluster.say_to("a", alone, said) for _ in range(8)]
    replies = at_once(cluster, [(Cluster.NAMES[i % 2], burst, said) for i in range(8)])
    assert as_set(replies) == as_set(reference)
    assert user_texts(cluster, burst) == [said] * 8
    assert signatures(cluster, burst) == signatures(cluster, alone)
    # and the conversation goes on, on either server
    follow_up = CONVERSATIONS["view_filing_before_2010"]
    for number, (text, _, _) in enumerate(follow_up):
        assert cluster.say_to(Cluster.NAMES[number % 2], burst, text) == cluster.say_to("a", alone, text)
