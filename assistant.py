"""`python -m assistant <rasa arguments>`: Rasa's command line with the project's fixes switched on.

The one place where the measured fixes of patches/ (and the SQL fast path of stores/sql.py) are
switched on, under their one version gate (patches.RASA_VERSION): `make run`, `make shell`,
`make train` and every server the tests and benchmarks start (scripts/processes.py) go through
here. Plain `rasa run` and `rasa shell` run the same project unpatched: the same answers, only slower
(tests/e2e/test_server_start.py compares the two).

Serving (`run`, `shell`) also keeps TensorFlow, matplotlib, boto3 and pymongo out of the process
(patches/kept_out.py): no part of this assistant uses them, and TensorFlow alone would hold about
450 MB per replica. A model that does use TensorFlow (Rasa's default DIET and TED, `make bench
--peer-on-project-stack`) is served with ASSISTANT_TENSORFLOW=1, which keeps the real ones.
"""

from __future__ import annotations

import os
import sys

SERVING = ("run", "shell")
KEEP_TENSORFLOW = "ASSISTANT_TENSORFLOW"


def serving(argv: list[str]) -> bool:
    """`rasa run` or `rasa shell` (not `rasa run actions`, which is the SDK's)."""
    return bool(argv) and argv[0] in SERVING and argv[1:2] != ["actions"]


def main(argv: list[str] | None = None) -> None:
    import patches

    argv = sys.argv[1:] if argv is None else argv
    gate = patches.rasa_version() == patches.RASA_VERSION
    lean = gate and serving(argv) and os.environ.get(KEEP_TENSORFLOW, "") != "1"
    if lean:
        from patches import kept_out

        kept_out.install()  # before Rasa is imported
    applied = patches.apply_all()
    state = f"fixes of patches/ applied ({', '.join(patches.NAMES)})" if applied else "unpatched"
    state += ", TensorFlow, matplotlib, boto3 and pymongo kept out" if lean else ""
    print(f"assistant: Rasa {patches.rasa_version()}, {state}", file=sys.stderr, flush=True)
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *argv]
    rasa_main()


if __name__ == "__main__":
    main()
