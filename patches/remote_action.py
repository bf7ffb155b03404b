"""Validates action server replies with a JSON-schema validator built once.

Rasa 3.6 checks every reply of the action server with `jsonschema.validate`, which re-checks the
schema itself on each call: 15.6 ms of a 33.6 ms answer on the benchmark machine (py-spy profile,
`make bench`), against 0.2 ms with a validator built once. The check itself is unchanged: the
same schema, the same best-matching error with Rasa's hint appended.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@cache
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    error = best_match(_validator().iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from "
            f"the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


def apply() -> None:
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
