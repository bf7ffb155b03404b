"""Small, measured fixes to Rasa 3.6 itself.

Applied when the Rasa server loads the project's channels (credentials.yml) or its stores
(endpoints.yml): `rasa shell` opens only its own command-line channel, but reads the endpoints.
"""

from patches import endpoint_json, event_types, graph_runner, remote_action, server_start


def apply_all() -> None:
    """Idempotent: each fix replaces one Rasa function with the project's."""
    endpoint_json.apply()
    event_types.apply()
    graph_runner.apply()
    remote_action.apply()
    server_start.apply()
