"""Remembers which rules apply to a conversation's states instead of checking every rule again.

Rasa 3.6's RulePolicy finds the rules that apply by testing each rule key against each state of
the conversation, every time it predicts (`_get_possible_keys`): about 70 rule checks per
prediction here, two predictions per answer, 8.5 % of the Rasa server's time per immediate
answer (cProfile, 300 answers, session 7). Which keys apply depends only on the lookup's keys
and on the states, so the set is kept per lookup and per states. The states are frozen with
their types (a list is not a tuple), so two states share an entry only when Rasa's own
comparisons (`==`, `!=`, truth) cannot tell them apart. A lookup whose keys changed (training
drops rules it never used) starts a new memory.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from rasa.core.policies.rule_policy import RulePolicy

_rasa_get_possible_keys = RulePolicy._get_possible_keys
# Bounds the memory of one policy: the distinct state histories it saw, each a few rule keys.
MAX_ENTRIES = 4096
_MEMO = "_project_possible_keys"


def freeze(value: Any) -> Hashable:
    """A hashable form of a state that keeps what Rasa's comparisons tell apart."""
    if isinstance(value, dict):
        return ("dict", tuple(sorted((key, freeze(item)) for key, item in value.items())))
    if isinstance(value, list):
        return ("list", tuple(freeze(item) for item in value))
    if isinstance(value, tuple):
        return ("tuple", tuple(freeze(item) for item in value))
    return value


def get_possible_keys(self: RulePolicy, lookup: dict[str, Any], states: list[Any]) -> set[str]:
    memo: dict[int, tuple[frozenset[str], dict[Hashable, frozenset[str]]]] = self.__dict__.setdefault(
        _MEMO, {}
    )
    keys, found = memo.get(id(lookup), (frozenset(), {}))
    if lookup.keys() != keys:
        keys, found = frozenset(lookup), {}
        memo[id(lookup)] = (keys, found)
    try:
        frozen = freeze(states)
        hash(frozen)
    except TypeError:  # a value of a kind the states never hold: Rasa's own walk
        return _rasa_get_possible_keys(self, lookup, states)
    applicable = found.get(frozen)
    if applicable is None:
        if len(found) >= MAX_ENTRIES:
            found.clear()
        applicable = found[frozen] = frozenset(_rasa_get_possible_keys(self, lookup, states))
    return set(applicable)


def apply() -> None:
    RulePolicy._get_possible_keys = get_possible_keys  # type: ignore[method-assign]
