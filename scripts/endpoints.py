"""endpoints.yml with other ports or another tracker file, for the launchers that need them.

endpoints.yml holds the contract's defaults as plain values (the action server on
localhost:5055, the tracker store in var/tracker.db), so that `rasa shell`, `rasa run` and
`rasa interactive` work in the project root as Rasa documents them, with nothing set. Rasa's
`${VAR}` has no default: a variable left unset stops the server. So the settings of the
contract are read here instead, and a launcher that changes one (`make run` with ACTION_PORT,
the test servers on free ports) writes an endpoints file of its own:

    python -m scripts.endpoints var/endpoints.yml   # from ACTION_SERVER_URL and TRACKER_DB
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "endpoints.yml"


def endpoints(
    action_url: str | None = None, tracker_db: str | None = None, template: Path = TEMPLATE
) -> dict[str, Any]:
    """The template's endpoints with the action server's URL and the SQLite file replaced."""
    config = yaml.safe_load(template.read_text(encoding="utf-8"))
    if action_url:
        config["action_endpoint"]["url"] = action_url
    if tracker_db:
        config["tracker_store"]["db"] = str(tracker_db)
    return config


def _reads_environment(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_reads_environment(item) for item in value.values())
    if isinstance(value, list):
        return any(_reads_environment(item) for item in value)
    return isinstance(value, str) and "${" in value


def write(
    path: Path, action_url: str | None = None, tracker_db: str | None = None, template: Path = TEMPLATE
) -> Path:
    """`template` with these values at `path`; a template that reads the environment (${...}, as
    bench/endpoints.default.yml does) is returned as it is."""
    if _reads_environment(yaml.safe_load(template.read_text(encoding="utf-8"))):
        return template
    path.parent.mkdir(parents=True, exist_ok=True)
    text = f"# Written by scripts/endpoints.py from {template.name}; do not edit.\n"
    config = endpoints(action_url, tracker_db, template)
    path.write_text(text + yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def main(argv: list[str], environ: Mapping[str, str] = os.environ) -> None:
    if len(argv) != 1:
        raise SystemExit("usage: python -m scripts.endpoints OUT.yml  (reads ACTION_SERVER_URL, TRACKER_DB)")
    write(Path(argv[0]), environ.get("ACTION_SERVER_URL") or None, environ.get("TRACKER_DB") or None)


if __name__ == "__main__":
    main(sys.argv[1:])
