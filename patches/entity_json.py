"""Validates each entity annotation's JSON once per text, not once per time it is read.

Rasa 3.6 checks the JSON of every annotation such as [还能查到]{"entity": "miit_has_record",
"value": "true"} with `jsonschema.validate`, which first checks the schema itself, on every
call; `rasa train` reads data/nlu five times. For this project's 900 annotations that was 12 s of
a 65 s training (cProfile of `rasa train --force`, session 8). The same text always gives the
same dict or the same error: the dict is kept per text and a copy handed out (callers may change
it); an invalid text is not kept and raises Rasa's own error each time.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from rasa.shared.nlu.training_data import entities_parser

_rasa_get_validated_dict = entities_parser.get_validated_dict


@functools.lru_cache(maxsize=8192)
def _validated(json_str: str) -> dict[str, Any]:
    return _rasa_get_validated_dict(json_str)


def get_validated_dict(json_str: str) -> dict[str, Any]:
    return copy.deepcopy(_validated(json_str))


def apply() -> None:
    entities_parser.get_validated_dict = get_validated_dict
