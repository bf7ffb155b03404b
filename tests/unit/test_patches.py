"""The patched reply validation and event lookup accept and refuse exactly what Rasa's own do."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event, SlotSet
from rasa.shared.utils.common import all_subclasses

import channels  # noqa: F401  (applies the patches, as the Rasa server does)
from patches import event_types
from patches.remote_action import validate_action_result

VALID = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "x", "value": 1}], "responses": [{"text": "hi"}]},
    {},
]
INVALID = [
    {"events": [{"no_event_key": 1}]},
    {"events": "not a list"},
    {"responses": [{"text": "hi"}], "events": [{"event": 5}]},
]


def test_rasa_uses_the_patched_validation() -> None:
    assert RemoteAction._validate_action_result is validate_action_result


@pytest.mark.parametrize("reply", VALID)
def test_a_valid_reply_passes_both(reply: dict) -> None:
    validate(reply, RemoteAction.action_response_format_spec())
    assert validate_action_result(RemoteAction("x", None), reply) is True


@pytest.mark.parametrize("reply", INVALID)
def test_an_invalid_reply_fails_both_with_the_same_error(reply: dict) -> None:
    with pytest.raises(ValidationError) as theirs:
        validate(reply, RemoteAction.action_response_format_spec())
    with pytest.raises(ValidationError) as ours:
        validate_action_result(RemoteAction("x", None), reply)
    assert ours.value.message.startswith(theirs.value.message)
    assert "Failed to validate Action server response" in ours.value.message


TYPE_NAMES = sorted({cls.type_name for cls in all_subclasses(Event)})


def test_rasa_uses_the_patched_event_lookup() -> None:
    assert Event.resolve_by_type is event_types.resolve_by_type


@pytest.mark.parametrize("type_name", TYPE_NAMES)
def test_every_event_type_resolves_to_rasas_class_twice(type_name: str) -> None:
    theirs = event_types._rasa_resolve_by_type(type_name)
    assert Event.resolve_by_type(type_name) is theirs
    assert Event.resolve_by_type(type_name) is theirs  # from the table this time


def test_an_unknown_event_type_keeps_rasas_default_and_error() -> None:
    assert Event.resolve_by_type("no_such_event", SlotSet) is SlotSet
    assert Event.resolve_by_type("topic") is None
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        Event.resolve_by_type("no_such_event")
    assert "no_such_event" not in event_types._classes
