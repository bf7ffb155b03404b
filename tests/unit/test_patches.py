"""The patched reply validation accepts and refuses exactly what Rasa's own does."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction

import channels  # noqa: F401  (applies the patches, as the Rasa server does)
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
