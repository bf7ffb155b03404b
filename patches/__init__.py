"""Small, measured fixes to Rasa 3.6 itself.

Applied when the Rasa server loads the project's channels (credentials.yml) or its stores
(endpoints.yml): `rasa shell` opens only its own command-line channel, but reads the endpoints.
Each fix replaces a Rasa function whose code it was written against, so they apply to that
Rasa release only (requirements.txt pins it; tests/unit/test_patches.py checks the two agree).
On another release the Rasa server logs a warning and runs unpatched: slower, not wrong.
"""

import logging

import rasa

from patches import endpoint_json, event_types, graph_runner, remote_action, server_start

RASA_VERSION = "3.6.21"

logger = logging.getLogger(__name__)


def apply_all() -> bool:
    """Idempotent: each fix replaces one Rasa function with the project's. False when not applied."""
    if rasa.__version__ != RASA_VERSION:
        logger.warning(
            "patches/ were written for Rasa %s, this is Rasa %s: not applied (check each one "
            "against the new release, then update patches.RASA_VERSION)",
            RASA_VERSION,
            rasa.__version__,
        )
        return False
    endpoint_json.apply()
    event_types.apply()
    graph_runner.apply()
    remote_action.apply()
    server_start.apply()
    return True
