"""Encodes the JSON that the Rasa server sends (to the action server, above all) with orjson.

Every call of a custom action carries the whole conversation (a 179-event tracker is 81 kB of
JSON): `json.dumps` of it was 8% of the Rasa server's time per message under `make bench`'s
load (py-spy), 0.5 ms for a 20-turn conversation, about ten times what orjson takes. Only the
encoder changes: Rasa's sessions keep their headers, authentication and timeout. A value orjson
cannot encode goes to `json.dumps`, which encodes it as before or raises as before.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import orjson
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

# NumPy scalars: the confidences of scikit-learn classifiers are numpy.float64, which json.dumps
# writes as floats (a float subclass) and orjson only with this option.
OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


def dumps(value: Any) -> str:
    try:
        return orjson.dumps(value, option=OPTIONS).decode("utf-8")
    except TypeError:
        return json.dumps(value)


def session(self: EndpointConfig) -> aiohttp.ClientSession:
    """Rasa's EndpointConfig.session, with orjson as the session's JSON encoder."""
    auth = None
    if self.basic_auth:
        auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
    return aiohttp.ClientSession(
        headers=self.headers,
        auth=auth,
        timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
        json_serialize=dumps,
    )


def apply() -> None:
    EndpointConfig.session = session  # type: ignore[method-assign]
