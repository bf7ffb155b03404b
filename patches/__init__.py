"""Small, measured fixes to Rasa 3.6 itself.

Switched on at one explicit entry point, `python -m assistant` (assistant.py), which `make run`,
`make shell`, `make train` and every test and benchmark server use; importing the channels or the stores
applies nothing. Each fix replaces a Rasa function whose code it was written against, so they
apply to that Rasa release only (requirements.txt pins it; tests/unit/test_patches.py checks
the two agree); the SQL tracker store's fast path (stores/sql.py) reads `applied()` too. On
another release, or under plain `rasa run`, the server runs unpatched: slower, not wrong.
"""

import logging

RASA_VERSION = "3.6.21"

NAMES = (
    "endpoint_json",
    "entity_json",
    "event_types",
    "graph_runner",
    "remote_action",
    "rule_keys",
    "server_start",
    "slot_copy",
    "stores.sql",
)
# patches/kept_out.py is installed by assistant.py itself: it must come before Rasa is imported.

logger = logging.getLogger(__name__)
_applied = False


def rasa_version() -> str:
    # rasa/version.py alone: `import rasa` would import TensorFlow before kept_out.install()
    from rasa.version import __version__

    return str(__version__)


def applied() -> bool:
    """Whether apply_all() switched the fixes on in this process."""
    return _applied


def apply_all() -> bool:
    """Idempotent: each fix replaces one Rasa function with the project's. False when not applied."""
    global _applied
    if rasa_version() != RASA_VERSION:
        logger.warning(
            "patches/ were written for Rasa %s, this is Rasa %s: not applied (check each one "
            "against the new release, then update patches.RASA_VERSION)",
            RASA_VERSION,
            rasa_version(),
        )
        return False
    from patches import (
        endpoint_json,
        entity_json,
        event_types,
        graph_runner,
        remote_action,
        rule_keys,
        server_start,
        slot_copy,
    )

    endpoint_json.apply()
    entity_json.apply()
    event_types.apply()
    graph_runner.apply()
    remote_action.apply()
    rule_keys.apply()
    server_start.apply()
    slot_copy.apply()
    _applied = True
    return True
