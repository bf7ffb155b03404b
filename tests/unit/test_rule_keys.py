"""The remembered rule lookup finds exactly the rules Rasa's own walk finds."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from rasa.core.policies.rule_policy import RULES, RulePolicy
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import SHOULD_NOT_BE_SET

import patches
from patches import rule_keys

ACTIONS = ["action_listen", "action_answer_faq", "faq_form", "utter_greet", None]
INTENTS = ["faq_view_filing", "inform", "affirm", "deny", "greet"]
SLOTS = [(1.0,), (0.0,), SHOULD_NOT_BE_SET, None]


def _state(draw: random.Random, as_rule: bool) -> dict[str, Any]:
    state: dict[str, Any] = {}
    action = draw.choice(ACTIONS)
    if action:
        state["prev_action"] = {"action_name": action}
    if draw.random() < 0.7:
        state["user"] = {"intent": draw.choice(INTENTS)}
    if draw.random() < 0.4:
        state["active_loop"] = {"name": draw.choice(["faq_form", SHOULD_NOT_BE_SET])}
    slot = draw.choice(SLOTS)
    if slot is not None:
        # rules come back from JSON with lists, conversations hold tuples (as in Rasa)
        state["slots"] = {"filing_period": list(slot) if as_rule and isinstance(slot, tuple) else slot}
    return state


def _policy(tmp_path: Any, rules: int, draw: random.Random) -> RulePolicy:
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    policy = RulePolicy.create(RulePolicy.get_default_config(), storage, Resource("rules"), context)
    lookup = {}
    for number in range(rules):
        states = [_state(draw, as_rule=True) for _ in range(draw.randint(1, 3))]
        lookup[json.dumps(states, sort_keys=True)] = f"action_{number}"
    policy.lookup = {RULES: lookup}
    return policy


@pytest.fixture(autouse=True)
def switched_on() -> None:
    assert patches.apply_all()
    assert RulePolicy._get_possible_keys is rule_keys.get_possible_keys


@pytest.mark.parametrize("seed", range(5))
def test_the_same_rules_apply_as_by_rasas_walk(tmp_path: Any, seed: int) -> None:
    draw = random.Random(seed)
    policy = _policy(tmp_path, 80, draw)
    lookup = policy.lookup[RULES]
    histories = [[_state(draw, as_rule=False) for _ in range(draw.randint(1, 4))] for _ in range(60)]
    matched = 0
    for states in histories * 2:  # the second round answers from memory
        expected = rule_keys._rasa_get_possible_keys(policy, lookup, states)
        assert policy._get_possible_keys(lookup, states) == expected
        matched += bool(expected)
    assert matched > 0  # the draw makes rules that do apply, so the comparison means something
    assert len(policy.__dict__[rule_keys._MEMO][id(lookup)][1]) <= len(histories)


def test_a_rule_dropped_from_the_lookup_is_no_longer_found(tmp_path: Any) -> None:
    draw = random.Random(7)
    policy = _policy(tmp_path, 40, draw)
    lookup = policy.lookup[RULES]
    states = next(
        s
        for s in ([_state(draw, as_rule=False) for _ in range(2)] for _ in range(5000))
        if policy._get_possible_keys(lookup, s)
    )
    found = policy._get_possible_keys(lookup, states)
    dropped = sorted(found)[0]
    lookup.pop(dropped)  # as RulePolicy.train does with rules no story uses
    assert policy._get_possible_keys(lookup, states) == found - {dropped}


def test_a_list_and_a_tuple_are_not_the_same_state() -> None:
    assert rule_keys.freeze({"slots": {"x": (1.0,)}}) != rule_keys.freeze({"slots": {"x": [1.0]}})
    assert rule_keys.freeze({"a": 1, "b": 2}) == rule_keys.freeze({"b": 2, "a": 1})
    # what Rasa's `!=` cannot tell apart may share an entry
    assert rule_keys.freeze({"x": (1.0,)}) == rule_keys.freeze({"x": (1,)})


def test_the_memory_is_bounded(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rule_keys, "MAX_ENTRIES", 5)
    draw = random.Random(3)
    policy = _policy(tmp_path, 20, draw)
    lookup = policy.lookup[RULES]
    for _ in range(50):
        policy._get_possible_keys(lookup, [_state(draw, as_rule=False)])
    assert len(policy.__dict__[rule_keys._MEMO][id(lookup)][1]) <= 5
